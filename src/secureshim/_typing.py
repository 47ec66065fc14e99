"""``TYPE_CHECKING``, for the type comments' imports.

secureshim's types live in comments (its one source tree runs on 2.7, which
has no annotations), and the names those comments use must be imported for
mypy but not at run time: ``typing`` is not in 2.7's stdlib, and importing
it costs about a millisecond on 3.x that ``import secureshim`` should not
pay. ``typing.TYPE_CHECKING`` itself needs ``typing``, so this stand-in
takes its place: mypy treats any name ``TYPE_CHECKING`` as true, and at run
time it is False. Every module does::

    from ._typing import TYPE_CHECKING

    if TYPE_CHECKING:  # pragma: no cover
        from typing import ...

(packaging 20.9's ``_typing.py`` does the same.)
"""
from __future__ import absolute_import, division, print_function

TYPE_CHECKING = False
