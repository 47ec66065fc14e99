"""wrap_socket: ``ssl.wrap_socket``'s API (removed in 3.12), without its holes.

CPython removed ``ssl.wrap_socket`` in 3.12 (gh-94199) because it is
"broken and insecure": it sends no SNI, checks no host name, and on 3.11
still negotiates whatever ``ssl_version`` allows. Legacy code (paho-mqtt
1.x, graypy 2.1, ...) still calls it, usually followed by
``ssl.match_hostname``. secureshim's ``wrap_socket`` takes 3.11's
signature and raises 3.11's ValueErrors, but builds its context like
``create_default_context``'s:

* TLS 1.2 minimum whatever ``ssl_version`` says: ``PROTOCOL_TLS`` and
  ``PROTOCOL_SSLv23`` negotiate TLS 1.2 or 1.3, and the fixed-version
  constants ``PROTOCOL_TLSv1``/``_1``/``_2`` (the stdlib's or the ones
  ``inject_into_stdlib`` restores) pin the minimum to that version or
  TLS 1.2, whichever is newer, with no maximum; no compression; security
  level 2 where OpenSSL has levels; ``ciphers`` never re-enables
  unauthenticated or unencrypted suites;
* ``cert_reqs=CERT_REQUIRED`` (or ``CERT_OPTIONAL``) verifies the chain
  against ``ca_certs``, or, where it is None, against the trust store
  ``create_default_context`` uses (3.11 loaded nothing and failed every
  handshake);
* ``cert_reqs=CERT_NONE``, the old default, does what the caller asked
  and issues :class:`~secureshim.UnverifiedContextWarning` once, at the
  first such client socket.

Like the stdlib's, it checks no host name and sends no SNI: it has no
``server_hostname`` parameter, and the peer address is no name to send.
Callers check the name themselves next, with ``ssl.match_hostname`` (which
``inject_into_stdlib`` also restores). The tier is ``create_default_context``'s:
an ``ssl.SSLContext`` on ``native``, the compatibility contexts on
``pyopenssl`` and ``legacy``, which handshake at once, so the socket must
already be connected there.
"""
from __future__ import absolute_import, division, print_function

import ssl

from . import _detect, _ssl_names, _tls, _tls_base, _trust, _warn
from .exceptions import DegradedSecurityWarning, UnverifiedContextWarning

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Callable, List, Optional, Tuple  # noqa: F401

__all__ = ["wrap_socket"]

CERT_NONE = _tls_base.CERT_NONE
PROTOCOL_TLS = _tls_base.PROTOCOL_TLS
# PROTOCOL_TLS_CLIENT/_SERVER: 2.7.13+ and 3.6+. 3.10+ deprecates
# PROTOCOL_TLS, so the native tier makes its contexts from these and gives
# them PROTOCOL_TLS's defaults (no verification, no host name check).
_HAS_TLS_CLIENT = hasattr(ssl, "PROTOCOL_TLS_CLIENT")
# Appended to the caller's cipher string: a suite without authentication
# (aNULL) makes CERT_REQUIRED verify nothing, one without encryption
# (eNULL) sends plain text.
_NO_UNAUTHENTICATED = ":!aNULL:!eNULL"

_unverified_first_use = _warn.arm(
    "unverified:wrap_socket",
    "wrap_socket: a client socket with cert_reqs=CERT_NONE (ssl.wrap_socket's "
    "default) verifies neither the server's certificate nor its host name, so "
    "anyone on the network path can impersonate the server. Fix: pass "
    "cert_reqs=ssl.CERT_REQUIRED (with ca_certs, or none for the default trust "
    "store), then check the name with ssl.match_hostname(sock.getpeercert(), "
    "hostname).",
    UnverifiedContextWarning,
)


