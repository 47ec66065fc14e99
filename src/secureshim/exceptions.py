"""Warnings and errors raised by secureshim.

Every warning derives from :class:`SecureShimWarning`, so an application can
silence or escalate all of them as one group::

    warnings.simplefilter("error", secureshim.SecureShimWarning)
"""
from __future__ import absolute_import, division, print_function

__all__ = [
    "SecureShimWarning",
    "DegradedSecurityWarning",
    "InsecurePlatformWarning",
]


class SecureShimWarning(Warning):
    """Base class of every warning that secureshim issues."""


class DegradedSecurityWarning(SecureShimWarning):
    """A primitive runs on a tier weaker than a native implementation.

    Issued once per primitive, at its first use (never at import). The
    message names the primitive, the tier, what is weaker and the fix.
    """


class InsecurePlatformWarning(SecureShimWarning):
    """The platform cannot provide a security property the caller relies on."""
