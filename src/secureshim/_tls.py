"""create_default_context and SSLContext: verified, hardened TLS on every interpreter.

Tiers (best first; ``secureshim.backends()["create_default_context"]``):

``native``
    ``ssl.create_default_context`` (2.7.9+, 3.4+), then hardened where the
    stdlib is laxer than current practice: TLS 1.2 minimum (3.10+ already
    has it), certificate and host name verification for
    ``Purpose.SERVER_AUTH``, no TLS compression, and OpenSSL security level
    2 (RSA and DH keys of 2048 bits or more) on OpenSSL 1.1.0+ where the
    stdlib's cipher string does not set it (before 3.10).
``pyopenssl``
    When ``ssl.SSLContext`` is missing (2.7.0-2.7.8) and pyOpenSSL is
    installed: ``_tls_pyopenssl.PyOpenSSLContext``, TLS 1.2+, SNI and
    verification through pyOpenSSL's own OpenSSL.
``legacy``
    When neither exists: ``_tls_legacy.LegacySSLContext`` over the old
    ``ssl.wrap_socket``; verifies the chain and the host name but cannot
    send SNI, and cannot refuse old protocols or weak keys where the old
    module and its OpenSSL cannot. Warns at first use.

The trust store is the platform's, with certifi as the fallback when the
platform has no CA certificate at all (see ``_trust``). PEP 493's switches
(``_pep493``) govern only the stdlib's default HTTPS context: a context
from this module always verifies.
"""
from __future__ import absolute_import, division, print_function

import importlib
import ssl
import warnings

from . import _detect, _tls_base, _trust, _warn
from .exceptions import DegradedSecurityWarning

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple  # noqa: F401

_flags = _detect.ssl_flags()
Purpose = _tls_base.Purpose

# --- the native tier's hardening -------------------------------------------

_HAS_MINIMUM_VERSION = bool(_flags["HAS_MINIMUM_VERSION"])
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


if _flags["HAS_CREATE_DEFAULT_CONTEXT"]:
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


# --- tier selection -----------------------------------------------------------

# Warnings raised while pyOpenSSL and cryptography were imported to choose the
# tier (cryptography's about 2.7 and 3.6): importing secureshim must not
# warn, so they are issued at the tier's first use instead of being lost.
_deferred_warnings = []  # type: List[Any]


def _pyopenssl_importable():
    # type: () -> bool
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            importlib.import_module("OpenSSL.SSL")
            importlib.import_module("cryptography.x509")
        except ImportError:  # no pyOpenSSL, or no cryptography under it
            return False
    _deferred_warnings.extend(caught)
    return True


def _replay_deferred_warnings():
    # type: () -> None
    while _deferred_warnings:
        caught = _deferred_warnings.pop(0)
        warnings.warn_explicit(caught.message, caught.category, caught.filename, caught.lineno)


def _pyopenssl_module():
    # type: () -> Any
    return importlib.import_module("._tls_pyopenssl", __package__)


def _legacy_module():
    # type: () -> Any
    return importlib.import_module("._tls_legacy", __package__)


def _available():
    # type: () -> Tuple[str, ...]
    native = bool(_flags["HAS_CREATE_DEFAULT_CONTEXT"])
    tiers = ("native",) if native else ()  # type: Tuple[str, ...]
    # pyOpenSSL costs ~50 ms to import: look for it only when it may be used.
    if (not native or "create_default_context" in _detect.FORCED) and _pyopenssl_importable():
        tiers += ("pyopenssl",)
    if _flags["HAS_WRAP_SOCKET"]:
        tiers += ("legacy",)
    return tiers


_AVAILABLE = _available()
TIER = _detect.choose("create_default_context", _AVAILABLE)

if TIER is None:  # pragma: no cover - an ssl module with neither API
    raise ImportError("secureshim: this ssl module offers no way to make TLS connections")

_FORCED = _AVAILABLE[0] != TIER
_REASON, _FIX = (
    ("SECURESHIM_FORCE selects it", "unset SECURESHIM_FORCE")
    if _FORCED
    else (
        "this interpreter's ssl module has no SSLContext and pyOpenSSL is not installed",
        "pip install pyOpenSSL (the pyopenssl tier), or upgrade to Python >= 2.7.9",
    )
)

if TIER == "native":
    create_default_context = native_create_default_context
    SSLContext = ssl.SSLContext  # type: Any
elif TIER == "pyopenssl":
    _pyopenssl = _pyopenssl_module()
    SSLContext = _pyopenssl.PyOpenSSLContext
    _pyopenssl_create = _pyopenssl.pyopenssl_create_default_context
    _pyopenssl_first_use = []  # type: _warn.Pending
    if _FORCED:
        _pyopenssl_first_use = _warn.arm(
            "create_default_context",
            "create_default_context: the pyopenssl tier is in use because "
            "SECURESHIM_FORCE selects it; it checks host names in Python after "
            "the handshake and offers a subset of ssl.SSLContext (no "
            "session resumption, SNI callbacks or post-handshake "
            "authentication). Fix: unset SECURESHIM_FORCE.",
            DegradedSecurityWarning,
        )

    def create_default_context(purpose=Purpose.SERVER_AUTH, cafile=None, capath=None,
                               cadata=None):
        # type: (Any, Any, Any, Any) -> Any
        """The pyopenssl tier's create_default_context."""
        if _deferred_warnings:
            _replay_deferred_warnings()
        if _pyopenssl_first_use:
            _warn.fire(_pyopenssl_first_use)
        return _pyopenssl_create(purpose, cafile, capath, cadata)
else:
    _legacy = _legacy_module()
    _legacy.arm_warnings(_REASON, _FIX)
    create_default_context = _legacy.legacy_create_default_context
    SSLContext = _legacy.LegacySSLContext

create_default_context.__doc__ = """Return a new client (``Purpose.SERVER_AUTH``, the
    default) or server (``Purpose.CLIENT_AUTH``) TLS context with secure defaults.

    The stdlib's signature and semantics, hardened: TLS 1.2 minimum, no
    compression, security level 2 where OpenSSL has levels, and for client
    contexts ``CERT_REQUIRED`` with ``check_hostname``. Trusts ``cafile``,
    ``capath``, ``cadata`` when given, else the platform's CA certificates,
    else certifi's (see :func:`ca_source`). Each setting can be relaxed on
    the returned context as on any ``ssl.SSLContext``. The tier in use is
    ``secureshim.backends()["create_default_context"]``.
    """

ca_source = _trust.ca_source
CASource = _trust.CASource
