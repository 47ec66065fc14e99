"""wrap_socket: ``ssl.wrap_socket``'s API (removed in 3.12), without its holes.

CPython removed ``ssl.wrap_socket`` in 3.12 (gh-94199) because it is
"broken and insecure": it sends no SNI, checks no host name, and on 3.11
still negotiates whatever ``ssl_version`` allows. Legacy code (paho-mqtt
1.x, graypy 2.1, ...) still calls it, usually followed by
``ssl.match_hostname``. secureshim's ``wrap_socket`` takes 3.11's
signature and raises 3.11's exception types, but builds its context like
``create_default_context``'s:

* TLS 1.2 minimum whatever ``ssl_version`` says: ``PROTOCOL_TLS`` and
  ``PROTOCOL_SSLv23`` negotiate TLS 1.2 or 1.3, and the fixed-version
  constants ``PROTOCOL_TLSv1``/``_1``/``_2`` (the stdlib's or the ones
  ``inject_into_stdlib`` restores) pin the minimum to that version or
  TLS 1.2, whichever is newer, with no maximum; no compression; security
  level 2 where OpenSSL has levels; ``ciphers`` never re-enables
  unauthenticated or unencrypted suites, nor lowers the security level
  (``@SECLEVEL=2`` follows the caller's string);
* on a client socket, ``cert_reqs=CERT_REQUIRED`` (or ``CERT_OPTIONAL``)
  verifies the chain against ``ca_certs``, or, where it is None, against
  the trust store ``create_default_context`` uses (3.11 loaded nothing and
  failed every handshake). A server socket trusts only ``ca_certs``, as
  3.11's did: with none, every client certificate is refused (the system
  store would accept anyone holding any publicly issued certificate);
* ``cert_reqs=CERT_NONE``, the old default, does what the caller asked
  and issues :class:`~secureshim.UnverifiedContextWarning` once, at the
  first such client socket wrapped.

On the ``legacy`` tier where ``SSLSocket.version()`` is missing (2.7.0-2.7.8)
the negotiated version cannot be checked, so there the TLS 1.2 minimum is
what OpenSSL was asked for, not a guarantee (README, "What legacy cannot
do"). Bad arguments raise 3.11's exception types on every tier: they are
checked here, before the tier's context sees them.

Like the stdlib's, it checks no host name and sends no SNI: it has no
``server_hostname`` parameter, and the peer address is no name to send.
Callers check the name themselves next, with ``ssl.match_hostname`` (which
``inject_into_stdlib`` also restores). The tier is ``create_default_context``'s:
an ``ssl.SSLContext`` on ``native``, the compatibility contexts on
``pyopenssl`` and ``legacy``, which handshake at once, so the socket must
already be connected there.
"""
from __future__ import absolute_import, division, print_function

import io
import socket
import ssl

from . import _detect, _ssl_names, _tier, _tls, _tls_base, _trust, _warn
from ._cint import c_int as _c_int
from ._compat import PY2
from ._typing import TYPE_CHECKING
from .exceptions import DegradedSecurityWarning, UnverifiedContextWarning

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List, Optional, Tuple  # noqa: F401

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
# And "@SECLEVEL=0" in it would accept 1024-bit RSA and SHA-1 signatures:
# the last @SECLEVEL wins, so level 2 goes at the end, where the tier's
# OpenSSL has security levels (1.1.0+; older OpenSSL and LibreSSL reject
# the keyword).
_SECLEVEL_2 = ":@SECLEVEL=2"
# The text type the stdlib's set_ciphers takes: str on Python 3; str or
# unicode on 2.7, which also reports an embedded NUL as TypeError.
_CIPHER_TYPES = (bytes, type(u"")) if PY2 else (str,)  # type: Tuple[type, ...]

