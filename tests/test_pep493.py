"""PEP 476's unverified context and PEP 493's switch, variable and file."""
from __future__ import absolute_import, division, print_function

import os
import signal
import ssl
import subprocess
import sys
import textwrap

import pytest

import secureshim
from secureshim import _pep493

from . import tls_helpers
from .tls_helpers import HOSTNAME
from .tls_tiers import REFUSALS, attempt

# ssl._https_verify_certificates: 2.7.12+; there the switch is the stdlib's.
NATIVE_SWITCH = hasattr(ssl, "_https_verify_certificates")


@pytest.fixture(autouse=True)
def restore_https_default(monkeypatch):
    saved = ssl._create_default_https_context
    monkeypatch.setattr(_pep493, "_decision", None)
    monkeypatch.delenv("PYTHONHTTPSVERIFY", raising=False)
    yield
    ssl._create_default_https_context = saved


@pytest.fixture(scope="module")
def self_signed(tmpdir_factory):
    pki = tls_helpers.PKI(str(tmpdir_factory.mktemp("pep493-pki")))
    with pki.server("self_signed") as server:
        yield server


def _config(tmpdir, text):
    path = tmpdir.join("cert-verification.cfg")
    path.write(textwrap.dedent(text))
    return str(path)


def test_unverified_context_warns_every_time(self_signed):
    for _ in range(2):
        with pytest.warns(secureshim.UnverifiedContextWarning) as caught:
            context = secureshim.create_unverified_context()
        assert len(caught) == 1 and "Fix:" in str(caught[0].message)
    assert context.verify_mode == ssl.CERT_NONE and not context.check_hostname
    outcome = attempt(context, self_signed, HOSTNAME)[0]
    assert outcome[0].endswith(b"hello")


def test_create_default_context_verifies_whatever_pep493_says(self_signed):
    with pytest.warns(secureshim.UnverifiedContextWarning):
        secureshim.https_verify_certificates(False)
    outcome = attempt(secureshim.create_default_context(), self_signed, HOSTNAME)[0]
    assert isinstance(outcome, REFUSALS)


def test_runtime_switch_off_and_on(self_signed):
    with pytest.warns(secureshim.UnverifiedContextWarning) as caught:
        secureshim.https_verify_certificates(False)
    assert "DISABLED" in str(caught[0].message)
    assert secureshim.https_verify_state() == (
        False, "runtime", "https_verify_certificates(False)"
    )
    if NATIVE_SWITCH:
        context = ssl._create_default_https_context()
    else:  # ours warns at every use
        with pytest.warns(secureshim.UnverifiedContextWarning):
            context = ssl._create_default_https_context()
    assert attempt(context, self_signed, HOSTNAME)[0][0].endswith(b"hello")

    secureshim.https_verify_certificates(True)
    assert ssl._create_default_https_context is ssl.create_default_context
    state = secureshim.https_verify_state()
    assert state.verify and state.decided_by == "runtime"
    outcome = attempt(ssl._create_default_https_context(), self_signed, HOSTNAME)[0]
    assert isinstance(outcome, REFUSALS)


def test_default_state_without_any_decision():
    state = secureshim.https_verify_state()
    assert state.verify and state.decided_by == "default"


def test_external_replacement_is_reported():
    ssl._create_default_https_context = ssl._create_unverified_context
    state = secureshim.https_verify_state()
    assert not state.verify and state.decided_by in ("external", "environment")


@pytest.mark.parametrize(
    "env, text, verify, decided_by",
    [
        (None, None, True, "default"),
        ("0", None, False, "environment"),
        ("1", None, True, "environment"),
        ("", "[https]\nverify=disable\n", False, "config-file"),
        (None, "[https]\nverify = disable\n", False, "config-file"),
        (None, "[https]\nverify=enable\n", True, "config-file"),
        (None, "[https]\nverify=platform_default\n", True, "config-file"),
        (None, "[other]\nverify=disable\n", True, "default"),
        ("1", "[https]\nverify=disable\n", True, "environment"),
        ("0", "[https]\nverify=enable\n", False, "environment"),
    ],
)
def test_policy(env, text, verify, decided_by, tmpdir, monkeypatch):
    if env is not None:
        monkeypatch.setenv("PYTHONHTTPSVERIFY", env)
    path = _config(tmpdir, text) if text is not None else str(tmpdir.join("missing.cfg"))
    if verify:
        state = secureshim.apply_https_verify_policy(path)
    else:
        with pytest.warns(secureshim.UnverifiedContextWarning):
            state = secureshim.apply_https_verify_policy(path)
    assert (state.verify, state.decided_by) == (verify, decided_by)
    assert secureshim.https_verify_state() == state
    unverified = ssl._create_default_https_context is not ssl.create_default_context
    assert unverified == (not verify)


