"""Warn once per primitive, at its first use, never at import.

Every warning has one key: the primitive's name for its tier's warning, and
``primitive.part`` for a further one (``create_default_context.sni``,
``pbkdf2_hmac.sha3_256``), so the report finds all of a primitive's
warnings by its name. The code of a tier tests its key's :func:`pending`
list, which stays empty until the tier is chosen and degraded and
:func:`arm` fills it; the hot path only tests whether the list is
non-empty. Taking the warning out of the list, and arming, happen under one
lock, so exactly one caller fires it under threads without relying on the
GIL (or on free-threaded CPython's per-list locks); docs/threading.md.

Every text has one shape, built by :func:`message`: ``"<primitive>:
<subject> because <reason>; <weakness>. Fix: <fix>."``.
"""
from __future__ import absolute_import, division, print_function

import os
import threading
import warnings

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Dict, List, Optional, Tuple, Type  # noqa: F401

    Pending = List[Tuple[str, Type[Warning]]]

# key -> the list its tier's code tests; created at that code's import.
_pending = {}  # type: Dict[str, Pending]
# key -> (text, category, reported) of an armed warning.
_armed = {}  # type: Dict[str, Tuple[str, Type[Warning], bool]]
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


def message(primitive, subject, fix, reason=None, weakness=None):
    # type: (str, str, str, Optional[str], Optional[str]) -> str
    """The text of a secureshim warning (see the module docstring); without
    a reason and a weakness, ``subject`` says it all."""
    text = subject if reason is None else "%s because %s" % (subject, reason)
    if weakness is not None:
        text = "%s; %s" % (text, weakness)
    return "%s: %s. Fix: %s." % (primitive, text, fix)


def pending(key):
    # type: (str) -> Pending
    """The list that holds ``key``'s warning while it is due."""
    with _lock:
        return _pending.setdefault(key, [])


def _arm_locked(key, text, category, reported):
    # type: (str, str, Type[Warning], bool) -> Pending
    _armed[key] = (text, category, reported)
    due = _pending.setdefault(key, [])
    del due[:]
    due.append((text, category))
    return due


def arm(key, text, category, reported=True):
    # type: (str, str, Type[Warning], bool) -> Pending
    """Make ``key``'s warning due; return its pending list.

    ``reported=False``: a warning about how the caller uses a primitive
    (wrap_socket's CERT_NONE), not about its tier, which the report leaves
    out of the primitive's findings.
    """
    with _lock:
        return _arm_locked(key, text, category, reported)


def armed(key, text, category):
    # type: (str, str, Type[Warning]) -> Pending
    """The pending list of ``key``, arming it on first request (for
    warnings whose key is only known at call time). Threads racing the
    first request share one list, so the warning fires once."""
    with _lock:
        if key in _armed:
            return _pending.setdefault(key, [])
        return _arm_locked(key, text, category, True)


def armed_messages(primitive):
    # type: (str) -> List[str]
    """The texts armed for ``primitive`` and its parts, by key."""
    return [
        _armed[key][0]
        for key in sorted(_armed)
        if (key == primitive or key.startswith(primitive + ".")) and _armed[key][2]
    ]


def fire(due, stacklevel=2):
    # type: (Pending, int) -> None
    """Issue the warning in ``due`` unless another caller already did.

    ``stacklevel`` counts from the caller of ``fire``.
    """
    with _lock:
        if not due:
            return
        text, category = due.pop()
    warnings.warn(text, category, stacklevel=stacklevel + 1)


def rearm():
    # type: () -> None
    """Make every armed warning due again (for tests)."""
    with _lock:
        for key, (text, category, reported) in list(_armed.items()):
            _arm_locked(key, text, category, reported)