# A warning about the caller's choice, not about the tier: armed from the
# start and left out of the report's findings (reported=False).
_unverified_first_use = _warn.arm(
    "wrap_socket.cert_none",
    "wrap_socket: a client socket with cert_reqs=CERT_NONE (ssl.wrap_socket's "
    "default) verifies neither the server's certificate nor its host name, so "
    "anyone on the network path can impersonate the server. Fix: pass "
    "cert_reqs=ssl.CERT_REQUIRED (with ca_certs, or none for the default trust "
    "store), then check the name with ssl.match_hostname(sock.getpeercert(), "
    "hostname).",
    UnverifiedContextWarning,
    reported=False,
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
    from . import _tls_native  # ssl.create_default_context: 2.7.9+, 3.4+

    _tls_native.harden(context, client=not server_side, verify=False)
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
            if protocol not in (_tls_base.PROTOCOL_TLS_CLIENT, _tls_base.PROTOCOL_TLS_SERVER):
                # 3.11's SSLContext's words for a protocol it lacks.
                raise ValueError("invalid or unsupported protocol version %d" % protocol)
            return context_class(protocol)
        context = context_class(
            _tls_base.PROTOCOL_TLS_SERVER if server_side else _tls_base.PROTOCOL_TLS_CLIENT
        )
        context.check_hostname = False
        context.verify_mode = CERT_NONE
        # The compatibility contexts start at TLS 1.2 with compression off
        # and security level 2 in their cipher string.
        return context
    return new_context


def _readable_path(what, path):
    # type: (str, Any) -> None
    """The stdlib's errors for a bad certificate path: TypeError for a
    non-path, the OS's error (FileNotFoundError, IOError on 2.7) for a
    file that cannot be opened, before a compatibility tier reports either
    as its own SSLError or ValueError."""
    if not (isinstance(path, (bytes, type(u""))) or hasattr(path, "__fspath__")):  # 3.6+
        raise TypeError("%s should be a valid filesystem path" % what)
    io.open(path, "rb").close()


def _check_ciphers(ciphers):
    # type: (Any) -> None
    if not isinstance(ciphers, _CIPHER_TYPES):
        raise TypeError("set_ciphers() argument must be str, not %s" % type(ciphers).__name__)
    text = ciphers  # type: Any
    if (b"\0" if isinstance(text, bytes) else u"\0") in text:
        raise (TypeError if PY2 else ValueError)("embedded null character")


def make_wrap_socket(new_context, native, first_use=None, seclevels=False):
    # type: (Callable[[Any, bool], Any], bool, Optional[_warn.Pending], bool) -> Callable[..., Any]
    """``wrap_socket`` over the contexts ``new_context(protocol,
    server_side)`` makes (hardened, with PROTOCOL_TLS's defaults);
    ``first_use`` is the tier's pending warning, if it has one;
    ``seclevels``: the tier's OpenSSL understands ``@SECLEVEL``."""
    cipher_suffix = _NO_UNAUTHENTICATED + (_SECLEVEL_2 if seclevels else "")

    def wrap_socket(sock, keyfile=None, certfile=None, server_side=False,
                    cert_reqs=CERT_NONE, ssl_version=PROTOCOL_TLS, ca_certs=None,
                    do_handshake_on_connect=True, suppress_ragged_eofs=True,
                    ciphers=None):
        # type: (Any, Any, Any, bool, Any, Any, Any, bool, bool, Any) -> Any
        if first_use:
            _warn.fire(first_use)
        # 3.11's checks, in 3.11's order, so the same call fails the same
        # way; the types are checked here, so every tier raises 3.11's.
        if server_side and not certfile:
            raise ValueError("certfile must be specified for server-side operations")
        if keyfile and not certfile:
            raise ValueError("certfile must be specified")
        if ssl_version is not None:
            _c_int(ssl_version)
        context = new_context(ssl_version, bool(server_side))
        _c_int(cert_reqs)
        context.verify_mode = cert_reqs
        if ca_certs:
            _readable_path("cafile", ca_certs)
            context.load_verify_locations(ca_certs)
        elif context.verify_mode != CERT_NONE and not server_side:
            # Where 3.11 loaded nothing: create_default_context's trust
            # store. Never for a server socket, which would then accept
            # any client holding any publicly issued certificate.
            context.load_default_certs(_tls_base.Purpose.SERVER_AUTH)
            if native:
                _trust.ensure_native_store(context)
        if certfile:
            _readable_path("certfile", certfile)
            if keyfile is not None:
                _readable_path("keyfile", keyfile)
            context.load_cert_chain(certfile, keyfile)
        if ciphers:
            _check_ciphers(ciphers)
            context.set_ciphers(ciphers)  # the stdlib's errors for bad input
            context.set_ciphers(ciphers + cipher_suffix)
        # 3.11's SSLSocket refuses a datagram socket with this error; the
        # pyopenssl tier would fail later with an OSError of its own.
        getsockopt = getattr(sock, "getsockopt", None)
        if getsockopt is not None and (
                getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) != socket.SOCK_STREAM):
            raise NotImplementedError("only stream sockets are supported")
        wrapped = context.wrap_socket(
            sock,
            server_side=server_side,
            do_handshake_on_connect=do_handshake_on_connect,
            suppress_ragged_eofs=suppress_ragged_eofs,
        )
        # After the wrap: a call that fails (a UDP socket, not a socket)
        # made no unverified connection and must not use up the warning.
        if not server_side and context.verify_mode == CERT_NONE and _unverified_first_use:
            _warn.fire(_unverified_first_use)
        return wrapped

    wrap_socket.__doc__ = _DOC
    if hasattr(wrap_socket, "__qualname__"):  # 3.3+
        wrap_socket.__qualname__ = "wrap_socket"
    return wrap_socket


