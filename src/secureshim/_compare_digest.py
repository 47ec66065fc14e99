"""compare_digest: hmac.compare_digest, or a pure-Python equivalent.

Tiers: ``native`` (``hmac.compare_digest``, 2.7.7+ and 3.3+) and ``python``.

How the ``python`` tier avoids leaking where the inputs differ. A loop over
the bytes leaks through the interpreter's small-int and branch costs, and
``int.from_bytes(a) ^ int.from_bytes(b)`` leaks through CPython's big-int
normalisation, which strips leading zero digits one at a time and so takes
longer the further the first difference lies from the top. Here each input
gets a guard byte above its top byte (0x03 for ``a``, 0x07 for ``b``), so
``z = A ^ B`` always keeps its full length. With equal lengths the guards
leave the single bit 0x04 on top and the inputs are equal exactly when
``z`` is that power of two; with unequal lengths the top byte of ``z`` is a
whole guard, two or three bits, so ``z`` is never a power of two and no
length branch is needed. The test ``(z - 1).bit_length() != z.bit_length()``
costs one borrow-propagating subtraction, which visits every digit and
cannot shorten ``z`` unless the inputs are equal, and two O(1) calls. No
step stops early or normalises by the position of a difference.
"""
from __future__ import absolute_import, division, print_function

import hmac
import sys

from . import _detect, _warn
from ._buffer import simple_buffer
from ._compat import exact
from .exceptions import DegradedSecurityWarning

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Tuple  # noqa: F401


def _type_error(a, b):
    # type: (Any, Any) -> TypeError
    return TypeError(
        "compare_digest: unsupported operand types %r and %r (expected two "
        "bytes-like objects, or two ASCII strings)"
        % (type(a).__name__, type(b).__name__)
    )


_available = (("native",) if _detect.HAS_COMPARE_DIGEST else ()) + ("python",)
TIER = _detect.choose("compare_digest", _available)

if TIER == "python":
    _first_use = _warn.arm(
        "compare_digest",
        "compare_digest: secureshim's python tier (pure Python) is in use because %s; "
        "it has no data-dependent branches but cannot promise constant time "
        "as strongly as C. Fix: %s."
        % (
            ("SECURESHIM_FORCE selects it", "unset SECURESHIM_FORCE")
            if _detect.HAS_COMPARE_DIGEST
            else (
                "this interpreter has no hmac.compare_digest",
                "upgrade to Python >= 2.7.7 or >= 3.3",
            )
        ),
        DegradedSecurityWarning,
    )
else:
    _first_use = []

def _bytes_of(value, a, b):
    # type: (Any, Any, Any) -> bytes
    """``value``'s bytes as CPython's C function reads them: a simple
    buffer (``PyBUF_SIMPLE``) of at most one dimension; ``a`` first."""
    if not _REJECT_STRIDED:
        # PyPy's native takes any buffer, strided too: follow it there.
        try:
            return memoryview(value).tobytes()
        except TypeError:
            raise _type_error(a, b)
    try:
        data, ndim = simple_buffer(value)
    except TypeError:
        raise _type_error(a, b)
    if ndim > 1:
        raise BufferError("Buffer must be single dimension")
    return data


# The two branches differ only in how bytes become an int (2.7 has no
# int.from_bytes); the whole function is repeated because a helper call
# would cost a fifth of the 32-byte budget.
if sys.version_info[0] == 2:
    from binascii import hexlify as _hexlify

    def _coerce(a, b):
        # type: (Any, Any) -> Tuple[bytes, bytes]
        # 2.7's native compare_digest accepts any two unicode strings and
        # compares their internal representation; so does this.
        if isinstance(a, unicode) and isinstance(b, unicode):  # noqa: F821
            # exact(): a subclass's own encode() must not decide the value.
            return (
                unicode.encode(exact(a, unicode), "unicode_internal"),  # noqa: F821
                unicode.encode(exact(b, unicode), "unicode_internal"),  # noqa: F821
            )
        return _bytes_of(a, a, b), _bytes_of(b, a, b)

    # 2.7's memoryview cannot stride: every simple request is contiguous.
    _REJECT_STRIDED = True

    def python_compare_digest(a, b):
        # type: (Any, Any) -> bool
        if _first_use:
            _warn.fire(_first_use)
        if type(a) is not bytes or type(b) is not bytes:
            a, b = _coerce(a, b)
        z = int(_hexlify(b"\x03" + a), 16) ^ int(_hexlify(b"\x07" + b), 16)
        return (z - 1).bit_length() != z.bit_length()

else:

    def _coerce(a, b):
        # type: (Any, Any) -> Tuple[bytes, bytes]
        if isinstance(a, str) and isinstance(b, str):
            try:
                # exact(): a subclass's own encode() must not decide the
                # value that is compared.
                return str.encode(exact(a, str), "ascii"), str.encode(exact(b, str), "ascii")
            except UnicodeEncodeError:
                raise TypeError(
                    "comparing strings with non-ASCII characters is not supported"
                )
        return _bytes_of(a, a, b), _bytes_of(b, a, b)

    def _native_rejects_strided():
        # type: () -> bool
        if not _detect.HAS_COMPARE_DIGEST:
            return True
        try:
            hmac.compare_digest(memoryview(b"abcd")[::2], b"ac")
        except BufferError:
            return True
        return False

    _REJECT_STRIDED = _native_rejects_strided()
    _from_bytes = int.from_bytes

    def python_compare_digest(a, b):
        # type: (Any, Any) -> bool
        if _first_use:
            _warn.fire(_first_use)
        if type(a) is not bytes or type(b) is not bytes:
            a, b = _coerce(a, b)
        z = _from_bytes(a + b"\x03", "little") ^ _from_bytes(b + b"\x07", "little")
        return (z - 1).bit_length() != z.bit_length()


python_compare_digest.__doc__ = """Return ``a == b``, in time that does not depend on where they differ.

    secureshim's pure-Python replacement for ``hmac.compare_digest``, with
    the same type rules: two bytes-like objects, or two ASCII strings (on
    2.7, any two unicode strings), else ``TypeError``. It is what
    ``secureshim.compare_digest`` is on interpreters without the native
    function (before 2.7.7), where its first call issues a
    :class:`~secureshim.DegradedSecurityWarning`. Defined everywhere so it
    can be tested beside the native function.
    """

if TIER == "native":
    compare_digest = hmac.compare_digest
else:
    compare_digest = python_compare_digest