def test_policy_disabled_really_disables_the_stdlib_default(tmpdir, self_signed):
    path = _config(tmpdir, "[https]\nverify=disable\n")
    with pytest.warns(secureshim.UnverifiedContextWarning):
        secureshim.apply_https_verify_policy(path)
    if NATIVE_SWITCH:
        context = ssl._create_default_https_context()
    else:
        with pytest.warns(secureshim.UnverifiedContextWarning):
            context = ssl._create_default_https_context()
    assert attempt(context, self_signed, HOSTNAME)[0][0].endswith(b"hello")


def test_nothing_happens_until_the_policy_is_applied(monkeypatch):
    monkeypatch.setenv("PYTHONHTTPSVERIFY", "0")
    before = ssl._create_default_https_context
    secureshim.https_verify_state()
    assert ssl._create_default_https_context is before


def test_environment_is_ignored_under_python_E(tmpdir):
    code = textwrap.dedent(
        """
        import sys, warnings
        warnings.simplefilter("error")
        import secureshim
        state = secureshim.apply_https_verify_policy(sys.argv[1])
        print("%s %s" % (state.verify, state.decided_by))
        """
    )
    env = dict(os.environ, PYTHONHTTPSVERIFY="0")
    env.pop("SECURESHIM_FORCE", None)
    src = os.path.dirname(os.path.dirname(secureshim.__file__))
    # -E also ignores PYTHONPATH: put the package on sys.path by hand.
    code = "import sys; sys.path.insert(0, %r)\n" % src + code
    out = subprocess.check_output(
        [sys.executable, "-E", "-c", code, str(tmpdir.join("missing.cfg"))], env=env
    )
    assert out.decode().split() == ["True", "default"]


# Garbage at the configuration path: each is ignored with a warning and
# verification stays on.
GARBAGE_TEXT = [
    ("[https]\nverify=sometimes\n", "unknown verify='sometimes', ignored"),
    ("not an ini file\n", "is not valid ini (MissingSectionHeaderError), ignored"),
    ("[https]\nverify = \n  disable\n[", "is not valid ini"),
]


def _refuses(path, reason):
    with pytest.warns(secureshim.SecureShimWarning) as caught:
        state = secureshim.apply_https_verify_policy(path)
    assert (state.verify, state.decided_by) == (True, "default"), state
    assert reason in state.detail and state.detail.endswith("ignored"), state.detail
    assert ssl._create_default_https_context is ssl.create_default_context
    (warning,) = caught
    assert reason in str(warning.message) and "Fix:" in str(warning.message)
    assert warning.filename == __file__  # stacklevel: the caller's line
    return state


@pytest.mark.parametrize("text, reason", GARBAGE_TEXT)
def test_garbage_text_is_reported_and_ignored(text, reason, tmpdir):
    _refuses(_config(tmpdir, text), reason)


@pytest.mark.parametrize("data", [
    b"[https]\nverify=disable\n\xff\n",  # not UTF-8 (UnicodeDecodeError before)
    b"\xfe\xff\x00[\x00h",
])
def test_undecodable_file_is_ignored(data, tmpdir):
    path = tmpdir.join("cert-verification.cfg")
    path.write_binary(data)
    _refuses(str(path), "is not UTF-8 text")


@pytest.fixture
def alarm():
    """Fail instead of hanging: SIGALRM after 5 seconds."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("no SIGALRM (signal.alarm) here")

    def expired(signum, frame):
        raise AssertionError("blocked for 5 seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs (os.mkfifo) here")
def test_fifo_is_refused_without_blocking(tmpdir, alarm):
    path = str(tmpdir.join("cert-verification.cfg"))
    os.mkfifo(path)
    _refuses(path, "is not a regular file")


def test_directory_device_and_huge_files_are_refused(tmpdir, alarm):
    _refuses(str(tmpdir), "is not a regular file")
    if os.path.exists("/dev/zero"):
        _refuses("/dev/zero", "is not a regular file")
    huge = tmpdir.join("huge.cfg")
    huge.write("[https]\nverify=disable\n" + "#" * _pep493.CONFIG_LIMIT + "\n")
    _refuses(str(huge), "is larger than %d bytes" % _pep493.CONFIG_LIMIT)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no os.symlink here")
def test_symlink_loop_is_refused(tmpdir):
    path = str(tmpdir.join("loop.cfg"))
    os.symlink(path, path)
    _refuses(path, "cannot be read")


def test_missing_file_and_directory_are_no_problem(tmpdir):
    for path in (tmpdir.join("missing.cfg"), tmpdir.join("missing", "x.cfg")):
        state = secureshim.apply_https_verify_policy(str(path))  # warnings are errors here
        assert (state.verify, state.decided_by) == (True, "default")
        assert state.detail.endswith("not found")


def test_largest_allowed_file_is_read(tmpdir):
    path = tmpdir.join("big.cfg")
    text = "[https]\nverify=enable\n"
    path.write(text + "#" * (_pep493.CONFIG_LIMIT - len(text) - 1) + "\n")
    assert os.path.getsize(str(path)) == _pep493.CONFIG_LIMIT
    state = secureshim.apply_https_verify_policy(str(path))
    assert (state.verify, state.decided_by) == (True, "config-file")
