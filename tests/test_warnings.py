"""The warning hierarchy and the once-at-first-use rule."""
from __future__ import absolute_import, division, print_function

import secureshim

from .conftest import run_python


def test_hierarchy_filters_as_one_group():
    assert issubclass(secureshim.DegradedSecurityWarning, secureshim.SecureShimWarning)
    assert issubclass(secureshim.InsecurePlatformWarning, secureshim.SecureShimWarning)
    assert issubclass(secureshim.SecureShimWarning, Warning)
    assert not issubclass(secureshim.SecureShimWarning, DeprecationWarning)


def test_warns_once_at_first_use_not_at_import_pointing_at_caller():
    result = run_python(
        """
        import warnings
        warnings.simplefilter("error")  # importing must not warn at all
        import secureshim
        warnings.resetwarnings()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                secureshim.compare_digest(b"a", b"a")  # the caller's line
        assert len(caught) == 1, [str(w.message) for w in caught]
        w = caught[0]
        assert w.category is secureshim.DegradedSecurityWarning
        # The caller's file ("<string>", or "-c" on 2.7/3.6), not secureshim's.
        assert "secureshim" not in w.filename, w.filename
        message = str(w.message)
        assert "compare_digest" in message and "python" in message
        assert "Fix:" in message
        print("ok")
        """,
        env={"SECURESHIM_FORCE": "compare_digest=python"},
    ).check()
    assert result.out.strip() == "ok"


def test_group_filter_silences_every_secureshim_warning():
    run_python(
        """
        import warnings
        import secureshim
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", secureshim.SecureShimWarning)
        secureshim.compare_digest(b"a", b"a")
        secureshim.urandom(4)
        """,
        env={"SECURESHIM_FORCE": "compare_digest=python,urandom=fd"},
    ).check()


def test_warning_is_thread_safe_exactly_once():
    result = run_python(
        """
        import threading, warnings
        import secureshim
        caught = []
        def showwarning(message, category, filename, lineno, file=None, line=None):
            caught.append(category)
        warnings.showwarning = showwarning
        warnings.simplefilter("always")
        barrier = threading.Event()
        def work():
            barrier.wait()
            for _ in range(200):
                secureshim.compare_digest(b"ab", b"ab")
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads: t.start()
        barrier.set()
        for t in threads: t.join()
        print(len(caught))
        """,
        env={"SECURESHIM_FORCE": "compare_digest=python"},
    ).check()
    assert result.out.strip() == "1"
