"""ssl module names that legacy TLS code looks up and newer interpreters lack.

``inject_into_stdlib()`` adds each of them to ``ssl`` only where it is
missing (``secureshim.wrap_socket`` lives in ``_wrap_socket``):

``RAND_pseudo_bytes``
    Added in 3.3, deprecated in 3.6, removed in 3.12 (gh-94199); missing
    on 2.7. Restored over ``secureshim.urandom``, which is always
    cryptographically strong.
``PROTOCOL_TLSv1``, ``PROTOCOL_TLSv1_1``, ``PROTOCOL_TLSv1_2``
    Missing where CPython is built against OpenSSL 4.0, which no longer
    has ``TLSv1_method`` and friends (gh-146207); ``PROTOCOL_TLSv1_1`` and
    ``_2`` are also missing on 2.7.0-2.7.8. Restored as
    :class:`ProtocolConstant` objects: each *is* the int ``PROTOCOL_TLS``
    (so ``ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)`` makes a negotiating
    context, whose minimum on 3.10+ is TLS 1.2), but compares and hashes
    as itself, so a dict keyed by protocol constants (urllib3's pyOpenSSL
    module maps ``ssl.PROTOCOL_TLSv1`` to ``TLSv1_METHOD``) keeps one entry
    per constant and never overwrites ``PROTOCOL_TLS``'s. secureshim's own
    contexts and :func:`secureshim.wrap_socket` read ``tls_version`` and pin
    the minimum to that version or TLS 1.2, whichever is newer: a caller
    asking for TLS 1.0 gets TLS 1.2 or newer, never an older protocol.
"""
from __future__ import absolute_import, division, print_function

import operator

from ._urandom import urandom

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Optional, Tuple  # noqa: F401

__all__ = ["RAND_pseudo_bytes", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"]

_INT_MAX = 2 ** 31 - 1

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
    same argument: TypeError for a non-integer, ValueError for a negative
    number, OverflowError above a C int.
    """
    count = operator.index(n)
    if count > _INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    if count < 0:
        raise ValueError("num must be positive")
    return urandom(count), True


class ProtocolConstant(int):
    """A restored ``ssl.PROTOCOL_TLSv1*`` constant (see the module docstring).

    Its int value is ``PROTOCOL_TLS``, so the stdlib's ``SSLContext``
    negotiates; it equals only itself, so it stays a distinct dict key.
    ``tls_version`` is the protocol version it names.
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
