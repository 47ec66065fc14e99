"""Capability flags of this interpreter, for other libraries' feature detection.

Each flag says what the *stdlib* has natively, independent of what
secureshim substitutes; they are bound once, when this module is first
imported. It imports ``ssl``, so ``import secureshim`` does not import it:
use ``from secureshim import features``.
"""
from __future__ import absolute_import, division, print_function

from . import _detect, _pbkdf2
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Dict  # noqa: F401

#: ``hmac.compare_digest`` exists (2.7.7+, 3.3+).
HAS_COMPARE_DIGEST = _detect.HAS_COMPARE_DIGEST
#: ``hashlib.pbkdf2_hmac`` exists (2.7.8+, 3.4+; not on 3.12+ without OpenSSL).
HAS_PBKDF2_HMAC = _detect.HAS_PBKDF2_HMAC
#: ... and is OpenSSL's C function, not CPython's slow pure-Python fallback.
PBKDF2_HMAC_OPENSSL = _detect.PBKDF2_HMAC_OPENSSL
#: libcrypto's ``PKCS5_PBKDF2_HMAC`` can be called through ``ctypes``, so
#: secureshim's ``openssl`` pbkdf2_hmac tier can run (not a stdlib feature;
#: finding out imports ``ctypes``).
HAS_LIBCRYPTO_PBKDF2 = _pbkdf2.libcrypto_path() is not None
#: ``hashlib.algorithms_guaranteed``/``algorithms_available`` exist (2.7.9+, 3.2+).
HAS_ALGORITHMS_GUARANTEED = _detect.HAS_ALGORITHMS_GUARANTEED
#: ``os.getrandom`` exists (3.6+ on Linux), so ``os.urandom`` uses getrandom(2).
HAS_GETRANDOM = _detect.HAS_GETRANDOM
#: ``os.urandom`` is C code that does not open a file per call (2.7.9+, 3.4+).
URANDOM_IS_C = _detect.URANDOM_IS_C

_ssl = _detect.ssl_flags()
#: The ``ssl`` module can be imported at all.
HAS_SSL = _ssl.HAS_SSL
#: ``ssl.SSLContext`` exists (2.7.9+, 3.2+).
HAS_SSLCONTEXT = _ssl.HAS_SSLCONTEXT
#: ``ssl.create_default_context`` exists (2.7.9+, 3.4+).
HAS_CREATE_DEFAULT_CONTEXT = _ssl.HAS_CREATE_DEFAULT_CONTEXT
#: ``ssl.match_hostname`` exists (2.7.9+ and 3.2-3.11; removed in 3.12).
HAS_MATCH_HOSTNAME = _ssl.HAS_MATCH_HOSTNAME
#: ``ssl.HAS_SNI``: the client can send Server Name Indication (2.7.9+, 3.2+).
HAS_SNI = _ssl.HAS_SNI
#: TLS 1.2 can be negotiated (OpenSSL >= 1.0.1; 2.7.9+, 3.4+).
HAS_TLSv1_2 = _ssl.HAS_TLSv1_2
#: TLS 1.3 can be negotiated (OpenSSL >= 1.1.1; 2.7.15+, 3.7+).
HAS_TLSv1_3 = _ssl.HAS_TLSv1_3
#: ``SSLContext.hostname_checks_common_name`` exists (3.7+).
HAS_HOSTNAME_CHECKS_COMMON_NAME = _ssl.HAS_HOSTNAME_CHECKS_COMMON_NAME
#: ``ssl.wrap_socket`` exists (2.7.0-3.11; removed in 3.12), which the
#: ``legacy`` TLS tier needs.
HAS_WRAP_SOCKET = _ssl.HAS_WRAP_SOCKET
#: ``SSLContext.minimum_version`` exists (3.7+ with OpenSSL 1.1.0g+).
HAS_MINIMUM_VERSION = _ssl.HAS_MINIMUM_VERSION
#: PEP 493's runtime switch ``ssl._https_verify_certificates`` (2.7.12+ only).
HAS_HTTPS_VERIFY_SWITCH = _ssl.HAS_HTTPS_VERIFY_SWITCH
#: ``ssl.OPENSSL_VERSION``, or None without ``ssl``.
OPENSSL_VERSION = _ssl.OPENSSL_VERSION
del _ssl
#: How ``match_hostname`` converts non-ASCII hostnames to A-labels:
#: ``"idna"`` (IDNA 2008 with UTS 46 mapping, by the ``idna`` package) or
#: ``"stdlib"`` (the stdlib's IDNA 2003 codec, when ``idna`` is missing).
IDNA_BACKEND = _detect.idna_backend()


FLAGS = (
    "HAS_COMPARE_DIGEST",
    "HAS_PBKDF2_HMAC",
    "PBKDF2_HMAC_OPENSSL",
    "HAS_LIBCRYPTO_PBKDF2",
    "HAS_ALGORITHMS_GUARANTEED",
    "HAS_GETRANDOM",
    "URANDOM_IS_C",
    "HAS_SSL",
    "HAS_SSLCONTEXT",
    "HAS_CREATE_DEFAULT_CONTEXT",
    "HAS_MATCH_HOSTNAME",
    "HAS_SNI",
    "HAS_TLSv1_2",
    "HAS_TLSv1_3",
    "HAS_HOSTNAME_CHECKS_COMMON_NAME",
    "HAS_WRAP_SOCKET",
    "HAS_MINIMUM_VERSION",
    "HAS_HTTPS_VERIFY_SWITCH",
    "OPENSSL_VERSION",
    "IDNA_BACKEND",
)


def as_dict():
    # type: () -> Dict[str, object]
    """Every flag in :data:`FLAGS` as a ``{name: value}`` dict."""
    namespace = globals()
    return dict((name, namespace[name]) for name in FLAGS)
