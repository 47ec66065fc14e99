"""Warn once per primitive, at its first use, never at import.

A primitive that runs on a degraded tier *arms* its warning at import; the
hot path then only tests whether its list is non-empty. Taking the warning
out of the list, and arming at first use, happen under one lock, so exactly
one caller fires it under threads without relying on the GIL (or on
free-threaded CPython's per-list locks); docs/threading.md.
"""
from __future__ import absolute_import, division, print_function

import os
import threading
import warnings

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Dict, List, Tuple, Type  # noqa: F401

    Pending = List[Tuple[str, Type[Warning]]]

_armed = {}  # type: Dict[str, Tuple[Pending, str, Type[Warning]]]
# Held only while arming or firing: the hot path's test of an empty list
# never takes it.
_lock = threading.Lock()


def _new_lock_in_child():
    # type: () -> None
    # A fork while another thread held the lock leaves the child's copy held
    # by a thread that does not exist there.
    global _lock
    _lock = threading.Lock()


# os.register_at_fork: 3.7+ (bpo-16500); before, the window is the few
# bytecodes of arm/fire.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_in_child)


def arm(key, message, category):
    # type: (str, str, Type[Warning]) -> Pending
    """Return a list holding one due warning for ``key``."""
    pending = [(message, category)]  # type: Pending
    with _lock:
        _armed[key] = (pending, message, category)
    return pending


def armed(key, message, category):
    # type: (str, str, Type[Warning]) -> Pending
    """The pending list of ``key``, arming it on first request (for
    warnings whose key is only known at call time)."""
    with _lock:
        if key not in _armed:
            _armed[key] = ([(message, category)], message, category)
        return _armed[key][0]


def fire(pending, stacklevel=2):
    # type: (Pending, int) -> None
    """Issue the warning in ``pending`` unless another caller already did.

    ``stacklevel`` counts from the caller of ``fire``.
    """
    with _lock:
        if not pending:
            return
        message, category = pending.pop()
    warnings.warn(message, category, stacklevel=stacklevel + 1)


def rearm():
    # type: () -> None
    """Make every armed warning due again (for tests)."""
    with _lock:
        for pending, message, category in _armed.values():
            del pending[:]
            pending.append((message, category))
