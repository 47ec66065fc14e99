"""docs/pbkdf2.md's claim about digest names, read from the page itself.

The page lists names whose fate differs between interpreters and says that
every tier accepts exactly the names ``hashlib.new`` accepts here. This
test parses that list (between the ``pbkdf2-names`` markers), so the page
cannot claim a name the code refuses, or the other way round.
"""
from __future__ import absolute_import, division, print_function

import hashlib
import io
import os
import re
import warnings

import pytest

from secureshim import _pbkdf2

DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "pbkdf2.md")


def documented_names(marker="pbkdf2-names"):
    with io.open(DOC, encoding="utf-8") as handle:
        text = handle.read()
    found = re.search(r"<!-- %s -->(.*?)<!-- /%s -->" % (marker, marker), text, re.S)
    assert found, "docs/pbkdf2.md lost its %s list" % marker
    names = re.findall(r"`([^`]+)`", found.group(1))
    assert names, marker
    return [str(name) for name in names]


def _accepts(func, name):
    with warnings.catch_warnings():
        # The openssl tier's public function warns when it hands a digest
        # to the python tier; the outcome is what is checked here.
        warnings.simplefilter("ignore")
        try:
            func(name, b"password", b"salt", 2)
        except ValueError:
            return False
    return True


def _hashlib_knows(name):
    try:
        hashlib.new(name)
    except ValueError:
        return False
    # hashlib.new knows names without a fixed digest size (SHAKE); no HMAC.
    return hashlib.new(name).digest_size > 0


TIERS = [("python", _pbkdf2.python_pbkdf2_hmac), ("openssl", _pbkdf2._openssl_then_python)]


@pytest.mark.parametrize("name", documented_names())
@pytest.mark.parametrize("tier,func", TIERS, ids=[t for t, _ in TIERS])
def test_documented_name_is_accepted_exactly_where_hashlib_new_accepts_it(tier, func, name):
    if tier == "openssl" and _pbkdf2._libcrypto()[0] is None:
        pytest.skip("libcrypto's PKCS5_PBKDF2_HMAC cannot be loaded here")
    assert _accepts(func, name) == _hashlib_knows(name), (tier, name)


@pytest.mark.parametrize("name", documented_names("pbkdf2-refused"))
@pytest.mark.parametrize("tier,func", TIERS, ids=[t for t, _ in TIERS])
def test_documented_alias_is_refused_everywhere(tier, func, name):
    if tier == "openssl" and _pbkdf2._libcrypto()[0] is None:
        pytest.skip("libcrypto's PKCS5_PBKDF2_HMAC cannot be loaded here")
    assert not _accepts(func, name), (tier, name)
    assert not _hashlib_knows(name)