_DOC = """Wrap ``sock`` in TLS, as ``ssl.wrap_socket`` did (removed in 3.12).

    CPython 3.11's signature and argument checks on a hardened context:
    TLS 1.2 at least whatever ``ssl_version`` says (a ``PROTOCOL_TLSv1*``
    constant pins the minimum to that version or TLS 1.2, whichever is
    newer), no compression, security level 2 after any ``ciphers``.
    ``cert_reqs=CERT_REQUIRED`` verifies the chain against ``ca_certs``,
    or where it is None, on a client socket only, against
    ``create_default_context``'s trust store (a server socket without
    ``ca_certs`` trusts no client certificate, as on 3.11).
    ``CERT_NONE`` (the default) verifies nothing and warns once
    (:class:`UnverifiedContextWarning`). No host name is checked and no SNI
    is sent: call ``match_hostname(sock.getpeercert(), hostname)`` next.
    Bad arguments raise 3.11's exception types on every tier.
    The tier is ``secureshim.backends()["wrap_socket"]``; on ``pyopenssl``
    and ``legacy`` the socket must be connected first. On ``legacy`` where
    ``SSLSocket.version()`` is missing (2.7.0-2.7.8) the negotiated version
    cannot be checked: TLS 1.2 is asked for, not guaranteed.
    """


def tier_wrap_socket(tier, first_use=None):
    # type: (str, Optional[_warn.Pending]) -> Callable[..., Any]
    """The ``wrap_socket`` of ``tier``; ImportError or AttributeError where
    that tier cannot run (no SSLContext, pyOpenSSL or ssl.wrap_socket)."""
    if tier == "native":
        ssl.SSLContext  # noqa: B018 - AttributeError before 2.7.9
        seclevels = _tls_base.has_security_levels(
            getattr(ssl, "OPENSSL_VERSION_INFO", None), getattr(ssl, "OPENSSL_VERSION", None))
        return make_wrap_socket(_native_context, True, first_use, seclevels)
    if tier in ("pyopenssl", "legacy"):
        # The TLS tier's module; ImportError/AttributeError where it cannot run.
        module = _tls.PRIMITIVE.tier(tier).bind()
        # Each module's cipher string names a level where its OpenSSL has them.
        return make_wrap_socket(_compat_context(module.SSLContext), False, first_use,
                                "@SECLEVEL" in module.CIPHERS)
    raise ValueError("unknown wrap_socket tier %r" % (tier,))


def _probe(name):
    # type: (str) -> Callable[[], bool]
    def probe():
        # type: () -> bool
        # create_default_context's tier, unless wrap_socket is forced on
        # its own: then any tier that runs here.
        if "wrap_socket" not in _detect.FORCED:
            return _tls.PRIMITIVE.choose().name == name
        try:
            tier_wrap_socket(name)
        except (ImportError, AttributeError):  # pyOpenSSL or ssl.wrap_socket missing
            return False
        return True

    return probe


def _bind(name):
    # type: (str) -> Callable[[], Any]
    def bind():
        # type: () -> Any
        tls = _tls.PRIMITIVE.choose().name
        if name not in ("native", tls):
            first_use = _warn.pending("wrap_socket")
        elif name == "pyopenssl":
            # On create_default_context's tier, its pending warning (a forced
            # pyopenssl tier; legacy contexts warn when they are made).
            first_use = _warn.pending("create_default_context")
        else:
            first_use = []
        return tier_wrap_socket(name, first_use)

    return bind


class _FollowsTLS(_tier.Primitive):
    """wrap_socket warns when forced onto another tier than
    create_default_context's (native excepted)."""

    def _arm(self, tier, over_better):
        # type: (_tier.Tier, bool) -> Optional[str]
        tls = _tls.PRIMITIVE.choose().name
        if tier.name in ("native", tls):
            return None
        text = _warn.message(
            self.name, "the %s tier is in use" % tier.name, "unset SECURESHIM_FORCE",
            "SECURESHIM_FORCE selects it, while create_default_context uses %s" % tls,
        )
        _warn.arm(self.name, text, DegradedSecurityWarning)
        return text


def _why():
    # type: () -> str
    gone = "" if _detect.ssl_flags().HAS_WRAP_SOCKET else "; ssl.wrap_socket is gone here (3.12+)"
    return "secureshim's hardened ssl.wrap_socket on create_default_context's tier%s" % gone


PRIMITIVE = _FollowsTLS("wrap_socket", tuple(
    _tier.Tier(name, probe=_probe(name), bind=_bind(name), what=what, why=_why)
    for name, what in (
        ("native", "a hardened ssl.SSLContext"),
        ("pyopenssl", "a hardened SSLContext-compatible context over pyOpenSSL"),
        ("legacy", "a context over the old ssl.wrap_socket"),
    )
))
