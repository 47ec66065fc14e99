"""Warn once per primitive, at its first use, never at import.

Every warning has one key: the primitive's name for its tier's warning, and
``primitive.part`` for a further one (``create_default_context.sni``,
``pbkdf2_hmac.sha3_256``), so the report finds all of a primitive's
warnings by its name. The code of a tier tests its key's :func:`pending`
list, which stays empty until the tier is chosen and degraded and
:func:`arm` fills it; the hot path only tests whether the list is
non-empty. ``list.pop`` is atomic, so exactly one caller fires the warning
even under threads.

Every text has one shape, built by :func:`message`: ``"<primitive>:
<subject> because <reason>; <weakness>. Fix: <fix>."``.
"""
from __future__ import absolute_import, division, print_function

import warnings

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Dict, List, Optional, Tuple, Type  # noqa: F401

    Pending = List[Tuple[str, Type[Warning]]]

# key -> the list its tier's code tests; created at that code's import.
_pending = {}  # type: Dict[str, Pending]
# key -> (text, category, reported) of an armed warning.
_armed = {}  # type: Dict[str, Tuple[str, Type[Warning], bool]]


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
    return _pending.setdefault(key, [])


def arm(key, text, category, reported=True):
    # type: (str, str, Type[Warning], bool) -> Pending
    """Make ``key``'s warning due; return its pending list.

    ``reported=False``: a warning about how the caller uses a primitive
    (wrap_socket's CERT_NONE), not about its tier, which the report leaves
    out of the primitive's findings.
    """
    _armed[key] = (text, category, reported)
    due = pending(key)
    del due[:]
    due.append((text, category))
    return due


def armed(key, text, category):
    # type: (str, str, Type[Warning]) -> Pending
    """The pending list of ``key``, arming it on first request (for
    warnings whose key is only known at call time)."""
    if key in _armed:
        return pending(key)
    return arm(key, text, category)


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
    try:
        text, category = due.pop()
    except IndexError:
        return
    warnings.warn(text, category, stacklevel=stacklevel + 1)


def rearm():
    # type: () -> None
    """Make every armed warning due again (for tests)."""
    for key, (text, category, _) in _armed.items():
        due = pending(key)
        del due[:]
        due.append((text, category))
