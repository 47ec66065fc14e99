"""Warn once per primitive, at its first use, never at import.

A primitive that runs on a degraded tier *arms* its warning at import; the
hot path then only tests whether its list is non-empty. ``list.pop`` is
atomic, so exactly one caller fires the warning even under threads.
"""
from __future__ import absolute_import, division, print_function

import warnings

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Dict, List, Tuple, Type  # noqa: F401

    Pending = List[Tuple[str, Type[Warning]]]

_armed = {}  # type: Dict[str, Tuple[Pending, str, Type[Warning]]]


def arm(key, message, category):
    # type: (str, str, Type[Warning]) -> Pending
    """Return a list holding one due warning for ``key``."""
    pending = [(message, category)]  # type: Pending
    _armed[key] = (pending, message, category)
    return pending


def armed(key, message, category):
    # type: (str, str, Type[Warning]) -> Pending
    """The pending list of ``key``, arming it on first request (for
    warnings whose key is only known at call time)."""
    if key in _armed:
        return _armed[key][0]
    return arm(key, message, category)


def fire(pending, stacklevel=2):
    # type: (Pending, int) -> None
    """Issue the warning in ``pending`` unless another caller already did.

    ``stacklevel`` counts from the caller of ``fire``.
    """
    try:
        message, category = pending.pop()
    except IndexError:
        return
    warnings.warn(message, category, stacklevel=stacklevel + 1)


def rearm():
    # type: () -> None
    """Make every armed warning due again (for tests)."""
    for pending, message, category in _armed.values():
        del pending[:]
        pending.append((message, category))
