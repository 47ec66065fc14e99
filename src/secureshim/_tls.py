"""create_default_context and SSLContext: the TLS tiers, best first, and the choice.

Each tier is a module exporting the same two names, ``create_default_context``
and ``SSLContext`` (``secureshim.backends()["create_default_context"]``
says which is in use):

``native`` (``_tls_native``)
    ``ssl.create_default_context`` (2.7.9+, 3.4+), hardened: TLS 1.2
    minimum, verification, no compression, security level 2.
``pyopenssl`` (``_tls_pyopenssl``)
    When ``ssl.SSLContext`` is missing (2.7.0-2.7.8) and pyOpenSSL is
    installed: TLS 1.2+, SNI and verification through pyOpenSSL's OpenSSL.
``legacy`` (``_tls_legacy``)
    When neither exists: a context over the old ``ssl.wrap_socket``; it
    verifies the chain and the host name but cannot send SNI, and cannot
    refuse old protocols or weak keys where the old module and its OpenSSL
    cannot. Warns at first use.

Nothing here imports ``ssl``: the probes do, at the first use. The trust
store is the platform's, with certifi as the fallback when the platform has
no CA certificate at all (see ``_trust``). PEP 493's switches (``_pep493``)
govern only the stdlib's default HTTPS context: a context from this module
always verifies.
"""
from __future__ import absolute_import, division, print_function

import importlib
import warnings

from . import _detect, _tier
from ._typing import TYPE_CHECKING
from .exceptions import InsecurePlatformWarning, SNIMissingWarning

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List  # noqa: F401


DOC = """Return a new client (``Purpose.SERVER_AUTH``, the
    default) or server (``Purpose.CLIENT_AUTH``) TLS context with secure defaults.

    The stdlib's signature and semantics, hardened: TLS 1.2 minimum, no
    compression, security level 2 where OpenSSL has levels, and for client
    contexts ``CERT_REQUIRED`` with ``check_hostname``. Trusts ``cafile``,
    ``capath``, ``cadata`` when given, else the platform's CA certificates,
    else certifi's (see :func:`ca_source`). Each setting can be relaxed on
    the returned context as on any ``ssl.SSLContext``. The tier in use is
    ``secureshim.backends()["create_default_context"]``.
    """


def _module(name):
    # type: (str) -> Callable[[], Any]
    def bind():
        # type: () -> Any
        module = importlib.import_module("." + name, __package__)
        module.create_default_context.__doc__ = DOC
        return module

    return bind


def _native_probe():
    # type: () -> bool
    return bool(_detect.ssl_flags().HAS_CREATE_DEFAULT_CONTEXT)


# Warnings raised while pyOpenSSL and cryptography were imported to probe
# the tier (cryptography's about 2.7 and 3.6): probing must not warn, so the
# pyopenssl tier issues them at its first use instead of losing them.
deferred_warnings = []  # type: List[Any]


def _pyopenssl_probe():
    # type: () -> bool
    # pyOpenSSL costs ~50 ms to import; the chooser asks only when the
    # native tier cannot run or another tier is forced.
    if not _detect.ssl_flags().HAS_SSL:  # the tier takes ssl's constants
        return False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            importlib.import_module("OpenSSL.SSL")
            importlib.import_module("cryptography.x509")
        except ImportError:  # no pyOpenSSL, or no cryptography under it
            return False
    deferred_warnings.extend(caught)
    return True


def _legacy_probe():
    # type: () -> bool
    return bool(_detect.ssl_flags().HAS_WRAP_SOCKET)


_LEGACY_FIX = "pip install pyOpenSSL (the pyopenssl tier), or upgrade to Python >= 2.7.9"

PRIMITIVE = _tier.Primitive("create_default_context", (
    _tier.Tier(
        "native",
        probe=_native_probe,
        bind=_module("_tls_native"),
        what="an ssl.SSLContext configured by secureshim",
        why="ssl.SSLContext exists (2.7.9+, 3.2+); secureshim configures it",
    ),
    _tier.Tier(
        "pyopenssl",
        probe=_pyopenssl_probe,
        bind=_module("_tls_pyopenssl"),
        what="an SSLContext-compatible context over pyOpenSSL",
        why="ssl has no SSLContext (before 2.7.9); pyOpenSSL provides TLS",
        weakness="it checks host names in Python after the handshake and "
        "offers a subset of ssl.SSLContext (no session resumption, SNI "
        "callbacks or post-handshake authentication)",
    ),
    _tier.Tier(
        "legacy",
        probe=_legacy_probe,
        bind=_module("_tls_legacy"),
        what="a context over the old ssl.wrap_socket",
        why="ssl has no SSLContext (before 2.7.9) and pyOpenSSL is missing: "
        "ssl.wrap_socket",
        label="the legacy tier (ssl.wrap_socket)",
        weakness="it verifies the certificate chain and the host name, but "
        "cannot refuse TLS 1.0/1.1 servers or 1024-bit keys where the old ssl "
        "module and its OpenSSL cannot, and sends no SNI",
        degraded=True,
        reason="this interpreter's ssl module has no SSLContext and pyOpenSSL "
        "is not installed",
        fix=_LEGACY_FIX,
        category=InsecurePlatformWarning,
        caveats=(
            _tier.Caveat(
                "sni",
                "the legacy tier cannot send SNI (Server Name Indication): "
                "servers hosting several names present their default "
                "certificate, which fails verification for the others",
                fix=_LEGACY_FIX,
                category=SNIMissingWarning,
            ),
        ),
    ),
), exports=("create_default_context", "SSLContext"))
