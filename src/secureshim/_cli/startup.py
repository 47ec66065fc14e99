"""Configuration errors met while the package is imported for the command line.

``python -m secureshim`` (and the ``secureshim`` script) import the package
before the command line runs, and the package checks ``SECURESHIM_FORCE``
as it is imported. Raised there, a bad value would end the command with a
traceback and exit code 1, the DEGRADED verdict, before the command line
could say anything. So when the import is for ``<package>.__main__``, the
error is kept in :data:`ERRORS` instead, and the command line reports it as
one line with its own exit code before it does anything else. Any other
import raises it as before. (Importing ``secureshim.__main__`` without
calling its ``main`` keeps the error too; nothing is forced then, so the
primitives run on their best tiers.)
"""
from __future__ import absolute_import, division, print_function

import dis
import sys

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, List  # noqa: F401

# The errors the command line must report before anything else.
ERRORS = []  # type: List[ValueError]

# Modules whose frames are on the stack while a module is located and
# imported, and the names of their locals that hold its dotted name.
_IMPORTERS = frozenset(["runpy", "pkgutil", "importlib._bootstrap", "_frozen_importlib"])
_NAME_LOCALS = ("mod_name", "name", "fullname")
_IMPORT_NAME = dis.opmap["IMPORT_NAME"]


def defer(error, package):
    # type: (ValueError, str) -> bool
    """Keep ``error`` for the command line if this import is for running
    ``package``'s ``__main__``, and return True; else return False (the
    caller raises it)."""
    if _importing(package):
        ERRORS.append(error)
        return True
    return False


def _importing(package):
    # type: (str) -> bool
    """Is some frame on the stack locating or importing ``package.__main__``?

    runpy runs a package (``python -m package``, ``runpy.run_module``) by
    running its ``__main__``; 2.7's runpy imports the package first under
    the package's own name.
    """
    target = package + ".__main__"
    frame = sys._getframe(1)  # type: Any
    while frame is not None:
        module = frame.f_globals.get("__name__")
        if module in _IMPORTERS:
            names = frame.f_locals
            wanted = (target, package) if module == "runpy" else (target,)
            if any(names.get(key) in wanted for key in _NAME_LOCALS):
                return True
        elif _import_statement_of(frame, target):
            return True
        frame = frame.f_back
    return False


def _import_statement_of(frame, target):
    # type: (Any, str) -> bool
    """Is ``frame`` executing ``import target`` or ``from target import ...``?

    2.7 imports in C, so no importlib frame names the module (3.x has one);
    the importing frame's current instruction does. Only 2.7's bytecode
    (a byte ``str``, three-byte instructions with arguments) is read.
    """
    code = frame.f_code.co_code
    if not isinstance(code, str) or frame.f_lasti + 2 >= len(code):
        return False  # 3.x: the importlib frames above answer
    at = frame.f_lasti
    if ord(code[at]) != _IMPORT_NAME:
        return False
    index = ord(code[at + 1]) | ord(code[at + 2]) << 8
    names = frame.f_code.co_names
    return index < len(names) and names[index] == target