def _negotiating(protocol):
    # type: (Any) -> bool
    """PROTOCOL_TLS/SSLv23 (or None, which the stdlib treats so), or a
    fixed-version constant, which secureshim turns into a minimum."""
    if protocol is None or _ssl_names.pinned_minimum(protocol) is not None:
        return True
    return not isinstance(protocol, bool) and isinstance(protocol, int) and (
        int(protocol) == PROTOCOL_TLS
    )


def _native_context(protocol, server_side):
    # type: (Any, bool) -> Any
    if not _negotiating(protocol):
        # PROTOCOL_TLS_CLIENT/_SERVER, SSLv3 where OpenSSL still has it,
        # or nonsense: the stdlib's own context and errors, as on 3.11.
        context = ssl.SSLContext(protocol)
    elif _HAS_TLS_CLIENT:
        context = ssl.SSLContext(
            ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT
        )
        context.check_hostname = False
        context.verify_mode = CERT_NONE
    else:  # 2.7.9-2.7.12: no PROTOCOL_TLS_CLIENT, and no deprecation either
        context = ssl.SSLContext(PROTOCOL_TLS)
    # Every fixed-version constant names TLS 1.2 or older, so harden's
    # TLS 1.2 floor is the pinned minimum.
    _tls.harden(context, client=not server_side, verify=False)
    context.verify_flags |= _default_verify_flags()
    return context


_VERIFY_FLAGS = []  # type: List[int]


def _default_verify_flags():
    # type: () -> int
    """The verification flags the stdlib's create_default_context sets
    (3.13+: VERIFY_X509_STRICT and VERIFY_X509_PARTIAL_CHAIN, gh-107361),
    read once from a server-side one, which loads no certificates."""
    if not _VERIFY_FLAGS:
        factory = getattr(ssl, "create_default_context", None)  # 2.7.9+, 3.4+
        flags = int(factory(ssl.Purpose.CLIENT_AUTH).verify_flags) if factory else 0
        _VERIFY_FLAGS.append(flags)
    return _VERIFY_FLAGS[0]


def _compat_context(context_class):
    # type: (Any) -> Callable[[Any, bool], Any]
    def new_context(protocol, server_side):
        # type: (Any, bool) -> Any
        if not _negotiating(protocol):
            return context_class(protocol)  # raises for all but TLS_CLIENT/_SERVER
        context = context_class(
            _tls_base.PROTOCOL_TLS_SERVER if server_side else _tls_base.PROTOCOL_TLS_CLIENT
        )
        context.check_hostname = False
        context.verify_mode = CERT_NONE
        # The compatibility contexts start at TLS 1.2 with compression off
        # and security level 2 in their cipher string.
        return context
    return new_context


def make_wrap_socket(new_context, native, first_use=None):
    # type: (Callable[[Any, bool], Any], bool, Optional[_warn.Pending]) -> Callable[..., Any]
    """``wrap_socket`` over the contexts ``new_context(protocol,
    server_side)`` makes (hardened, with PROTOCOL_TLS's defaults);
    ``first_use`` is the tier's pending warning, if it has one."""

    def wrap_socket(sock, keyfile=None, certfile=None, server_side=False,
                    cert_reqs=CERT_NONE, ssl_version=PROTOCOL_TLS, ca_certs=None,
                    do_handshake_on_connect=True, suppress_ragged_eofs=True,
                    ciphers=None):
        # type: (Any, Any, Any, bool, Any, Any, Any, bool, bool, Any) -> Any
        if first_use:
            _warn.fire(first_use)
        # 3.11's checks, in 3.11's order, so the same call fails the same way.
        if server_side and not certfile:
            raise ValueError("certfile must be specified for server-side operations")
        if keyfile and not certfile:
            raise ValueError("certfile must be specified")
        context = new_context(ssl_version, bool(server_side))
        context.verify_mode = cert_reqs
        if ca_certs:
            context.load_verify_locations(ca_certs)
        elif context.verify_mode != CERT_NONE:
            # Where 3.11 loaded nothing: create_default_context's trust store.
            purpose = _tls_base.Purpose.CLIENT_AUTH if server_side else (
                _tls_base.Purpose.SERVER_AUTH)
            context.load_default_certs(purpose)
            if native and not server_side:
                _trust.ensure_native_store(context)
        if certfile:
            context.load_cert_chain(certfile, keyfile)
        if ciphers:
            context.set_ciphers(ciphers)  # the stdlib's errors for bad input
            context.set_ciphers(ciphers + _NO_UNAUTHENTICATED)
        if not server_side and context.verify_mode == CERT_NONE and _unverified_first_use:
            _warn.fire(_unverified_first_use)
        return context.wrap_socket(
            sock,
            server_side=server_side,
            do_handshake_on_connect=do_handshake_on_connect,
            suppress_ragged_eofs=suppress_ragged_eofs,
        )

    wrap_socket.__doc__ = _DOC
    if hasattr(wrap_socket, "__qualname__"):  # 3.3+
        wrap_socket.__qualname__ = "wrap_socket"
    return wrap_socket


