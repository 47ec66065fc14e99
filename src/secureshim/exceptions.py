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
    "SNIMissingWarning",
    "TrustStoreWarning",
    "UnverifiedContextWarning",
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


class SNIMissingWarning(InsecurePlatformWarning):
    """TLS connections cannot send Server Name Indication here.

    Issued by the ``legacy`` TLS tier (``ssl.wrap_socket`` before 2.7.9),
    whose servers then present their default certificate, which may not be
    the one for the requested host, so verification fails or the wrong
    site answers.
    """


class TrustStoreWarning(SecureShimWarning):
    """No CA certificates could be found to verify servers against.

    Every verified connection will then fail. Install the platform's CA
    bundle (e.g. ``ca-certificates``) or ``certifi``, or pass ``cafile``.
    """


class UnverifiedContextWarning(SecureShimWarning):
    """A TLS context that does not verify certificates was created.

    Issued every time :func:`secureshim.create_unverified_context` runs,
    whenever PEP 493's policy or switch turns verification off for the
    stdlib's HTTPS clients, and once, at the first client socket that
    :func:`secureshim.wrap_socket` makes with ``cert_reqs=CERT_NONE``.
    """
