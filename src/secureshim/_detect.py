"""What this interpreter has, and which tier each primitive uses.

The flags look for features rather than version numbers: distributions
backported pieces of PEP 466 into 2.7 releases older than the ones that
introduced them upstream. Those below are attribute lookups on modules
``import secureshim`` needs anyway; nothing here is probed at import.

The TLS-related flags need ``import ssl`` (about 13 ms), so they are
computed on first request by :func:`ssl_flags` instead; see ``features``.
"""
from __future__ import absolute_import, division, print_function

import hashlib
import hmac
import os

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple  # noqa: F401

# type(len) is types.BuiltinFunctionType; the types module would pull in
# functools and collections on 3.6 (about 2 ms).
_BUILTIN = (type(len),)

# hmac.compare_digest: 2.7.7+ (PEP 466) and 3.3+.
HAS_COMPARE_DIGEST = hasattr(hmac, "compare_digest")

# hashlib.pbkdf2_hmac: 2.7.8+ (PEP 466) and 3.4+; missing on 3.12+ builds
# without OpenSSL, which lost CPython's pure-Python fallback.
HAS_PBKDF2_HMAC = hasattr(hashlib, "pbkdf2_hmac")

# OpenSSL-backed when it is _hashlib's C function, or PyPy's, which calls
# OpenSSL's PKCS5_PBKDF2_HMAC through cffi and is a built-in function too
# (PyPy 7.3). CPython 2.7.8+ and 3.4-3.11 built against an OpenSSL without
# PKCS5_PBKDF2_HMAC (or with it hidden, as pyenv's 2.7.18 and 3.6.15 here)
# substitute a slow pure-Python loop defined in hashlib.py itself.
PBKDF2_HMAC_OPENSSL = HAS_PBKDF2_HMAC and isinstance(
    getattr(hashlib, "pbkdf2_hmac", None), _BUILTIN
)

# hashlib.algorithms_guaranteed/_available: 2.7.9+ and 3.2+.
HAS_ALGORITHMS_GUARANTEED = hasattr(hashlib, "algorithms_guaranteed")
HAS_ALGORITHMS_AVAILABLE = hasattr(hashlib, "algorithms_available")

# os.getrandom: 3.6+ on Linux; os.urandom then uses getrandom(2), which also
# blocks until the kernel pool is initialised early in boot.
HAS_GETRANDOM = hasattr(os, "getrandom")

# os.urandom is C code that keeps its /dev/urandom descriptor open (or uses
# getrandom/the Windows API) on 2.7.9+ (bpo-21305) and 3.4+. Before that it
# was Python code in os.py that opened /dev/urandom on every call and failed
# under descriptor exhaustion.
URANDOM_IS_C = isinstance(os.urandom, _BUILTIN)

# secureshim's fd tier needs a POSIX /dev/urandom.
HAS_DEV_URANDOM = os.name == "posix"

# Each primitive and the module that declares its tiers (see _tier).
PRIMITIVES = {
    "compare_digest": "_compare_digest",
    "pbkdf2_hmac": "_pbkdf2",
    "urandom": "_urandom",
    "match_hostname": "_match_hostname",
    "create_default_context": "_tls",
    # Follows create_default_context's tier unless forced on its own.
    "wrap_socket": "_wrap_socket",
}  # type: Dict[str, str]

ENV = "SECURESHIM_FORCE"


def _tier_names():
    # type: () -> Dict[str, Tuple[str, ...]]
    from . import _tier

    return dict((name, p.names) for name, p in _tier.primitives().items())


def parse_force(value):
    # type: (str) -> Dict[str, str]
    """Parse a ``SECURESHIM_FORCE`` value into ``{primitive: tier}``.

    Raises ``ValueError`` naming the valid choices for anything unknown.
    Reads the tiers' names from their records, without probing any.
    """
    forced = {}  # type: Dict[str, str]
    tiers = {}  # type: Dict[str, Tuple[str, ...]]
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        tiers = tiers or _tier_names()
        name, sep, tier = item.partition("=")
        name, tier = name.strip(), tier.strip()
        if not sep or name not in tiers or tier not in tiers[name]:
            raise ValueError(
                "%s: cannot understand %r; valid choices are %s"
                % (ENV, item, "; ".join(
                    "%s=%s" % (n, "|".join(tiers[n])) for n in sorted(tiers)))
            )
        if name in forced and forced[name] != tier:
            raise ValueError(
                "%s: %s is forced twice (%s and %s)"
                % (ENV, name, forced[name], tier)
            )
        forced[name] = tier
    return forced


def _cli_reports(error):
    # type: (ValueError) -> bool
    """True when this import runs the command line, which then reports
    ``error`` as one line (``_cli/startup.py``); otherwise it is raised."""
    from ._cli import startup

    return startup.defer(error, __name__.rpartition(".")[0])


