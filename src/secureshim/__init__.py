"""secureshim: the stdlib's security primitives on every Python, 2.7 to 3.13.

Each name is the stdlib's own function where the interpreter has a good one,
and secureshim's implementation where it does not; :func:`backends` says
which. Weaker choices warn once, at first use, with a
:class:`SecureShimWarning` subclass.
"""
from __future__ import absolute_import, division, print_function

from . import _detect
from ._algorithms import algorithms_available, algorithms_guaranteed
from ._compare_digest import compare_digest
from ._urandom import urandom
from .exceptions import (
    DegradedSecurityWarning,
    InsecurePlatformWarning,
    SecureShimWarning,
)

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Dict  # noqa: F401

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "algorithms_available",
    "algorithms_guaranteed",
    "backends",
    "compare_digest",
    "urandom",
    "DegradedSecurityWarning",
    "InsecurePlatformWarning",
    "SecureShimWarning",
]


def backends():
    # type: () -> Dict[str, str]
    """Return ``{primitive: tier}`` for every primitive secureshim provides.

    Tiers: ``native`` (the stdlib's own implementation), ``openssl``
    (libcrypto called directly), ``python`` (secureshim's pure-Python
    implementation), ``fd`` (secureshim's persistent-descriptor urandom).
    """
    return dict(_detect.CHOSEN)
