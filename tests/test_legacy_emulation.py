"""An interpreter from before PEP 466, emulated by removing stdlib names.

Each scenario runs in a fresh subprocess that deletes the attributes old
2.7 releases lack (hmac.compare_digest before 2.7.7, hashlib.pbkdf2_hmac
before 2.7.8, hashlib.algorithms_guaranteed/_available, ssl.match_hostname
and ssl.create_default_context before 2.7.9) before importing secureshim.
"""
from __future__ import absolute_import, division, print_function

import pytest

from .conftest import block_imports, run_python

REMOVE = """
import hashlib, hmac, ssl
for module, name in [
    (hmac, "compare_digest"),
    (hashlib, "pbkdf2_hmac"),
    (hashlib, "algorithms_guaranteed"),
    (hashlib, "algorithms_available"),
    (ssl, "match_hostname"),
    (ssl, "create_default_context"),
]:
    if hasattr(module, name):
        delattr(module, name)
"""


def test_fallbacks_are_reported_work_and_warn():
    result = run_python(
        REMOVE
        + """
import binascii, warnings
warnings.simplefilter("error")
import secureshim
from secureshim import features
chosen = secureshim.backends()
assert chosen["compare_digest"] == "python", chosen
assert not features.HAS_COMPARE_DIGEST
assert not features.HAS_PBKDF2_HMAC
assert not features.HAS_ALGORITHMS_GUARANTEED
assert not features.HAS_MATCH_HOSTNAME
assert not features.HAS_CREATE_DEFAULT_CONTEXT

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert secureshim.compare_digest(b"tag", b"tag")
    assert not secureshim.compare_digest(b"tag", b"tah")
assert [w.category for w in caught] == [secureshim.DegradedSecurityWarning], caught
assert "hmac.compare_digest" in str(caught[0].message)
assert "2.7.7" in str(caught[0].message)

# pbkdf2_hmac: libcrypto through ctypes where it loads (no warning: it is
# OpenSSL's own code), else the python tier, which warns.
assert chosen["pbkdf2_hmac"] in ("openssl", "python"), chosen
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    # RFC 6070, 2 iterations.
    assert secureshim.pbkdf2_hmac("sha1", b"password", b"salt", 2, 20) == (
        binascii.unhexlify("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"))
expected = [secureshim.DegradedSecurityWarning] if chosen["pbkdf2_hmac"] == "python" else []
assert [w.category for w in caught] == expected, caught

# match_hostname: secureshim's own, on every interpreter.
assert chosen["match_hostname"] == "python"
cert = {"subjectAltName": (("DNS", "*.example.com"), ("IP Address", "127.0.0.1"))}
secureshim.match_hostname(cert, "www.example.com")
secureshim.match_hostname(cert, "127.0.0.1")
try:
    secureshim.match_hostname(cert, "example.com")
except secureshim.CertificateError:
    pass
else:
    raise AssertionError("matched a name the certificate does not carry")

assert {"md5", "sha1", "sha256", "sha512"} <= set(secureshim.algorithms_guaranteed)
assert set(secureshim.algorithms_guaranteed) <= set(secureshim.algorithms_available)
for name in secureshim.algorithms_available:
    hashlib.new(name)
print("ok")
"""
    ).check()
    assert result.out.strip() == "ok"


def test_forcing_native_compare_digest_is_refused_here():
    result = run_python(
        REMOVE + "import secureshim\n",
        env={"SECURESHIM_FORCE": "compare_digest=native"},
    )
    assert result.returncode != 0
    assert "ValueError" in result.err
    assert "compare_digest=native cannot run" in result.err


PY_URANDOM = """
import os

def urandom(n):  # what os.py did before 2.7.9: a descriptor per call
    fd = os.open("/dev/urandom", os.O_RDONLY)
    try:
        return os.read(fd, n)
    finally:
        os.close(fd)

os.urandom = urandom
"""


@pytest.mark.parametrize("ctypes_blocked", [False, True], ids=["ctypes", "no-ctypes"])
def test_python_level_os_urandom_selects_getrandom_or_fd_without_warning(ctypes_blocked):
    # getrandom(2) where the kernel has it and ctypes can reach it, else fd.
    from secureshim import _urandom

    getrandom = not ctypes_blocked and _urandom.getrandom_backend() is not None
    result = run_python(
        PY_URANDOM
        + """
import warnings
warnings.simplefilter("error")
import secureshim
from secureshim import _urandom
assert len(secureshim.urandom(32)) == 32
tier = secureshim.backends()["urandom"]
assert _urandom.PRIMITIVE.choose().value is getattr(_urandom, tier + "_urandom")
print(tier)
""",
        prelude=block_imports("ctypes") if ctypes_blocked else "",
    ).check()
    assert result.out.strip() == ("getrandom" if getrandom else "fd")


def test_forcing_the_open_per_call_native_urandom_warns():
    result = run_python(
        PY_URANDOM
        + """
import warnings
import secureshim
assert secureshim.backends()["urandom"] == "native"
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert len(secureshim.urandom(8)) == 8
    secureshim.urandom(8)
assert [w.category for w in caught] == [secureshim.DegradedSecurityWarning], caught
assert "every call" in str(caught[0].message)
print("ok")
""",
        env={"SECURESHIM_FORCE": "urandom=native"},
    ).check()
    assert result.out.strip() == "ok"
