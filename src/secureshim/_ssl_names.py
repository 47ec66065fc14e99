"""ssl module names that legacy TLS code looks up and newer interpreters lack.

``inject_into_stdlib()`` adds each of them to ``ssl`` only where it is
missing (``secureshim.wrap_socket`` lives in ``_wrap_socket``):

``RAND_pseudo_bytes``
    Added in 3.3, deprecated in 3.6, removed in 3.12 (gh-94199); missing
    on 2.7. Restored over ``secureshim.urandom``, which is always
    cryptographically strong.
``PROTOCOL_TLSv1``, ``PROTOCOL_TLSv1_1``, ``PROTOCOL_TLSv1_2``
    Missing where CPython is built against OpenSSL 4.0, which no longer
    has ``TLSv1_method`` and friends (gh-146207). Restored as
    :class:`ProtocolConstant` objects, and only where the stdlib's own
    negotiating context already has a TLS 1.2 floor (3.10+ with OpenSSL
    1.1.0g+, bpo-43998; see :func:`stdlib_floor_is_tls_1_2`): each *is* the
    int ``PROTOCOL_TLS``, so ``ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)`` and
    3.11's own ``ssl.wrap_socket`` make a negotiating context, which there
    starts at TLS 1.2. Elsewhere (2.7, 3.6-3.9, where a negotiating context
    still speaks TLS 1.0) they are not added: a restored ``PROTOCOL_TLSv1_2``
    would silently mean "anything down to TLS 1.0" to the stdlib's own
    functions, which ``inject_into_stdlib`` keeps.

    secureshim's own contexts and :func:`secureshim.wrap_socket` read
    ``tls_version`` and pin the minimum to that version or TLS 1.2,
    whichever is newer. Other code decides for itself: urllib3 1.26's
    ``contrib.pyopenssl`` maps ``ssl.PROTOCOL_TLSv1`` to pyOpenSSL's
    ``TLSv1_METHOD``, so there a restored ``PROTOCOL_TLSv1`` means TLS 1.0,
    as the caller asked.

    The objects are not the stdlib's constants, and code that inspects
    them sees it: ``P == ssl.PROTOCOL_TLS`` is False but
    ``ssl.PROTOCOL_TLS == P`` is True (``_SSLMethod`` is an IntEnum and
    compares the int first); ``P == 3`` is False (the stdlib's
    ``PROTOCOL_TLSv1`` is 3); ``int(P)``, ``"%d" % P`` and
    ``json.dumps(P)`` give 2 (2.7's json writes the repr); ``ssl._SSLMethod(P)`` raises ValueError;
    ``ssl.get_protocol_name(P)`` is ``"<unknown>"``; ``str(P)`` and
    ``format(P)`` give the repr; ordering compares the int, so the three
    sort as equal. Only equality and hashing among themselves are their
    own, which is what a dict keyed by protocol constants needs.
"""
from __future__ import absolute_import, division, print_function

from . import _urandom
from ._cint import c_int
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, List, Optional, Tuple  # noqa: F401

