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


def test_computed_guaranteed_names_the_always_present_digests():
    computed = _algorithms.computed_algorithms_guaranteed()
    assert {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"} <= computed
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
    missing = usable - computed
    # Interpreters without algorithms_available (before 2.7.9) predate
    # blake2/sha3, so the probe must find the 2.7 guaranteed names and
    # OpenSSL's own list, and may miss only names newer than that.
    assert not (missing & _algorithms.computed_algorithms_guaranteed()), missing
    try:
        import _hashlib
    except ImportError:
        return
    for name in getattr(_hashlib, "openssl_md_meth_names", ()):
        if name in usable:
            assert name in computed, name
