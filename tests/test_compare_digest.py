"""compare_digest: every tier against the native function and Wycheproof."""
from __future__ import absolute_import, division, print_function

import array
import binascii
import hashlib
import hmac
import json
import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import secureshim
from secureshim._compare_digest import python_compare_digest

from .conftest import VECTORS

PY2 = sys.version_info[0] == 2
NATIVE = getattr(hmac, "compare_digest", None)
needs_native = pytest.mark.skipif(
    NATIVE is None, reason="hmac.compare_digest missing (before 2.7.7)"
)

# Every tier that can run here; the python tier always can.
TIERS = [python_compare_digest] + ([NATIVE] if NATIVE else [])


@pytest.fixture(params=TIERS, ids=lambda f: f.__module__)
def compare(request):
    return request.param


def _wycheproof_cases():
    for digest in ("sha1", "sha256", "sha512"):
        path = os.path.join(VECTORS, "wycheproof", "hmac_%s_test.json" % digest)
        with open(path) as f:
            data = json.load(f)
        for group in data["testGroups"]:
            for case in group["tests"]:
                yield digest, group["tagSize"] // 8, case


WYCHEPROOF = list(_wycheproof_cases())


def test_wycheproof_vectors_are_loaded():
    assert len(WYCHEPROOF) > 300
    assert any(case["result"] == "invalid" for _, _, case in WYCHEPROOF)


@pytest.mark.parametrize("compare", TIERS, ids=lambda f: f.__module__)
def test_wycheproof_hmac_tags(compare):
    for digest, tag_len, case in WYCHEPROOF:
        key = binascii.unhexlify(case["key"])
        msg = binascii.unhexlify(case["msg"])
        tag = binascii.unhexlify(case["tag"])
        computed = hmac.new(key, msg, getattr(hashlib, digest)).digest()[:tag_len]
        assert compare(computed, tag) == (case["result"] == "valid"), case["tcId"]


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_differential_random_pairs(a, b):
    assert python_compare_digest(a, b) == (a == b)
    if NATIVE:
        assert python_compare_digest(a, b) == NATIVE(a, b)


@given(st.binary(min_size=1, max_size=4096), st.data())
def test_differential_one_byte_changed(a, data):
    i = data.draw(st.integers(0, len(a) - 1))
    flip = data.draw(st.integers(1, 255))
    b = bytearray(a)
    b[i] ^= flip
    b = bytes(b)
    assert python_compare_digest(a, a) is True
    assert python_compare_digest(a, b) is False
    assert python_compare_digest(b, a) is False


@given(st.binary(max_size=64), st.binary(min_size=1, max_size=8))
def test_prefix_and_extension_never_equal(a, tail):
    # Length mismatch must never be mistaken for equality, whatever the
    # trailing bytes are (the guard bytes are 0x03 and 0x07).
    assert python_compare_digest(a, a + tail) is False
    assert python_compare_digest(a + tail, a) is False
    assert python_compare_digest(a + b"\x03", a) is False
    assert python_compare_digest(a + b"\x04", a) is False


def test_return_type_is_bool(compare):
    assert compare(b"", b"") is True
    assert compare(b"a", b"b") is False


ASCII_TEXT = st.text(alphabet=st.characters(max_codepoint=127), max_size=40)


@given(ASCII_TEXT, ASCII_TEXT)
def test_ascii_strings_compare_like_native(a, b):
    a, b = type(u"")(a), type(u"")(b)
    assert python_compare_digest(a, b) == (a == b)
    if NATIVE:
        assert python_compare_digest(a, b) == NATIVE(a, b)


def _outcome(func, a, b):
    try:
        return func(a, b)
    except Exception as exc:  # noqa: BLE001 - the type is what we compare
        return type(exc)


TYPE_CASES = [
    ("bytes-bytearray", lambda: (b"ab", bytearray(b"ab"))),
    ("memoryview", lambda: (memoryview(b"ab"), b"ab")),
    ("bytearray-pair-differ", lambda: (bytearray(b"ab"), bytearray(b"ac"))),
    ("text-text-ascii", lambda: (u"abc", u"abc")),
    ("text-text-nonascii", lambda: (u"\xe9", u"\xe9")),
    ("text-text-nonascii-differ", lambda: (u"\xe9", u"\xe8")),
    ("bytes-text", lambda: (b"abc", u"abc")),
    ("text-bytes", lambda: (u"abc", b"abc")),
    ("int-int", lambda: (1, 1)),
    ("none-bytes", lambda: (None, b"")),
    ("bytes-none", lambda: (b"", None)),
    ("list-list", lambda: ([1], [1])),
    ("array-bytes", lambda: (array.array("i", [1]), b"\x01\x00\x00\x00")),
]
if not PY2:
    TYPE_CASES.append(("noncontiguous", lambda: (memoryview(b"abcd")[::2], b"ac")))
else:
    TYPE_CASES.append(("buffer", lambda: (buffer(b"ab"), b"ab")))  # noqa: F821


@needs_native
@pytest.mark.parametrize("name,make", TYPE_CASES, ids=[c[0] for c in TYPE_CASES])
def test_type_rules_match_native(name, make):
    a, b = make()
    expected = _outcome(NATIVE, a, b)
    assert _outcome(python_compare_digest, a, b) == expected


@pytest.mark.skipif(PY2, reason="2.7's native accepts non-ASCII unicode")
def test_non_ascii_text_message():
    with pytest.raises(TypeError) as info:
        python_compare_digest(u"\xe9", u"\xe9")
    assert "non-ASCII" in str(info.value)


def test_type_error_message_names_the_types():
    with pytest.raises(TypeError) as info:
        python_compare_digest(1, [1])
    assert "'int'" in str(info.value) and "'list'" in str(info.value)


def test_public_name_is_native_where_native_exists():
    if NATIVE is not None:
        assert secureshim.compare_digest is NATIVE
        assert secureshim.backends()["compare_digest"] == "native"
    else:  # pragma: no cover - interpreters before 2.7.7
        assert secureshim.compare_digest is python_compare_digest