# primitive -> forced tier, from SECURESHIM_FORCE, filled in by the package
# at import.
FORCED = {}  # type: Dict[str, str]

# primitive -> tier in use, filled in by each primitive's first choice.
CHOSEN = {}  # type: Dict[str, str]


class SSLFlags(object):
    """What the ``ssl`` module has: attributes, so that a misspelt flag
    fails in mypy rather than at run time (``ssl_flags().HAS_SNI``)."""

    def __init__(self, ssl):
        # type: (Any) -> None
        self.HAS_SSL = ssl is not None
        # 2.7.9+ (PEP 466) and 3.2+.
        self.HAS_SSLCONTEXT = hasattr(ssl, "SSLContext")
        # 2.7.9+ (PEP 466) and 3.4+.
        self.HAS_CREATE_DEFAULT_CONTEXT = hasattr(ssl, "create_default_context")
        # 2.7.9+ and 3.2-3.11; removed in 3.12 (gh-94199).
        self.HAS_MATCH_HOSTNAME = hasattr(ssl, "match_hostname")
        # 2.7.9+ and 3.2+, when OpenSSL supports SNI.
        self.HAS_SNI = bool(getattr(ssl, "HAS_SNI", False))
        # PROTOCOL_TLSv1_2 exists with OpenSSL 1.0.1+ on 2.7.9+ and 3.4+; 3.7+
        # also says it with HAS_TLSv1_2 (and PROTOCOL_TLSv1_2 is deprecated).
        self.HAS_TLSv1_2 = bool(
            getattr(ssl, "HAS_TLSv1_2", hasattr(ssl, "PROTOCOL_TLSv1_2"))
        )
        # 2.7.15+ and 3.7+ with OpenSSL 1.1.1+ (bpo-32947).
        self.HAS_TLSv1_3 = bool(getattr(ssl, "HAS_TLSv1_3", False))
        context = getattr(ssl, "SSLContext", None)
        # 3.7+, when OpenSSL has X509_VERIFY_PARAM_set_hostflags (bpo-31399).
        self.HAS_HOSTNAME_CHECKS_COMMON_NAME = hasattr(context, "hostname_checks_common_name")
        # 2.7.0-3.11; deprecated in 3.7 and removed in 3.12 (gh-94199).
        self.HAS_WRAP_SOCKET = hasattr(ssl, "wrap_socket")
        # 3.7+ with OpenSSL 1.1.0g+ (bpo-32609).
        self.HAS_MINIMUM_VERSION = hasattr(context, "minimum_version")
        # 2.7.9+ and 3.4+ (bpo-18143).
        self.HAS_DEFAULT_VERIFY_PATHS = hasattr(ssl, "get_default_verify_paths")
        # 2.7.12+ only, PEP 493's runtime switch; never in 3.x.
        self.HAS_HTTPS_VERIFY_SWITCH = hasattr(ssl, "_https_verify_certificates")
        # 2.7.9+ (PEP 476) and 3.4.3+.
        self.HAS_DEFAULT_HTTPS_CONTEXT = hasattr(ssl, "_create_default_https_context")
        self.OPENSSL_VERSION = getattr(ssl, "OPENSSL_VERSION", None)  # type: Optional[str]
        # A tuple (major, minor, fix, patch, status): 2.7.0+ and 3.2+.
        self.OPENSSL_VERSION_INFO = getattr(
            ssl, "OPENSSL_VERSION_INFO", None
        )  # type: Optional[Tuple[int, ...]]


_SSL_FLAGS = []  # type: List[SSLFlags]


def ssl_flags():
    # type: () -> SSLFlags
    """TLS capability flags, computed on first call (this imports ``ssl``)."""
    if not _SSL_FLAGS:
        try:
            import ssl
        except ImportError:  # Python built without OpenSSL
            ssl = None  # type: ignore[assignment]
        _SSL_FLAGS.append(SSLFlags(ssl))
    return _SSL_FLAGS[0]


_IDNA_BACKEND = []  # type: List[str]


def idna_backend():
    # type: () -> str
    """How match_hostname converts non-ASCII hostnames, decided on first call.

    ``"idna"``: IDNA 2008 with UTS 46 mapping, by the ``idna`` package
    (imported here, about 1.5 ms). ``"stdlib"``: the stdlib's IDNA 2003
    codec, when ``idna`` cannot be imported.
    """
    if not _IDNA_BACKEND:
        try:
            import idna
        except ImportError:
            backend = "stdlib"
        else:
            # uts46_remap and alabel: idna 2.0+ (2013).
            ok = hasattr(idna, "uts46_remap") and hasattr(idna, "alabel")
            backend = "idna" if ok else "stdlib"
        _IDNA_BACKEND.append(backend)
    return _IDNA_BACKEND[0]
