"""Every warning secureshim issues, word for word, with its class.

The texts are built from the tiers' records (``_tier``, ``_warn.message``);
users filter on them and the report quotes them, so they are pinned here.
Each scenario runs in a fresh interpreter with SECURESHIM_FORCE or an
emulated missing feature; the report must quote the same texts.
"""
from __future__ import absolute_import, division, print_function

import json
import ssl

import pytest

from .conftest import block_imports, run_python

COLLECT = """
import json, warnings
import secureshim
from secureshim import _diagnostics
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    secureshim.compare_digest(b"a", b"a")
    secureshim.urandom(2)
    secureshim.pbkdf2_hmac("sha256", b"p", b"s", 2)
    secureshim.match_hostname(
        {"subjectAltName": (("DNS", u"xn--bcher-kva.example"),)}, u"b\\u00fccher.example")
    if TLS:
        secureshim.create_default_context()
report = dict((e["name"], e["warnings"]) for e in _diagnostics.primitives_info())
print(json.dumps({
    "warnings": sorted(set((w.category.__name__, str(w.message)) for w in caught
                           if "secureshim" in w.category.__module__)),
    "report": sorted(m for messages in report.values() for m in messages),
}))
"""

FORCED_TAIL = "Fix: unset SECURESHIM_FORCE."

COMPARE_DIGEST = (
    "DegradedSecurityWarning",
    "compare_digest: secureshim's python tier (pure Python) is in use because "
    "SECURESHIM_FORCE selects it; it has no data-dependent branches but cannot "
    "promise constant time as strongly as C. " + FORCED_TAIL,
)
PBKDF2 = (
    "DegradedSecurityWarning",
    "pbkdf2_hmac: secureshim's python tier (pure Python) is in use because "
    "SECURESHIM_FORCE selects it; it is 2-3x slower than OpenSSL on CPython "
    "(10x or more on PyPy), so the same time budget buys fewer iterations and "
    "weaker keys. " + FORCED_TAIL,
)
URANDOM_FD = (
    "DegradedSecurityWarning",
    "urandom: the fd tier is in use because SECURESHIM_FORCE selects it; it "
    "reads /dev/urandom, which unlike getrandom(2) does not wait for the "
    "kernel's pool to be initialised early in boot. " + FORCED_TAIL,
)
URANDOM_GETRANDOM = (
    "DegradedSecurityWarning",
    "urandom: the getrandom tier is in use because SECURESHIM_FORCE selects "
    "it; it calls getrandom(2) through ctypes, several times slower than "
    "os.urandom's C code here. " + FORCED_TAIL,
)
PYOPENSSL = (
    "DegradedSecurityWarning",
    "create_default_context: the pyopenssl tier is in use because "
    "SECURESHIM_FORCE selects it; it checks host names in Python after the "
    "handshake and offers a subset of ssl.SSLContext (no session resumption, "
    "SNI callbacks or post-handshake authentication). " + FORCED_TAIL,
)
LEGACY = (
    "InsecurePlatformWarning",
    "create_default_context: the legacy tier (ssl.wrap_socket) is in use "
    "because SECURESHIM_FORCE selects it; it verifies the certificate chain and "
    "the host name, but cannot refuse TLS 1.0/1.1 servers or 1024-bit keys "
    "where the old ssl module and its OpenSSL cannot, and sends no SNI. "
    + FORCED_TAIL,
)
SNI = (
    "SNIMissingWarning",
    "create_default_context: the legacy tier cannot send SNI (Server Name "
    "Indication): servers hosting several names present their default "
    "certificate, which fails verification for the others. " + FORCED_TAIL,
)
IDNA = (
    "DegradedSecurityWarning",
    "match_hostname: secureshim's python tier converts non-ASCII hostnames "
    "with the stdlib's IDNA 2003 codec because the idna package is not "
    "installed; IDNA 2003 maps some names (with sharp s, final sigma or "
    "joiners) to other hosts than IDNA 2008 does. Fix: pip install idna.",
)


def _collect(force, prelude="", tls=True):
    result = run_python(
        "TLS = %r\n" % tls + COLLECT, env={"SECURESHIM_FORCE": force}, prelude=prelude
    ).check()
    found = json.loads(result.out.strip().splitlines()[-1])
    return [tuple(w) for w in found["warnings"]], found["report"]


def _has_pyopenssl():
    try:
        import OpenSSL.SSL  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("force, expected", [
    ("compare_digest=python", [COMPARE_DIGEST]),
    ("pbkdf2_hmac=python", [PBKDF2]),
])
def test_forced_python_tiers(force, expected):
    warnings, report = _collect(force)
    assert warnings == expected
    assert report == [text for _, text in expected]


def test_forced_fd_urandom():
    warnings, report = _collect("urandom=fd")
    # The fd tier is weaker only where os.urandom is C code (2.7.9+, 3.4+).
    from secureshim import _detect

    expected = [URANDOM_FD] if _detect.URANDOM_IS_C else []
    assert warnings == expected
    assert report == [text for _, text in expected]


def test_forced_getrandom_urandom():
    from secureshim import _urandom

    if _urandom.getrandom_backend() is None:
        pytest.skip("getrandom(2) cannot be called here (kernel or ctypes)")
    warnings, report = _collect("urandom=getrandom")
    # Weaker only where os.urandom is C code (2.7.9+, 3.4+).
    from secureshim import _detect

    expected = [URANDOM_GETRANDOM] if _detect.URANDOM_IS_C else []
    assert warnings == expected
    assert report == [text for _, text in expected]


@pytest.mark.skipif(not _has_pyopenssl(), reason="pyOpenSSL is not installed")
def test_forced_pyopenssl():
    warnings, report = _collect("create_default_context=pyopenssl")
    assert warnings == [PYOPENSSL]
    assert report == [PYOPENSSL[1]]


@pytest.mark.skipif(not hasattr(ssl, "wrap_socket"),
                    reason="no ssl.wrap_socket (removed in 3.12)")
def test_forced_legacy_arms_both_and_reports_both():
    warnings, report = _collect("create_default_context=legacy")
    # The SNI warning fires at the first client socket, not here.
    assert warnings == [LEGACY]
    assert report == sorted([LEGACY[1], SNI[1]])


def test_idna_2003_is_reported_before_and_after_its_first_use():
    before = run_python(
        """
        from secureshim import _diagnostics
        print([e["warnings"] for e in _diagnostics.primitives_info()
               if e["name"] == "match_hostname"][0])
        """,
        prelude=block_imports("idna"),
    ).check()
    assert before.out.strip() == repr([IDNA[1]])
    warnings, report = _collect("", prelude=block_imports("idna"), tls=False)
    assert IDNA in warnings
    assert IDNA[1] in report


def test_digest_missing_from_libcrypto_is_reported_under_pbkdf2():
    # One key scheme: the per-digest warning is the primitive's part, so the
    # report finds it (it was missed under the old "pbkdf2_hmac:" keys).
    result = run_python(
        """
        import warnings
        from secureshim import _diagnostics, _pbkdf2
        lib = _pbkdf2._libcrypto()[0]
        if lib is None:
            print("no libcrypto")
        else:
            lib.digest = lambda name: None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                _pbkdf2._openssl_then_python("sha1", b"p", b"s", 2)
            entry = [e for e in _diagnostics.primitives_info() if e["name"] == "pbkdf2_hmac"][0]
            print(repr(str(caught[0].message) in entry["warnings"]))
        """
    ).check()
    assert result.out.strip() in ("True", "no libcrypto")
