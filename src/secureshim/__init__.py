"""secureshim: the stdlib's security primitives on every Python, 2.7 to 3.13.

Each name is the stdlib's own function where the interpreter has a good one,
and secureshim's implementation where it does not; :func:`backends` says
which. Weaker choices warn once, at first use, with a
:class:`SecureShimWarning` subclass.
"""
from __future__ import absolute_import, division, print_function

import importlib
import sys

from . import _detect, _urandom
from ._algorithms import algorithms_available, algorithms_guaranteed
from ._compare_digest import compare_digest
from ._inject import extract_from_stdlib, inject_into_stdlib
from ._pbkdf2 import pbkdf2_hmac
from ._urandom import urandom
from .exceptions import (
    DegradedSecurityWarning,
    InsecurePlatformWarning,
    SecureShimWarning,
    SNIMissingWarning,
    TrustStoreWarning,
    UnverifiedContextWarning,
)

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Dict, List  # noqa: F401

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "algorithms_available",
    "algorithms_guaranteed",
    "backends",
    "compare_digest",
    "extract_from_stdlib",
    "inject_into_stdlib",
    "match_hostname",
    "pbkdf2_hmac",
    "urandom",
    "wrap_socket",
    "apply_https_verify_policy",
    "ca_source",
    "create_default_context",
    "create_unverified_context",
    "https_verify_certificates",
    "https_verify_state",
    "CASource",
    "Purpose",
    "SSLContext",
    "CertificateError",
    "DegradedSecurityWarning",
    "InsecurePlatformWarning",
    "SecureShimWarning",
    "SNIMissingWarning",
    "TrustStoreWarning",
    "UnverifiedContextWarning",
]


# Public names whose modules import ssl (13 ms on 3.11), mapped to the
# private module that defines them. They load on first access through a
# module __getattr__ (PEP 562, 3.7+); 2.7 and 3.6 have no module __getattr__
# and load them at import.
_LAZY = {
    "match_hostname": "_match_hostname",
    "CertificateError": "_match_hostname",
    "create_default_context": "_tls",
    "SSLContext": "_tls",
    "Purpose": "_tls",
    "ca_source": "_tls",
    "CASource": "_tls",
    "create_unverified_context": "_pep493",
    "https_verify_certificates": "_pep493",
    "apply_https_verify_policy": "_pep493",
    "https_verify_state": "_pep493",
    "wrap_socket": "_wrap_socket",
}  # type: Dict[str, str]
# The primitives among them, so that backends() and SECURESHIM_FORCE can
# reach their modules.
_LAZY_PRIMITIVES = dict(
    (name, module) for name, module in _LAZY.items() if name in _detect.TIERS
)  # type: Dict[str, str]


def _load(module):
    # type: (str) -> Any
    return importlib.import_module("." + module, __name__)


def __getattr__(name):
    # type: (str) -> Any
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    value = getattr(_load(module), name)
    globals()[name] = value
    return value


def __dir__():
    # type: () -> List[str]
    return sorted(set(globals()) | set(_LAZY))


if sys.version_info < (3, 7):
    for _name in _LAZY:
        try:
            globals()[_name] = __getattr__(_name)
        except ImportError:
            # No usable ssl module (a Python built without OpenSSL): the
            # primitives that need none must still import.
            pass
else:
    # A forced tier is checked at import, so a bad SECURESHIM_FORCE fails
    # here even for lazily loaded primitives.
    for _primitive in _detect.FORCED:
        if _primitive in _LAZY_PRIMITIVES:
            _load(_LAZY_PRIMITIVES[_primitive])


def backends():
    # type: () -> Dict[str, str]
    """Return ``{primitive: tier}`` for every primitive secureshim provides.

    Tiers: ``native`` (the stdlib's own implementation), ``openssl``
    (libcrypto called directly), ``python`` (secureshim's pure-Python
    implementation), ``getrandom`` (getrandom(2) through ctypes), ``fd``
    (secureshim's persistent-descriptor urandom),
    ``pyopenssl`` and ``legacy`` (TLS contexts over pyOpenSSL or over the
    old ``ssl.wrap_socket``; ``wrap_socket`` uses ``create_default_context``'s).
    """
    for module in set(_LAZY_PRIMITIVES.values()):
        try:
            _load(module)
        except ImportError:  # no usable ssl module: not provided here
            pass
    # Before 2.7.9 urandom's tier waits for its getrandom probe until asked.
    _urandom.resolve()
    return dict(_detect.CHOSEN)
