"""Tier selection for create_default_context: detection, SECURESHIM_FORCE, warnings."""
from __future__ import absolute_import, division, print_function

import ssl
import sys

import pytest

import secureshim
from secureshim import _tls

from .conftest import block_imports, run_python

HAS_WRAP_SOCKET = hasattr(ssl, "wrap_socket")

BLOCK_PYOPENSSL = block_imports("OpenSSL")

# An interpreter before 2.7.9: no SSLContext, no create_default_context.
# (Connections cannot be made after this; selection and warnings can be
# checked.)
OLD_SSL = """
import ssl
for name in ("SSLContext", "create_default_context", "_create_default_https_context"):
    delattr(ssl, name)
"""


def test_native_is_chosen_here_and_is_the_stdlib_class():
    assert secureshim.backends()["create_default_context"] == "native"
    assert secureshim.SSLContext is ssl.SSLContext
    assert secureshim.Purpose is ssl.Purpose
    assert isinstance(secureshim.create_default_context(), ssl.SSLContext)


def test_without_sslcontext_pyopenssl_is_chosen_silently():
    pytest.importorskip("OpenSSL")
    result = run_python(
        OLD_SSL + """
import warnings
warnings.simplefilter("error")  # importing must not warn
import secureshim
print(secureshim.backends()["create_default_context"])  # chooses the tier
from secureshim import _tls_pyopenssl
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ctx = secureshim.create_default_context()
# No warning of secureshim's own; cryptography's about old Pythons (2.7,
# 3.6), deferred from the import, is issued now.
assert [w.category.__name__ for w in caught] in (
    [], ["CryptographyDeprecationWarning"]), caught
assert isinstance(ctx, _tls_pyopenssl.PyOpenSSLContext)
assert secureshim.SSLContext is _tls_pyopenssl.PyOpenSSLContext
assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
""",
    ).check()
    assert result.out.split()[-1] == "pyopenssl"


@pytest.mark.skipif(not HAS_WRAP_SOCKET, reason="no ssl.wrap_socket (removed in 3.12)")
def test_without_sslcontext_or_pyopenssl_legacy_is_chosen_and_warns_at_first_use():
    result = run_python(
        BLOCK_PYOPENSSL + OLD_SSL + """
import warnings
warnings.simplefilter("error")
import secureshim
warnings.resetwarnings()
print(secureshim.backends()["create_default_context"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(3):
        ctx = secureshim.create_default_context()
assert len(caught) == 1, [str(w.message) for w in caught]
w = caught[0]
assert w.category is secureshim.InsecurePlatformWarning
assert w.filename in ("<string>", "-c"), w.filename  # 2.7 names -c
message = str(w.message)
assert "legacy" in message and "SNI" in message and "TLS 1.0" in message
assert "pip install pyOpenSSL" in message, message
assert type(ctx).__name__ == "LegacySSLContext"
print("ok")
""",
    ).check()
    assert result.out.split() == ["legacy", "ok"]


@pytest.mark.skipif(not HAS_WRAP_SOCKET, reason="no ssl.wrap_socket (removed in 3.12)")
def test_forced_legacy_warns_insecure_platform_then_sni_at_first_socket():
    result = run_python(
        """
import socket, warnings
import secureshim
print(secureshim.backends()["create_default_context"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ctx = secureshim.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = 0
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.create_connection(listener.getsockname(), timeout=5)
    listener.accept()[0].close()
    listener.close()
    try:
        ctx.wrap_socket(client, server_hostname="example.test")
    except (OSError, socket.error, ValueError):
        pass  # the peer hung up: only the warnings matter here
    try:
        ctx.wrap_socket(socket.socket(), server_hostname="example.test")
    except (OSError, socket.error, ValueError):
        pass
categories = [w.category.__name__ for w in caught]
assert categories == ["InsecurePlatformWarning", "SNIMissingWarning"], categories
assert "SECURESHIM_FORCE" in str(caught[0].message)
assert issubclass(secureshim.SNIMissingWarning, secureshim.InsecurePlatformWarning)
print("ok")
""",
        env={"SECURESHIM_FORCE": "create_default_context=legacy"},
    ).check()
    assert result.out.split() == ["legacy", "ok"]


@pytest.mark.skipif(HAS_WRAP_SOCKET, reason="ssl.wrap_socket exists before 3.12")
def test_forcing_legacy_where_wrap_socket_is_gone_fails_at_import():
    result = run_python("import secureshim", env={"SECURESHIM_FORCE": "create_default_context=legacy"})
    assert result.returncode != 0
    assert "ValueError" in result.err and "cannot run on this interpreter" in result.err
    assert "create_default_context=legacy" in result.err


def test_forcing_pyopenssl_without_it_fails_at_import():
    result = run_python(
        BLOCK_PYOPENSSL + "import secureshim\n",
        env={"SECURESHIM_FORCE": "create_default_context=pyopenssl"},
    )
    assert result.returncode != 0
    assert "ValueError" in result.err and "cannot run on this interpreter" in result.err
    assert "available here: native" in result.err


def test_forced_pyopenssl_is_used_and_warns_once():
    pytest.importorskip("OpenSSL")
    result = run_python(
        """
import warnings
import secureshim
from secureshim import _tls_pyopenssl
print(secureshim.backends()["create_default_context"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(2):
        ctx = secureshim.create_default_context()
assert isinstance(ctx, _tls_pyopenssl.PyOpenSSLContext)
# cryptography's own warning about 2.7/3.6 is deferred to here as well.
ours = [w for w in caught if w.category.__name__ != "CryptographyDeprecationWarning"]
assert [w.category for w in ours] == [secureshim.DegradedSecurityWarning], caught
assert "Fix: unset SECURESHIM_FORCE" in str(ours[0].message)
print("ok")
""",
        env={"SECURESHIM_FORCE": "create_default_context=pyopenssl"},
    ).check()
    assert result.out.split()[-2:] == ["pyopenssl", "ok"]


def test_import_does_not_import_ssl_until_a_tls_name_is_used():
    result = run_python(
        """
import sys
import secureshim
before = "ssl" in sys.modules
secureshim.create_default_context
print(before, "ssl" in sys.modules)
"""
    ).check()
    if sys.version_info >= (3, 7):  # module __getattr__ (PEP 562)
        assert result.out.split() == ["False", "True"]


def test_pyopenssl_is_not_imported_when_native_is_chosen():
    result = run_python(
        """
import sys
import secureshim
secureshim.create_default_context()
print("OpenSSL" in sys.modules)
"""
    ).check()
    assert result.out.strip() == "False"


def test_tier_constant_matches_backends():
    assert _tls.PRIMITIVE.choose().name == secureshim.backends()["create_default_context"]


def test_secureshim_imports_without_a_usable_ssl_module():
    # A Python built without OpenSSL: the TLS names are missing (3.7+: they
    # raise ImportError on access), everything else works.
    result = run_python(
        """
import secureshim
assert secureshim.compare_digest(b"a", b"a")
assert "create_default_context" not in secureshim.backends()
try:
    secureshim.create_default_context
except (ImportError, AttributeError):
    print("ok")
""",
        prelude=block_imports("ssl", "_ssl"),
    ).check()
    assert result.out.strip() == "ok"
