"""The ``native`` TLS tier: the stdlib's ``ssl.create_default_context``, hardened.

``ssl.create_default_context`` (2.7.9+, 3.4+), then hardened where the
stdlib is laxer than current practice: TLS 1.2 minimum (3.10+ already has
it), certificate and host name verification for ``Purpose.SERVER_AUTH``,
no TLS compression, and OpenSSL security level 2 (RSA and DH keys of 2048
bits or more) on OpenSSL 1.1.0+ where the stdlib's cipher string does not
set it (before 3.10). ``SSLContext`` is the stdlib's own class. Exports
what every TLS tier module does (see ``_tls``).
"""
from __future__ import absolute_import, division, print_function

import ssl

from . import _detect, _tls_base, _trust
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, Optional  # noqa: F401

_flags = _detect.ssl_flags()

# --- the native tier's hardening -------------------------------------------

_HAS_MINIMUM_VERSION = bool(_flags.HAS_MINIMUM_VERSION)
_TLSv1_2 = getattr(getattr(ssl, "TLSVersion", None), "TLSv1_2", None)
# Where minimum_version is missing (2.7, 3.6, or OpenSSL < 1.1.0g).
_NO_OLD_PROTOCOLS = (
    _tls_base.OP_NO_SSLv2 | _tls_base.OP_NO_SSLv3 | _tls_base.OP_NO_TLSv1 | _tls_base.OP_NO_TLSv1_1
)
_OP_NO_COMPRESSION = _tls_base.OP_NO_COMPRESSION


def _seclevel_ciphers():
    # type: () -> Optional[Dict[bool, str]]
    """The stdlib's cipher strings plus ``@SECLEVEL=2``, where OpenSSL has
    security levels (1.1.0+) and the stdlib does not set one (before 3.10,
    which sets ``@SECLEVEL=2`` itself). Keyed by "client context"."""
    default = getattr(ssl, "_DEFAULT_CIPHERS", None)
    if not isinstance(default, str) or "@SECLEVEL" in default:
        return None
    if not _tls_base.has_security_levels(
        getattr(ssl, "OPENSSL_VERSION_INFO", None), getattr(ssl, "OPENSSL_VERSION", None)
    ):
        return None
    server = getattr(ssl, "_RESTRICTED_SERVER_CIPHERS", default)
    return {True: default + ":@SECLEVEL=2", False: server + ":@SECLEVEL=2"}


_SECLEVEL_CIPHERS = _seclevel_ciphers()


def harden(context, client=True, verify=True):
    # type: (Any, bool, bool) -> Any
    """Apply secureshim's hardening to a stdlib ``SSLContext``, in place.

    TLS 1.2 minimum, no compression, security level 2 (see the module
    docstring), and for a client context ``CERT_REQUIRED`` with
    ``check_hostname`` unless ``verify`` is False (``wrap_socket``, whose
    caller chooses ``cert_reqs``). Returns ``context``.
    """
    if _HAS_MINIMUM_VERSION:
        if context.minimum_version < _TLSv1_2:
            context.minimum_version = _TLSv1_2
    else:
        context.options |= _NO_OLD_PROTOCOLS
    context.options |= _OP_NO_COMPRESSION
    if client and verify:
        if context.verify_mode != ssl.CERT_REQUIRED:
            context.verify_mode = ssl.CERT_REQUIRED
        if not context.check_hostname:
            context.check_hostname = True
    if _SECLEVEL_CIPHERS is not None:
        context.set_ciphers(_SECLEVEL_CIPHERS[client])
    return context


# ssl.create_default_context: 2.7.9+ and 3.4+; _tls offers this tier only
# where it exists, so these raise AttributeError only for a direct import.
_ssl_create_default_context = ssl.create_default_context
_SERVER_AUTH = ssl.Purpose.SERVER_AUTH


def native_create_default_context(purpose=_SERVER_AUTH, cafile=None, capath=None,
                                  cadata=None):
    # type: (Any, Any, Any, Any) -> Any
    """``ssl.create_default_context``, hardened (the ``native`` tier)."""
    try:
        context = _ssl_create_default_context(
            purpose, cafile=cafile, capath=capath, cadata=cadata
        )
    except ssl.SSLError:
        # DER as PEM text: 2.7 and 3.6 misread the end of DER data with
        # OpenSSL 3.0 ("unknown error"); PEM works everywhere. Only on
        # that failure, so that every other error (and its order: the
        # paths' types, then cadata) stays the stdlib's own.
        if not (cadata and isinstance(cadata, (bytes, bytearray, memoryview))):
            raise
        # The buffer, as the stdlib reads it (bytes() would call a
        # subclass's own __bytes__).
        der = _tls_base.cadata_contents(cadata)[1]
        pem = "".join(ssl.DER_cert_to_PEM_cert(block) for block in _trust.split_der(der))
        context = _ssl_create_default_context(
            purpose, cafile=cafile, capath=capath, cadata=pem
        )
    client = purpose == _SERVER_AUTH
    harden(context, client)
    if client and not (cafile or capath or cadata):
        _trust.ensure_native_store(context)
    return context


# The names every TLS tier module exports.
create_default_context = native_create_default_context
SSLContext = ssl.SSLContext


