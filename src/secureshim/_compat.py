"""The few names whose meaning differs between Python 2.7 and 3.x.

Kept tiny on purpose (packaging 20.9 style): only what secureshim uses.
The split is by language version because these are language semantics,
not library features that distributions backport.
"""
from __future__ import absolute_import, division, print_function

import operator
import sys

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any  # noqa: F401

# The one test of the language version: every 2/3 difference in secureshim
# branches on this name.
PY2 = sys.version_info[0] == 2

if PY2:
    text_type = unicode  # noqa: F821
    integer_types = (int, long)  # noqa: F821
else:
    text_type = str
    integer_types = (int,)


def exact(value, base):
    # type: (Any, Any) -> Any
    """``value``, an instance of ``base`` or of a subclass, as exactly ``base``.

    A subclass can override ``encode``, ``lower``, ``__getitem__`` and the
    like, and so decide what its value looks like to whoever calls them;
    ``base``'s own slot, called unbound, copies the underlying characters
    whatever the subclass defines. Used wherever secureshim checks a value
    it was handed.
    """
    if type(value) is base:
        return value
    return base.__getitem__(value, slice(None))


def exact_index(value):
    # type: (Any) -> int
    """``value`` as an exact int, as C's integer conversions read it.

    An int (on 2.7, long) subclass is its value, whatever its own
    ``__index__`` or ``__int__`` claims: ``operator.index`` returns such an
    object itself before 3.10 (bpo-40792), and PyPy's unbound
    ``int.__index__`` calls the subclass's ``__int__``; the base type's
    ``__add__`` reads the stored value everywhere. Anything else goes
    through ``operator.index``.
    """
    for base in integer_types:
        if isinstance(value, base):
            return base.__add__(value, 0)
    return operator.index(value)
