"""secureshim: the stdlib's security primitives on every Python, 2.7 to 3.15, PyPy and Pyodide.

Each name is the stdlib's own function where the interpreter has a good one,
and secureshim's implementation where it does not; :func:`backends` says
which. Weaker choices warn once, at first use, with a
:class:`SecureShimWarning` subclass.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

from . import _detect
from ._compat import PY2
from ._typing import TYPE_CHECKING
from .exceptions import (
    DegradedSecurityWarning,
    InsecurePlatformWarning,
    SecureShimWarning,
    SNIMissingWarning,
    TrustStoreWarning,
    UnverifiedContextWarning,
)

if TYPE_CHECKING:  # pragma: no cover
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


# Every other public name, mapped to the private module that defines it.
# Each loads at its first access (see _Package), so that ``import
# secureshim`` probes nothing and imports neither ssl nor ctypes. A
# primitive's name is bound to its chosen tier (see _tier).
_LAZY = {
    "algorithms_available": "_algorithms",
    "algorithms_guaranteed": "_algorithms",
    "compare_digest": "_compare_digest",
    "pbkdf2_hmac": "_pbkdf2",
    "urandom": "_urandom",
    "match_hostname": "_match_hostname",
    "CertificateError": "_match_hostname",
    "create_default_context": "_tls",
    "SSLContext": "_tls",
    "Purpose": "_tls_base",
    "ca_source": "_trust",
    "CASource": "_trust",
    "create_unverified_context": "_pep493",
    "https_verify_certificates": "_pep493",
    "apply_https_verify_policy": "_pep493",
    "https_verify_state": "_pep493",
    "extract_from_stdlib": "_inject",
    "inject_into_stdlib": "_inject",
    "wrap_socket": "_wrap_socket",
}  # type: Dict[str, str]


def _load(name):
    # type: (str) -> Any
    import importlib

    module = importlib.import_module("." + _LAZY[name], __name__)
    primitive = getattr(module, "PRIMITIVE", None)
    if primitive is not None and name in primitive.exports:
        return primitive.get(name)
    return getattr(module, name)


# type(sys): types.ModuleType without importing types, which pulls in
# functools and collections on 3.6.
class _Package(type(sys)):  # type: ignore[misc]
    """This package, with its public names loaded at first access.

    A module ``__getattr__`` (PEP 562) would do on 3.7+; this works on every
    interpreter. ``from secureshim import x`` and ``secureshim.x`` both
    come here once, then find ``x`` in the module's namespace.
    """

    def __getattr__(self, name):
        # type: (str) -> Any
        if name not in _LAZY:
            raise AttributeError("module %r has no attribute %r" % (self.__name__, name))
        value = _load(name)
        setattr(self, name, value)
        return value

    def __dir__(self):
        # type: () -> List[str]
        return sorted(set(self.__dict__) | set(_LAZY))


def backends():
    # type: () -> Dict[str, str]
    """Return ``{primitive: tier}`` for every primitive secureshim provides.

    Tiers: ``native`` (the stdlib's own implementation), ``openssl``
    (libcrypto called directly), ``python`` (secureshim's pure-Python
    implementation), ``getrandom`` (getrandom(2) through ctypes), ``fd``
    (secureshim's persistent-descriptor urandom),
    ``pyopenssl`` and ``legacy`` (TLS contexts over pyOpenSSL or over the
    old ``ssl.wrap_socket``; ``wrap_socket`` uses ``create_default_context``'s).
    Chooses every primitive not used yet.
    """
    from . import _tier

    for primitive in _tier.primitives().values():
        primitive.choose()
    return dict(_detect.CHOSEN)


# SECURESHIM_FORCE is checked here, so that a bad value fails at import:
# the names against the tiers' records, and a forced tier's probe (only
# that primitive's), so that one that cannot run here fails too.
def _check_force():
    # type: () -> None
    try:
        forced = _detect.parse_force(os.environ.get(_detect.ENV, ""))
    except ValueError as exc:
        if not _detect._cli_reports(exc):
            raise
        forced = {}  # the command line reports it and stops
    _detect.FORCED.update(forced)
    if _detect.FORCED:
        from . import _tier

        for name in _detect.FORCED:
            _tier.REGISTRY[name].choose()


_check_force()

# Module __class__ assignment: 3.5+ (bpo-22986). 2.7 gets a new module
# object in sys.modules, which the import system hands out from then on;
# the old one is kept alive, as 2.7 clears a module's namespace when it is
# freed, and this namespace is the one this module's functions read.
if not PY2:
    sys.modules[__name__].__class__ = _Package
else:  # pragma: no cover (Python 2)
    _package = _Package(__name__, __doc__)
    _package.__dict__.update(sys.modules[__name__].__dict__)
    _package._original = sys.modules[__name__]  # type: ignore[attr-defined]
    sys.modules[__name__] = _package
