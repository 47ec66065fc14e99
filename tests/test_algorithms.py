"""algorithms_guaranteed / algorithms_available."""
from __future__ import absolute_import, division, print_function

import hashlib

import pytest

import secureshim
from secureshim import _algorithms


@pytest.mark.skipif(
    not hasattr(hashlib, "algorithms_guaranteed"),
    reason="hashlib.algorithms_guaranteed missing (before 2.7.9)",
)
def test_reexported_where_present():
    assert secureshim.algorithms_guaranteed is hashlib.algorithms_guaranteed
    assert secureshim.algorithms_available is hashlib.algorithms_available


SIX = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}


def test_computed_guaranteed_names_the_always_present_digests():
    # Exactly the six that 2.7.9 and 3.2 list (before blake2 and sha3, 3.6+),
    # and the same names as this interpreter's own set where it has one.
    computed = _algorithms.computed_algorithms_guaranteed()
    assert computed == SIX
    if hasattr(hashlib, "algorithms_guaranteed"):
        assert computed <= set(hashlib.algorithms_guaranteed)
    for name in computed:
        hashlib.new(name)


def test_computed_available_is_usable_and_covers_guaranteed():
    guaranteed = _algorithms.computed_algorithms_guaranteed()
    available = _algorithms.computed_algorithms_available(guaranteed)
    assert guaranteed <= available
    for name in available:
        hashlib.new(name)  # every listed name really works


@pytest.mark.skipif(
    not hasattr(hashlib, "algorithms_available"),
    reason="hashlib.algorithms_available missing (before 2.7.9)",
)
def test_computed_available_finds_what_openssl_offers():
    computed = _algorithms.computed_algorithms_available(
        _algorithms.computed_algorithms_guaranteed()
    )
    # Names hashlib lists that the probe could know about must be found.
    usable = set()
    for name in hashlib.algorithms_available:
        try:
            hashlib.new(name)
        except ValueError:
            continue
        usable.add(name)
    for name in ("md5", "sha1", "sha256", "sha512"):
        assert name in computed
    # Without the guaranteed names as input, the probe alone must still find
    # every usable name it knows of: OpenSSL's list where _hashlib has one,
    # plus the common names. Only names newer than the 2.7.9 API (blake2,
    # sha3, shake: hashlib's own, not OpenSSL's by name) may be missed.
    probed = _algorithms.computed_algorithms_available(())
    known = set(_algorithms._COMMON_OPENSSL)
    try:
        import _hashlib

        known.update(getattr(_hashlib, "openssl_md_meth_names", ()))
    except ImportError:
        pass
    assert (usable & known) <= probed, (usable & known) - probed
    assert probed | SIX == computed
