"""The warning hierarchy and the once-at-first-use rule."""
from __future__ import absolute_import, division, print_function

import json

import secureshim

from .conftest import block_imports, run_python
from .race_helpers import RACE


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
    # 16 threads released together hit a primitive's first use, again and
    # again (re-armed between rounds): exactly one warning each round.
    result = run_python(
        """
        import json
        import secureshim
        from secureshim import _warn
        counts = []
        for _ in rounds():
            _warn.rearm()
            del caught[:]
            race(lambda i: secureshim.compare_digest(b"ab", b"ab"))
            counts.append(len(caught))
        print(json.dumps({"rounds": len(counts), "wrong": [c for c in counts if c != 1]}))
        """,
        prelude=RACE,
        env={"SECURESHIM_FORCE": "compare_digest=python"},
    ).check()
    out = json.loads(result.out)
    assert out["rounds"] >= 5 and out["wrong"] == [], out


def test_lazily_armed_warning_is_armed_and_fired_once_under_threads():
    # Warnings armed at first use, not at import (a digest the openssl
    # pbkdf2 tier lacks; IDNA 2003 without the idna package), race their
    # own arming too.
    result = run_python(
        """
        import json
        import secureshim
        from secureshim import _match_hostname, _warn
        cert = {"subjectAltName": (("DNS", "xn--bcher-kva.example"),)}
        host = b"b\\xc3\\xbccher.example".decode("utf-8")
        counts = []
        for _ in rounds():
            _warn._armed.pop("match_hostname.idna", None)
            del _warn.pending("match_hostname.idna")[:]
            del _match_hostname._idna_ready[:]
            del caught[:]
            race(lambda i: secureshim.match_hostname(cert, host))
            counts.append(len(caught))
        print(json.dumps({"rounds": len(counts), "wrong": [c for c in counts if c != 1]}))
        """,
        prelude=block_imports("idna") + RACE,
    ).check()
    out = json.loads(result.out)
    assert out["rounds"] >= 5 and out["wrong"] == [], out
