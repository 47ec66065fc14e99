"""Integer arguments as the stdlib's C functions convert them.

CPython's argument parsing reads an integer into a C ``long`` or ``int``
and raises ``OverflowError`` when it does not fit; secureshim's pure-Python
tiers check the same bounds, with the same messages, so that the same bad
input gets the same exception.
"""
from __future__ import absolute_import, division, print_function

import operator
import struct

from ._compat import exact_index
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any  # noqa: F401

LONG_MAX = (1 << (8 * struct.calcsize("l") - 1)) - 1
LONG_MIN = -LONG_MAX - 1
INT_MAX = (1 << (8 * struct.calcsize("i") - 1)) - 1
INT_MIN = -INT_MAX - 1


def c_long(value):
    # type: (Any) -> int
    """``value`` as a C long ("l"): ``TypeError`` for floats and text,
    ``OverflowError`` beyond a C long. An int subclass is its stored value
    (``exact_index``), never what its own ``__int__`` or ``__index__``
    claims."""
    number = exact_index(value)
    if not LONG_MIN <= number <= LONG_MAX:
        raise OverflowError("Python int too large to convert to C long")
    return number


def c_int(value):
    # type: (Any) -> int
    """``value`` as a C int ("i"): ``TypeError`` for a non-integer,
    ``OverflowError`` outside a C int."""
    number = operator.index(value)
    if not INT_MIN <= number <= INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return number