__all__ = ["RAND_pseudo_bytes", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"]

# CPython's values (Modules/_ssl.c, PY_SSL_VERSION_*), the same on PyPy.
_PROTOCOL_TLS = 2
TLSv1 = 0x0301
TLSv1_1 = 0x0302
TLSv1_2 = 0x0303
# PROTOCOL_TLSv1, _TLSv1_1 and _TLSv1_2 as plain ints (the stdlib's own
# constants, where it has them, equal these).
_STDLIB_VALUES = {3: TLSv1, 4: TLSv1_1, 5: TLSv1_2}


def RAND_pseudo_bytes(n):
    # type: (Any) -> Tuple[bytes, bool]
    """Generate n pseudo-random bytes.

    Return a pair (bytes, is_cryptographic), as ``ssl.RAND_pseudo_bytes``
    did up to Python 3.11; the bytes come from ``secureshim.urandom``, so
    ``is_cryptographic`` is always True. Raises what 3.11 raises for the
    same argument: TypeError for a non-integer, OverflowError outside a C
    int (3.11 converts first), ValueError for a negative number that fits.
    """
    count = c_int(n)
    if count < 0:
        raise ValueError("num must be positive")
    return _urandom.PRIMITIVE.get("urandom")(count), True


class ProtocolConstant(int):
    """A restored ``ssl.PROTOCOL_TLSv1*`` constant (see the module docstring).

    Its int value is ``PROTOCOL_TLS``, so the stdlib's ``SSLContext``
    negotiates; it equals only itself, so it stays a distinct dict key.
    ``tls_version`` is the protocol version it names. Equality is not
    symmetric with the stdlib's IntEnum (``ssl.PROTOCOL_TLS == P`` is True,
    ``P == ssl.PROTOCOL_TLS`` False); the module docstring lists the other
    differences from a native constant.
    """

    name = ""  # type: str
    tls_version = 0  # type: int

    def __new__(cls, name, tls_version):
        # type: (str, int) -> ProtocolConstant
        self = int.__new__(cls, _PROTOCOL_TLS)
        self.name = name
        self.tls_version = tls_version
        return self

    def __eq__(self, other):
        # type: (object) -> bool
        return isinstance(other, ProtocolConstant) and other.name == self.name

    def __ne__(self, other):
        # type: (object) -> bool
        return not self.__eq__(other)

    def __hash__(self):
        # type: () -> int
        return hash(("secureshim.ProtocolConstant", self.name))

    def __repr__(self):
        # type: () -> str
        return "<%s: PROTOCOL_TLS with minimum %s or TLS 1.2 (secureshim)>" % (
            self.name, {TLSv1: "TLS 1.0", TLSv1_1: "TLS 1.1", TLSv1_2: "TLS 1.2"}[
                self.tls_version])

    __str__ = __repr__

    def __reduce__(self):
        # type: () -> Any
        return (ProtocolConstant, (self.name, self.tls_version))


PROTOCOL_TLSv1 = ProtocolConstant("PROTOCOL_TLSv1", TLSv1)
PROTOCOL_TLSv1_1 = ProtocolConstant("PROTOCOL_TLSv1_1", TLSv1_1)
PROTOCOL_TLSv1_2 = ProtocolConstant("PROTOCOL_TLSv1_2", TLSv1_2)


def requested_version(protocol):
    # type: (Any) -> Optional[int]
    """The TLS version a fixed-version protocol constant asks for (the
    stdlib's ``PROTOCOL_TLSv1*`` or a restored one), else None."""
    if isinstance(protocol, ProtocolConstant):
        return protocol.tls_version
    if isinstance(protocol, bool) or not isinstance(protocol, int):
        return None
    return _STDLIB_VALUES.get(int(protocol))


def pinned_minimum(protocol):
    # type: (Any) -> Optional[int]
    """For a fixed-version constant, the minimum secureshim pins: that
    version or TLS 1.2, whichever is newer. None for any other protocol."""
    version = requested_version(protocol)
    if version is None:
        return None
    return max(version, TLSv1_2)


_FLOOR = []  # type: List[bool]


def stdlib_floor_is_tls_1_2():
    # type: () -> bool
    """Does the stdlib's own negotiating context refuse anything below
    TLS 1.2? 3.10+ sets that minimum in ``SSLContext.__new__`` (bpo-43998,
    for PROTOCOL_TLS and PROTOCOL_TLS_CLIENT alike) where OpenSSL has
    ``SSL_CTX_set_min_proto_version`` (1.1.0g+); 3.7-3.9 leave it at
    MINIMUM_SUPPORTED, and 2.7/3.6 have no ``minimum_version`` to read.
    Read once, from a new context."""
    if not _FLOOR:
        import ssl

        protocol = getattr(ssl, "PROTOCOL_TLS_CLIENT", None)  # 2.7.13+, 3.6+
        context_class = getattr(ssl, "SSLContext", None)  # 2.7.9+, 3.2+
        minimum = None
        if protocol is not None and context_class is not None:
            # minimum_version: 3.7+ (bpo-32609), with OpenSSL 1.1.0g+.
            minimum = getattr(context_class(protocol), "minimum_version", None)
        _FLOOR.append(minimum is not None and int(minimum) >= TLSv1_2)
    return _FLOOR[0]


def for_stdlib(name):
    # type: (str) -> Any
    """What ``inject_into_stdlib`` may add as ``ssl.<name>``: the name's
    object, or None for a ``PROTOCOL_TLSv1*`` constant where the stdlib's
    own negotiating context has no TLS 1.2 floor (see the module
    docstring). AttributeError for a name this module lacks."""
    value = globals().get(name)
    if value is None or name.startswith("_"):
        raise AttributeError(name)
    if isinstance(value, ProtocolConstant) and not stdlib_floor_is_tls_1_2():
        return None
    return value