_DOC = """Wrap ``sock`` in TLS, as ``ssl.wrap_socket`` did (removed in 3.12).

    CPython 3.11's signature and argument checks on a hardened context:
    TLS 1.2 at least whatever ``ssl_version`` says (a ``PROTOCOL_TLSv1*``
    constant pins the minimum to that version or TLS 1.2, whichever is
    newer), no compression, OpenSSL's secure defaults.
    ``cert_reqs=CERT_REQUIRED`` verifies the chain against ``ca_certs``,
    or where it is None against ``create_default_context``'s trust store.
    ``CERT_NONE`` (the default) verifies nothing and warns once
    (:class:`UnverifiedContextWarning`). No host name is checked and no SNI
    is sent: call ``match_hostname(sock.getpeercert(), hostname)`` next.
    The tier is ``secureshim.backends()["wrap_socket"]``; on ``pyopenssl``
    and ``legacy`` the socket must be connected first.
    """


def tier_wrap_socket(tier, first_use=None):
    # type: (str, Optional[_warn.Pending]) -> Callable[..., Any]
    """The ``wrap_socket`` of ``tier``; ImportError or AttributeError where
    that tier cannot run (no SSLContext, pyOpenSSL or ssl.wrap_socket)."""
    if tier == "native":
        ssl.SSLContext  # noqa: B018 - AttributeError before 2.7.9
        return make_wrap_socket(_native_context, True, first_use)
    if tier == "pyopenssl":
        return make_wrap_socket(_compat_context(_tls._pyopenssl_module().PyOpenSSLContext), False,
                                first_use)
    if tier == "legacy":
        return make_wrap_socket(_compat_context(_tls._legacy_module().LegacySSLContext), False,
                                first_use)
    raise ValueError("unknown wrap_socket tier %r" % (tier,))


def _available():
    # type: () -> Tuple[str, ...]
    """create_default_context's tier; any other that runs when forced."""
    if "wrap_socket" not in _detect.FORCED:
        return (str(_tls.TIER),)
    runnable = []
    for tier in _detect.TIERS["wrap_socket"]:
        try:
            tier_wrap_socket(tier)
        except (ImportError, AttributeError):  # pyOpenSSL or ssl.wrap_socket missing
            continue
        runnable.append(tier)
    return tuple(runnable)


TIER = _detect.choose("wrap_socket", _available())
if TIER not in ("native", _tls.TIER):
    _forced_first_use = _warn.arm(
        "wrap_socket",
        "wrap_socket: the %s tier is in use because SECURESHIM_FORCE selects "
        "it, while create_default_context uses %s. Fix: unset SECURESHIM_FORCE."
        % (TIER, _tls.TIER),
        DegradedSecurityWarning,
    )  # type: _warn.Pending
else:
    # On create_default_context's tier, its pending warning, if any (a
    # forced pyopenssl tier; legacy contexts warn when they are made).
    _forced_first_use = getattr(_tls, "_pyopenssl_first_use", [])
wrap_socket = tier_wrap_socket(str(TIER), _forced_first_use)
