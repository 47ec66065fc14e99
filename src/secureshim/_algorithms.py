"""hashlib.algorithms_guaranteed and hashlib.algorithms_available.

Both came in 2.7.9 and 3.2. Before that, 2.7 had only the tuple
``hashlib.algorithms`` (the six guaranteed names); what OpenSSL adds is
found by asking hashlib for each name OpenSSL lists, or knows.
"""
from __future__ import absolute_import, division, print_function

import hashlib

from . import _detect
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import AbstractSet, Iterable, Set  # noqa: F401

# What every CPython 2.7 and 3.x hashlib provides without OpenSSL.
_GUARANTEED_27 = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")

# Names OpenSSL builds commonly provide, probed where hashlib cannot list them.
_COMMON_OPENSSL = (
    "md4", "ripemd160", "whirlpool", "sha512_224", "sha512_256", "sm3",
    "md5-sha1", "mdc2",
)


def _usable(name):
    # type: (str) -> bool
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


def computed_algorithms_guaranteed():
    # type: () -> Set[str]
    """The guaranteed set, computed as 2.7.9 does, for older interpreters."""
    # hashlib.algorithms: 2.7.0-2.7.x only (removed in 3.x); the six names.
    return set(getattr(hashlib, "algorithms", _GUARANTEED_27))


def computed_algorithms_available(guaranteed):
    # type: (Iterable[str]) -> Set[str]
    """Every name ``hashlib.new`` accepts that can be found without the
    2.7.9+ API: the guaranteed ones plus OpenSSL's, probed by name."""
    try:
        import _hashlib

        # openssl_md_meth_names: _hashlib of 2.7.9+ and 3.3+ lists OpenSSL's
        # digests; older ones do not, and the common names are probed.
        names = set(getattr(_hashlib, "openssl_md_meth_names", ()))
    except ImportError:
        names = set()
    names.update(_COMMON_OPENSSL)
    found = set(guaranteed)
    found.update(name for name in names if _usable(name))
    return found


if _detect.HAS_ALGORITHMS_GUARANTEED:
    algorithms_guaranteed = hashlib.algorithms_guaranteed  # type: AbstractSet[str]
else:
    algorithms_guaranteed = computed_algorithms_guaranteed()

if _detect.HAS_ALGORITHMS_AVAILABLE:
    algorithms_available = hashlib.algorithms_available  # type: AbstractSet[str]
else:
    algorithms_available = computed_algorithms_available(algorithms_guaranteed)
