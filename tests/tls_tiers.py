"""The TLS tiers that can run here, and how a test connects through one.

Shared by the TLS, trust, PEP 493 and fuzz tests: each tier's
``create_default_context`` (``TIER_FACTORIES``), pytest parameters that skip
a tier this interpreter cannot run (``TIER_PARAMS``), what counts as a
refusal (``REFUSALS``) and ``attempt``, one connection to a test server.
"""
from __future__ import absolute_import, division, print_function

import ssl

import pytest

import secureshim
from secureshim import _tls

from .tls_helpers import connect

try:
    from secureshim import _tls_pyopenssl
except ImportError:  # pyOpenSSL is not installed
    _tls_pyopenssl = None  # type: ignore[assignment]
try:
    from secureshim import _tls_legacy
except AttributeError:  # ssl.wrap_socket is gone (3.12+)
    _tls_legacy = None  # type: ignore[assignment]

needs_pyopenssl = pytest.mark.skipif(
    _tls_pyopenssl is None, reason="pyOpenSSL is not installed for this interpreter"
)
needs_legacy = pytest.mark.skipif(
    _tls_legacy is None, reason="ssl.wrap_socket was removed in Python 3.12"
)

TIER_FACTORIES = {"native": _tls.native_create_default_context}
if _tls_pyopenssl is not None:
    TIER_FACTORIES["pyopenssl"] = _tls_pyopenssl.pyopenssl_create_default_context
if _tls_legacy is not None:
    TIER_FACTORIES["legacy"] = _tls_legacy.legacy_create_default_context

TIER_PARAMS = [
    pytest.param("native"),
    pytest.param("pyopenssl", marks=needs_pyopenssl),
    pytest.param("legacy", marks=needs_legacy),
]

REFUSALS = (ssl.SSLError, secureshim.CertificateError) + (
    (ssl.CertificateError,) if hasattr(ssl, "CertificateError") else ()
)


def attempt(context, server, hostname):
    """Connect; return (outcome, server record)."""
    server.drain()
    try:
        outcome = connect(context, server.port, hostname)
    except REFUSALS as exc:
        outcome = exc
    return outcome, server.next_record()
