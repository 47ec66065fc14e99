"""pbkdf2_hmac: every tier against published vectors, an independent
reference, the stdlib's own function and its error behaviour.

What runs where: the published vectors (RFC 6070, RFC 7914, the SHA-512
set and Wycheproof's five files) run on every tier that can run here
(``python`` always; ``openssl`` where libcrypto loads through ctypes;
``native`` where hashlib's function is OpenSSL's). The one 16,777,216
iteration vector (RFC 6070's, also Wycheproof's) is marked ``slow``; by
default it runs on the ``openssl`` tier only (4-5 s). With
SECURESHIM_SLOW_VECTORS=1 it also runs on the ``native`` tier (4 s) and on
the ``python`` tier (11 s on 3.11, 18 s on 2.7); ``-m "not slow"`` drops it.
"""
from __future__ import absolute_import, division, print_function

import array
import binascii
import hashlib
import hmac
import json
import os
import platform
import struct
import sys
import threading
import warnings
from functools import reduce
from operator import xor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import secureshim
from secureshim import _detect, _pbkdf2, features
from secureshim._pbkdf2 import openssl_pbkdf2_hmac, python_pbkdf2_hmac

from .conftest import VECTORS, run_python

PY2 = sys.version_info[0] == 2
STDLIB = getattr(hashlib, "pbkdf2_hmac", None)
NATIVE = STDLIB if _detect.PBKDF2_HMAC_OPENSSL else None
# The reference for the errors of the openssl and python tiers: CPython's
# C function (3.10+). PyPy's hashlib.pbkdf2_hmac runs OpenSSL's
# PKCS5_PBKDF2_HMAC too, so it is the native tier there, but its argument
# checks are PyPy's own Python code (lib_pypy's _hashlib, over cffi).
PYPY = platform.python_implementation() == "PyPy"
C_FUNCTION = NATIVE if platform.python_implementation() == "CPython" else None
LIBCRYPTO = _pbkdf2.libcrypto_path()
SLOW_EVERYWHERE = os.environ.get("SECURESHIM_SLOW_VECTORS") == "1"

needs_native = pytest.mark.skipif(
    NATIVE is None,
    reason="hashlib.pbkdf2_hmac is not OpenSSL's here (missing, or CPython's "
    "pure-Python fallback)",
)
needs_c_function = pytest.mark.skipif(
    C_FUNCTION is None,
    reason="hashlib.pbkdf2_hmac is not CPython's C function here (missing, "
    "CPython's pure-Python fallback, or PyPy's own over cffi)",
)
needs_libcrypto = pytest.mark.skipif(
    LIBCRYPTO is None,
    reason="libcrypto's PKCS5_PBKDF2_HMAC cannot be loaded through ctypes here: %s"
    % _pbkdf2._libcrypto()[1],
)

# (id, function, marks) of every tier; the ones that cannot run here skip
# with the missing feature as reason.
TIERS = [
    pytest.param(python_pbkdf2_hmac, id="python"),
    pytest.param(openssl_pbkdf2_hmac, id="openssl", marks=needs_libcrypto),
    pytest.param(NATIVE, id="native", marks=needs_native),
]


def _hex(data):
    return binascii.unhexlify(data.encode("ascii"))


def reference_pbkdf2(name, password, salt, iterations, dklen=None):
    """RFC 8018 section 5.2 written the obvious way over ``hmac.new``."""

    def new(data=b""):
        return hashlib.new(name, data)

    size = new().digest_size
    dklen = dklen or size
    out = b""
    index = 1
    while len(out) < dklen:
        u = hmac.new(password, salt + struct.pack(">I", index), new).digest()
        t = bytearray(u)
        for _ in range(iterations - 1):
            u = hmac.new(password, u, new).digest()
            for k, byte in enumerate(bytearray(u)):
                t[k] ^= byte
        out += bytes(t)
        index += 1
    return out[:dklen]


# --------------------------------------------------------------------------
# Published vectors.


def _published():
    """Every published vector once, whichever file it comes from."""
    seen = set()
    cases = []
    with open(os.path.join(VECTORS, "pbkdf2_published_vectors.json")) as f:
        for v in json.load(f):
            cases.append((v["source"], v["hash"], v["password"], v["salt"],
                          v["iterations"], v["dklen"], v["dk"]))
    for bits in ("1", "224", "256", "384", "512"):
        path = os.path.join(VECTORS, "wycheproof", "pbkdf2_hmacsha%s_test.json" % bits)
        with open(path) as f:
            data = json.load(f)
        for group in data["testGroups"]:
            for t in group["tests"]:
                assert t["result"] == "valid"
                cases.append(("Wycheproof sha%s tcId %d" % (bits, t["tcId"]),
                              "sha" + bits, t["password"], t["salt"],
                              t["iterationCount"], t["dkLen"], t["dk"]))
    unique = []
    for case in cases:
        key = case[1:]
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique


PUBLISHED = _published()
LARGE = 1 << 24
FAST_VECTORS = [c for c in PUBLISHED if c[4] < LARGE]
SLOW_VECTORS = [c for c in PUBLISHED if c[4] >= LARGE]


def test_published_vectors_are_loaded():
    hashes = set(case[1] for case in PUBLISHED)
    assert hashes == {"sha1", "sha224", "sha256", "sha384", "sha512"}
    assert len(FAST_VECTORS) > 290
    # RFC 6070's 2**24-iteration vector is also Wycheproof's: kept once.
    assert len(SLOW_VECTORS) == 1
    # Lengths beyond one digest, NUL bytes and 80,000 iterations are covered.
    assert any(case[5] > hashlib.new(case[1]).digest_size for case in FAST_VECTORS)
    assert any(b"\0" in _hex(case[2]) for case in FAST_VECTORS)
    assert any(case[4] == 80000 for case in FAST_VECTORS)


@pytest.mark.parametrize("derive", TIERS)
def test_published_vectors(derive):
    for source, name, password, salt, iterations, dklen, dk in FAST_VECTORS:
        got = derive(name, _hex(password), _hex(salt), iterations, dklen)
        assert got == _hex(dk), source


SLOW_TIERS = [
    pytest.param(openssl_pbkdf2_hmac, id="openssl", marks=[pytest.mark.slow, needs_libcrypto]),
]
if SLOW_EVERYWHERE:
    SLOW_TIERS += [
        pytest.param(NATIVE, id="native", marks=[pytest.mark.slow, needs_native]),
        pytest.param(python_pbkdf2_hmac, id="python", marks=pytest.mark.slow),
    ]


@pytest.mark.parametrize("derive", SLOW_TIERS)
def test_published_vectors_16777216_iterations(derive):
    for source, name, password, salt, iterations, dklen, dk in SLOW_VECTORS:
        got = derive(name, _hex(password), _hex(salt), iterations, dklen)
        assert got == _hex(dk), source


# --------------------------------------------------------------------------
# Differential: each tier against the reference and the stdlib.


def _digests():
    names = set(secureshim.algorithms_guaranteed)
    usable = []
    for name in sorted(names):
        try:
            h = hashlib.new(name)
        except ValueError:  # listed but refused (FIPS builds)
            continue
        if h.digest_size:  # SHAKE has none and cannot key an HMAC
            usable.append(name)
    return usable


DIGESTS = _digests()
CORE = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]


def test_guaranteed_digests_include_the_core_set():
    assert set(CORE) <= set(DIGESTS)


def _openssl_knows(name):
    try:
        openssl_pbkdf2_hmac(name, b"p", b"s", 1)
    except ValueError:
        return False
    return True


@needs_libcrypto
def test_openssl_tier_knows_the_core_digests():
    for name in CORE:
        assert _openssl_knows(name), name


def _stdlib_or_none(name, password, salt, iterations, dklen):
    """The stdlib's result, or None where it does not know the digest
    (3.7/3.8's OpenSSL function does not map sha3_*/blake2* names)."""
    if STDLIB is None:
        return None
    try:
        return STDLIB(name, password, salt, iterations, dklen)
    except ValueError:
        return None


WRAPPERS = [bytes, bytearray, memoryview]


@settings(deadline=None, max_examples=150)
@given(
    st.data(),
    st.sampled_from(DIGESTS),
    st.binary(max_size=300),
    st.binary(max_size=80),
    st.integers(1, 30),
    st.sampled_from(WRAPPERS),
)
def test_differential_all_tiers(data, name, password, salt, iterations, wrap):
    size = hashlib.new(name).digest_size
    dklen = data.draw(st.one_of(st.none(), st.integers(1, 3 * size)), label="dklen")
    expected = reference_pbkdf2(name, password, salt, iterations, dklen)
    assert len(expected) == (dklen or size)
    stdlib = _stdlib_or_none(name, password, salt, iterations, dklen)
    if stdlib is not None:
        assert stdlib == expected
    args = (name, wrap(password), wrap(salt), iterations, dklen)
    assert python_pbkdf2_hmac(*args) == expected
    if LIBCRYPTO is not None and _openssl_knows(name):
        assert openssl_pbkdf2_hmac(*args) == expected
    public = _outcome(secureshim.pbkdf2_hmac, name, password, salt, iterations, dklen)
    if secureshim.pbkdf2_hmac is NATIVE and stdlib is None:
        # 3.7/3.8's C function does not map blake2*/sha3_* to OpenSSL names.
        assert isinstance(public, type) and issubclass(public, ValueError)
    else:
        assert public == ("ok", expected)


@pytest.mark.parametrize("derive", TIERS)
@pytest.mark.parametrize("name", CORE)
def test_every_core_digest_with_long_password_and_multi_block_key(derive, name):
    size = hashlib.new(name).digest_size
    password = bytes(bytearray(range(256))) * 2  # longer than any block size
    salt = b"\0salt\0" * 10
    for dklen in (1, size - 1, size, size + 1, 3 * size):
        expected = reference_pbkdf2(name, password, salt, 3, dklen)
        assert derive(name, password, salt, 3, dklen) == expected


@pytest.mark.parametrize("derive", TIERS)
def test_empty_password_and_salt(derive):
    for name in CORE:
        assert derive(name, b"", b"", 2) == reference_pbkdf2(name, b"", b"", 2)


@pytest.mark.parametrize("iterations", range(1, 24))
def test_python_tier_chunk_boundaries(monkeypatch, iterations):
    # A chunk of 3 digests exercises every odd/even step of the XOR fold.
    monkeypatch.setattr(_pbkdf2, "_CHUNK", 3)
    for name in ("sha1", "sha512"):
        expected = reference_pbkdf2(name, b"pw", b"salt", iterations, 70)
        assert python_pbkdf2_hmac(name, b"pw", b"salt", iterations, 70) == expected


def test_python_tier_at_real_chunk_boundaries():
    chunk = _pbkdf2._CHUNK
    oracle = NATIVE or (openssl_pbkdf2_hmac if LIBCRYPTO else reference_pbkdf2)
    for iterations in (chunk, chunk + 1, chunk + 2, 2 * chunk + 1):
        assert python_pbkdf2_hmac("sha256", b"pw", b"salt", iterations) == oracle(
            "sha256", b"pw", b"salt", iterations
        )


@given(st.lists(st.integers(0, (1 << 160) - 1), min_size=1, max_size=70))
def test_xor_fold_is_the_xor_of_the_words(words):
    packed = 0
    for word in words:
        packed = (packed << 160) | word
    assert _pbkdf2._xor_fold(packed, 160, len(words)) == reduce(xor, words)


# --------------------------------------------------------------------------
# Names of digests.


def _hashlib_knows(name):
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


@needs_libcrypto
def test_openssl_tier_names_digests_as_hashlib_new():
    # The names this interpreter's hashlib knows, no more (OpenSSL's own
    # lookup also takes aliases such as RSA-SHA256), with hashlib's case
    # handling: 3.9+ hand names to OpenSSL, 2.7 and 3.6 do not.
    for name in ("sha256", "SHA256", "Sha256", "sha-256", "SHA-256", u"sha256",
                 "RSA-SHA256", "sha1WithRSAEncryption"):
        if _hashlib_knows(name):
            # 3.7/3.8's hashlib.new also takes OpenSSL aliases (the last is
            # SHA-1).
            expected = reference_pbkdf2(name, b"pw", b"salt", 2)
            assert openssl_pbkdf2_hmac(name, b"pw", b"salt", 2) == expected, name
        else:
            with pytest.raises(ValueError) as info:
                openssl_pbkdf2_hmac(name, b"pw", b"salt", 2)
            assert "unsupported hash type" in str(info.value), name
    # Python's names for digests OpenSSL spells differently (as 3.9+ does).
    for name in ("sha3_256", "blake2b", "blake2s", "sha512_256"):
        if name in hashlib.algorithms_available and _openssl_knows(name):
            assert openssl_pbkdf2_hmac(name, b"pw", b"salt", 2) == reference_pbkdf2(
                name, b"pw", b"salt", 2
            )


# Not "null": hashlib.new knows it, libcrypto has no digest by that name for
# PBKDF2, so the openssl tier says "unsupported hash type" where the C
# function fails later with a plain ValueError (both are ValueErrors).
TRICKY_NAMES = ("sha256", "SHA256", "Sha256", "sha-256", "RSA-SHA256",
                "sha1WithRSAEncryption", "md4", "whirlpool", "shake_128",
                "SHAKE128", "sha3_256", "SHA3-256", "ripemd160", "sm3")


@needs_libcrypto
@pytest.mark.skipif(
    NATIVE is None,
    reason="hashlib.pbkdf2_hmac is not OpenSSL's here (2.7.18/3.6.15 of pyenv)",
)
@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_openssl_tier_accepts_and_refuses_names_as_native(name):
    native = _outcome(NATIVE, name, b"pw", b"salt", 2)
    ours = _outcome(openssl_pbkdf2_hmac, name, b"pw", b"salt", 2)
    if isinstance(native, tuple):  # ("ok", key)
        assert ours == native
    elif isinstance(ours, tuple) and _hashlib_knows(name):
        # A deliberate superset: 3.7/3.8's C function refuses sha3/blake2
        # names that their hashlib.new knows; secureshim derives them.
        assert ours == ("ok", reference_pbkdf2(name, b"pw", b"salt", 2))
    else:
        assert ours is native, (ours, native)


def test_python_tier_names_digests_as_hashlib_new():
    for name in ("sha256", "SHA256", "Sha256", "sha-256", "SHA-256", "bogus"):
        try:
            hashlib.new(name)
        except ValueError:
            with pytest.raises(ValueError) as info:
                python_pbkdf2_hmac(name, b"pw", b"salt", 2)
            assert "unsupported hash type" in str(info.value)
        else:
            assert python_pbkdf2_hmac(name, b"pw", b"salt", 2) == reference_pbkdf2(
                name, b"pw", b"salt", 2
            )


# --------------------------------------------------------------------------
# Error behaviour: types and order of the checks, as the C function's.


def _outcome(func, *args, **kwargs):
    with warnings.catch_warnings():
        # 3.8/3.9's C function warns when dklen is a float.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            result = func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the type is what we compare
            return type(exc)
    return ("ok", result)


INT_MAX = 2 ** 31 - 1
# (id, args, kwargs, what the C function raises). Cases marked "fallback"
# are ones where CPython's pure-Python fallback (2.7.18, 3.6.15 here)
# agrees with the C function, so they are compared with it too.
TEXT = u"pw"
ERROR_CASES = [
    ("iterations-0", ("sha1", b"pw", b"salt", 0), {}, ValueError, "fallback"),
    ("iterations-negative", ("sha1", b"pw", b"salt", -1), {}, ValueError, "fallback"),
    ("dklen-0", ("sha1", b"pw", b"salt", 1, 0), {}, ValueError, "fallback"),
    ("dklen-negative", ("sha1", b"pw", b"salt", 1, -5), {}, ValueError, "fallback"),
    ("dklen-keyword-0", ("sha1", b"pw", b"salt", 1), {"dklen": 0}, ValueError, "fallback"),
    ("unknown-hash", ("bogus", b"pw", b"salt", 1), {}, ValueError, "fallback"),
    ("empty-hash", ("", b"pw", b"salt", 1), {}, ValueError, "fallback"),
    ("unknown-hash-before-iterations", ("bogus", b"pw", b"salt", 0), {}, ValueError, "fallback"),
    ("iterations-before-dklen", ("sha1", b"pw", b"salt", 0, 1.5), {}, ValueError, "fallback"),
    ("iterations-2**31", ("sha1", b"pw", b"salt", INT_MAX + 1), {}, OverflowError, ""),
    ("iterations-2**32", ("sha1", b"pw", b"salt", 2 ** 32), {}, OverflowError, ""),
    ("iterations-2**64", ("sha1", b"pw", b"salt", 2 ** 64), {}, OverflowError, ""),
    ("iterations--2**64", ("sha1", b"pw", b"salt", -(2 ** 64)), {}, OverflowError, ""),
    ("dklen-2**31", ("sha1", b"pw", b"salt", 1, INT_MAX + 1), {}, OverflowError, ""),
    ("dklen-2**40", ("sha1", b"pw", b"salt", 1, 2 ** 40), {}, OverflowError, ""),
    ("dklen-2**64", ("sha1", b"pw", b"salt", 1, 2 ** 64), {}, OverflowError, ""),
    ("dklen--2**64", ("sha1", b"pw", b"salt", 1, -(2 ** 64)), {}, OverflowError, ""),
    ("iterations-float", ("sha1", b"pw", b"salt", 1.0), {}, TypeError, "fallback"),
    ("iterations-none", ("sha1", b"pw", b"salt", None), {}, TypeError, ""),
    ("iterations-text", ("sha1", b"pw", b"salt", "1"), {}, TypeError, ""),
    ("dklen-text", ("sha1", b"pw", b"salt", 1, "20"), {}, TypeError, ""),
    ("hash-none", (None, b"pw", b"salt", 1), {}, TypeError, "fallback"),
    ("hash-int", (1, b"pw", b"salt", 1), {}, TypeError, "fallback"),
    ("password-none", ("sha1", None, b"salt", 1), {}, TypeError, "fallback"),
    ("password-int", ("sha1", 5, b"salt", 1), {}, TypeError, "fallback"),
    ("salt-list", ("sha1", b"pw", [1], 1), {}, TypeError, "fallback"),
    ("too-few", ("sha1", b"pw", b"salt"), {}, TypeError, "fallback"),
    ("too-many", ("sha1", b"pw", b"salt", 1, 2, 3), {}, TypeError, "fallback"),
    ("unknown-keyword", ("sha1", b"pw", b"salt", 1), {"bogus": 1}, TypeError, "fallback"),
]
if PY2:
    ERROR_CASES += [
        ("hash-nul", ("sha1\0", b"pw", b"salt", 1), {}, TypeError, ""),
        ("password-non-ascii-unicode", ("sha1", u"\xe9", b"salt", 1), {}, UnicodeEncodeError, ""),
    ]
else:
    ERROR_CASES += [
        ("password-str", ("sha1", TEXT, b"salt", 1), {}, TypeError, "fallback"),
        ("salt-str", ("sha1", b"pw", TEXT, 1), {}, TypeError, "fallback"),
        ("str-password-before-unknown-hash", ("bogus", TEXT, b"salt", 1), {}, TypeError, ""),
        ("str-password-before-iterations", ("sha1", TEXT, b"salt", 0), {}, TypeError, "fallback"),
        ("hash-bytes", (b"sha1", b"pw", b"salt", 1), {}, TypeError, "fallback"),
        ("hash-nul", ("sha1\0", b"pw", b"salt", 1), {}, ValueError, ""),
        ("noncontiguous-buffer", ("sha1", memoryview(b"pwxx")[::2], b"salt", 1), {}, BufferError, ""),
        ("dklen-float", ("sha1", b"pw", b"salt", 1, 20.0), {}, TypeError, ""),
    ]

ERROR_IDS = [case[0] for case in ERROR_CASES]

# Where the native tier (hashlib.pbkdf2_hmac, hence secureshim.pbkdf2_hmac
# itself) does not raise the reference's type: case id -> the outcomes it
# may have instead ("ok": it returns a key). docs/pbkdf2.md lists them.
NATIVE_DIVERGENCES = {
    # 3.7-3.9's C function truncates a float dklen (with a
    # DeprecationWarning on 3.8 and 3.9); 3.10+ and secureshim refuse it.
    "dklen-float": ("ok",),
}
if PYPY:
    # PyPy 7.3's _hashlib.pbkdf2_hmac: the digest and the values are
    # checked before password and salt are converted, the value checks
    # compare with 1 before any C conversion, password and salt go through
    # bytes() (an int n is n NUL bytes, a list of ints its bytes, a strided
    # view its elements), the name goes to OpenSSL as a C string (cut at the
    # NUL), and a dklen-byte buffer is allocated before the C call converts
    # dklen to int.
    NATIVE_DIVERGENCES.update({
        "iterations--2**64": (ValueError,),
        "dklen--2**64": (ValueError,),
        "dklen-2**40": (MemoryError,),
        # The 2 GiB buffer comes before the OverflowError; a host with strict
        # overcommit (vm.overcommit_memory=2) refuses it.
        "dklen-2**31": (MemoryError,),
        "password-int": ("ok",),
        "salt-list": ("ok",),
        "str-password-before-unknown-hash": (ValueError,),
        "str-password-before-iterations": (ValueError,),
        "hash-nul": ("ok",),
        "noncontiguous-buffer": ("ok",),
    })


def _raised(outcome, expected):
    return isinstance(outcome, type) and issubclass(outcome, expected)


@pytest.mark.parametrize("derive", TIERS[:2])
@pytest.mark.parametrize("case", ERROR_CASES, ids=ERROR_IDS)
def test_errors_are_the_c_functions(derive, case):
    name, args, kwargs, expected, _ = case
    outcome = _outcome(derive, *args, **kwargs)
    assert outcome == expected or (
        isinstance(outcome, type) and issubclass(outcome, expected)
    ), outcome


@needs_native
@pytest.mark.parametrize("case", ERROR_CASES, ids=ERROR_IDS)
def test_public_function_errors_are_the_native_functions(case):
    # With the native tier, secureshim.pbkdf2_hmac is this interpreter's
    # hashlib.pbkdf2_hmac (PyPy's on PyPy): its errors are the stdlib's
    # because it is the stdlib's function. That function raises the
    # reference's types except where NATIVE_DIVERGENCES (and the docs) say.
    name, args, kwargs, expected, _ = case
    assert secureshim.pbkdf2_hmac is NATIVE
    native = _outcome(NATIVE, *args, **kwargs)
    if not _raised(native, expected):
        kind = native[0] if isinstance(native, tuple) else native
        assert kind in NATIVE_DIVERGENCES.get(name, ()), (
            "undocumented divergence from the C function: %r" % (native,)
        )


@needs_native
@pytest.mark.parametrize("derive", TIERS[:2])
@pytest.mark.parametrize("case", ERROR_CASES, ids=ERROR_IDS)
def test_errors_match_the_native_function(derive, case):
    # The fallback tiers follow the reference; where the native function
    # does too, they raise exactly its class (UnsupportedDigestmodError on
    # 3.11+, say), and where it diverges they keep the reference's.
    name, args, kwargs, expected, _ = case
    native = _outcome(NATIVE, *args, **kwargs)
    ours = _outcome(derive, *args, **kwargs)
    if _raised(native, expected):
        assert ours is native
    else:
        assert name in NATIVE_DIVERGENCES
        assert _raised(ours, expected), ours


@pytest.mark.skipif(
    STDLIB is None or NATIVE is not None,
    reason="only where hashlib.pbkdf2_hmac is CPython's pure-Python fallback",
)
@pytest.mark.parametrize("derive", TIERS[:2])
@pytest.mark.parametrize(
    "case", [c for c in ERROR_CASES if c[4]], ids=[c[0] for c in ERROR_CASES if c[4]]
)
def test_errors_match_the_python_fallback_where_it_agrees_with_c(derive, case):
    name, args, kwargs, expected, _ = case
    fallback = _outcome(STDLIB, *args, **kwargs)
    assert isinstance(fallback, type) and issubclass(fallback, expected)
    outcome = _outcome(derive, *args, **kwargs)
    assert isinstance(outcome, type) and issubclass(outcome, expected)


@pytest.mark.parametrize(
    "derive",
    TIERS[:2] + [pytest.param(C_FUNCTION, id="native", marks=needs_c_function)],
)
def test_error_messages(derive):
    with pytest.raises(ValueError) as info:
        derive("sha1", b"pw", b"salt", 0)
    assert "iteration value must be greater than 0" in str(info.value)
    with pytest.raises(ValueError) as info:
        derive("sha1", b"pw", b"salt", 1, 0)
    assert "key length must be greater than 0" in str(info.value)
    # Where a C long is 32 bits (wasm32 under Pyodide, Windows, 32-bit
    # Linux), INT_MAX + 1 already fails the conversion to a C long.
    narrow_long = struct.calcsize("l") == 4
    with pytest.raises(OverflowError) as info:
        derive("sha1", b"pw", b"salt", INT_MAX + 1)
    assert ("C long" if narrow_long else "iteration value is too great") in str(info.value)
    with pytest.raises(OverflowError) as info:
        derive("sha1", b"pw", b"salt", 1, INT_MAX + 1)
    assert ("C long" if narrow_long else "key length is too great") in str(info.value)
    with pytest.raises(ValueError) as info:
        derive("bogus", b"pw", b"salt", 1)
    assert "unsupported" in str(info.value)
    if not PY2:
        with pytest.raises(TypeError) as info:
            derive("sha1", u"pw", b"salt", 1)
        assert "bytes-like object is required, not 'str'" in str(info.value)


@pytest.mark.parametrize("derive", TIERS[:2])
def test_unknown_hash_is_hashlibs_exception_class(derive):
    # 3.10+ raise _hashlib.UnsupportedDigestmodError, a ValueError subclass.
    expected = NATIVE and _outcome(NATIVE, "bogus", b"pw", b"salt", 1) or ValueError
    assert issubclass(expected, ValueError)
    with pytest.raises(expected) as info:
        derive("bogus", b"pw", b"salt", 1)
    assert "unsupported hash type bogus" in str(info.value)


@needs_libcrypto
def test_openssl_tier_never_calls_libcrypto_with_bad_values(monkeypatch):
    lib = _pbkdf2._libcrypto()[0]
    calls = []
    monkeypatch.setattr(lib, "derive", lambda *args: calls.append(args))
    for _, args, kwargs, _expected, _ in ERROR_CASES:
        assert _outcome(openssl_pbkdf2_hmac, *args, **kwargs) is not None
    bad = [
        ("sha1", b"pw", b"salt", 0), ("sha1", b"pw", b"salt", INT_MAX + 1),
        ("sha1", b"pw", b"salt", 1, 0), ("sha1", b"pw", b"salt", 1, INT_MAX + 1),
        ("sha1", b"pw", b"salt", 1, -1), ("bogus", b"pw", b"salt", 1),
    ]
    for args in bad:
        with pytest.raises((ValueError, OverflowError)):
            openssl_pbkdf2_hmac(*args)
    assert calls == []
    openssl_pbkdf2_hmac("sha1", b"pw", b"salt", 1)
    assert len(calls) == 1


@needs_libcrypto
def test_openssl_tier_reports_digests_libcrypto_cannot_run():
    # XOFs have no HMAC; OpenSSL 3 names md4 but keeps it in the legacy
    # provider. A ValueError either way, and the thread's OpenSSL error
    # queue (shared with _ssl and _hashlib) is left empty.
    lib = _pbkdf2._libcrypto()[0]
    for name in ("shake_128", "shake_256", "SHAKE128", "md4"):
        outcome = _outcome(openssl_pbkdf2_hmac, name, b"pw", b"salt", 1)
        if name == "md4" and isinstance(outcome, tuple):  # OpenSSL 1.x runs it
            assert len(outcome[1]) == 16
        else:
            assert isinstance(outcome, type) and issubclass(outcome, ValueError), name
        assert lib.get_error() == 0


@needs_libcrypto
def test_openssl_tier_empties_the_error_queue_hashlib_new_fills(monkeypatch):
    # PyPy's hashlib.new("md4") under OpenSSL 3 raises ValueError and leaves
    # the reasons in the error queue (CPython's takes them out); the openssl
    # tier asks hashlib.new first, so it empties the queue itself. Emulated
    # with a hashlib.new that fails as PyPy's does, on every interpreter.
    import ctypes

    lib = _pbkdf2._libcrypto()[0]
    try:
        # A function object of our own: the handle's attributes are shared.
        fetch = lib.cdll["EVP_MD_fetch"]
    except AttributeError:
        pytest.skip("libcrypto has no EVP_MD_fetch (OpenSSL before 3.0) to fail with")
    fetch.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    fetch.restype = ctypes.c_void_p
    real_new = hashlib.new

    def new(name, *args):
        if name == "secureshim-refused":
            assert fetch(None, b"secureshim-refused", None) is None
            raise ValueError("unsupported hash type " + name)
        return real_new(name, *args)

    # The first "unsupported" error asks CPython's C function for its class,
    # which empties the queue by itself: ask it before, not in between.
    _pbkdf2._unsupported("bogus")
    monkeypatch.setattr(hashlib, "new", new)
    assert lib.get_error() == 0
    with pytest.raises(ValueError) as info:
        openssl_pbkdf2_hmac("secureshim-refused", b"pw", b"salt", 1)
    assert "unsupported hash type secureshim-refused" in str(info.value)
    assert lib.get_error() == 0
    # The emulation does fill the queue.
    with pytest.raises(ValueError):
        hashlib.new("secureshim-refused")
    assert lib.get_error() != 0
    lib.clear_errors()


# --------------------------------------------------------------------------
# Argument types.


BUFFER_CASES = [
    ("bytearray", lambda: bytearray(b"pw")),
    ("memoryview", lambda: memoryview(b"pw")),
    ("memoryview-slice", lambda: memoryview(b"xpwx")[1:3]),
    ("array", lambda: array.array("b", [112, 119])),
]
if PY2:
    BUFFER_CASES.append(("buffer", lambda: buffer(b"pw")))  # noqa: F821
    BUFFER_CASES.append(("ascii-unicode", lambda: u"pw"))


@pytest.mark.parametrize("derive", TIERS)
@pytest.mark.parametrize("make", [c[1] for c in BUFFER_CASES], ids=[c[0] for c in BUFFER_CASES])
def test_buffers_are_accepted_for_password_and_salt(derive, make):
    expected = reference_pbkdf2("sha256", b"pw", b"pw", 3)
    assert derive("sha256", make(), make(), 3) == expected
    assert derive(hash_name="sha256", password=make(), salt=make(), iterations=3) == expected


def test_multibyte_array_buffers_are_hashed_as_raw_bytes():
    data = array.array("i", [1, 2])
    raw = data.tobytes() if hasattr(data, "tobytes") else data.tostring()
    expected = reference_pbkdf2("sha1", raw, b"salt", 2)
    assert python_pbkdf2_hmac("sha1", data, b"salt", 2) == expected
    if LIBCRYPTO:
        assert openssl_pbkdf2_hmac("sha1", data, b"salt", 2) == expected


@pytest.mark.parametrize("derive", TIERS)
def test_bool_and_long_integers_are_integers(derive):
    expected = reference_pbkdf2("sha1", b"pw", b"salt", 1)
    assert derive("sha1", b"pw", b"salt", True) == expected
    assert derive("sha1", b"pw", b"salt", 1, True) == expected[:1]


@pytest.mark.parametrize("derive", TIERS)
def test_result_is_bytes_of_dklen(derive):
    for name in CORE:
        size = hashlib.new(name).digest_size
        assert len(derive(name, b"pw", b"salt", 1)) == size
        result = derive(name, b"pw", b"salt", 1, 2 * size + 3)
        assert type(result) is bytes and len(result) == 2 * size + 3


# --------------------------------------------------------------------------
# Binding, backends(), flags, threads.


def test_public_name_is_the_chosen_tier():
    tier = secureshim.backends()["pbkdf2_hmac"]
    assert tier == _pbkdf2.TIER
    bound = {
        "native": STDLIB,
        "openssl": _pbkdf2._openssl_then_python,
        "python": python_pbkdf2_hmac,
    }
    assert secureshim.pbkdf2_hmac is bound[tier]
    if NATIVE is not None:
        assert tier == "native"
    elif LIBCRYPTO is not None:
        assert tier == "openssl"
    else:  # pragma: no cover - no libcrypto on this machine
        assert tier == "python"


def test_features_say_what_the_stdlib_has_and_whether_libcrypto_loads():
    assert features.PBKDF2_HMAC_OPENSSL == (NATIVE is not None)
    assert features.HAS_LIBCRYPTO_PBKDF2 == (LIBCRYPTO is not None)
    assert "HAS_LIBCRYPTO_PBKDF2" in features.as_dict()


@needs_libcrypto
def test_libcrypto_is_the_one_the_interpreters_extensions_link_first():
    import ctypes

    for path in _pbkdf2._extension_paths():
        try:
            cdll = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(cdll, "PKCS5_PBKDF2_HMAC"):
            assert LIBCRYPTO == (path or sys.executable)
            break
    else:  # pragma: no cover - statically linked _ssl/_hashlib
        assert LIBCRYPTO not in _pbkdf2._extension_paths()


@pytest.mark.parametrize("derive", TIERS[:2])
def test_threads_get_the_right_keys(derive):
    errors = []
    expected = reference_pbkdf2("sha256", b"pw", b"salt", 500)

    def work():
        for _ in range(5):
            if derive("sha256", b"pw", b"salt", 500) != expected:
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --------------------------------------------------------------------------
# Choosing the tier in fresh interpreters: fall-through and SECURESHIM_FORCE.

RFC6070_2 = "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"

# Emulations, run before importing secureshim.
NO_CTYPES = "import sys; sys.modules['ctypes'] = None\n"
NO_LIBRARY = (
    "import ctypes\n"
    "def refuse(*args, **kwargs):\n"
    "    raise OSError('refused by the test')\n"
    "ctypes.CDLL = refuse\n"
)
NO_STDLIB = "import hashlib\nif hasattr(hashlib, 'pbkdf2_hmac'): del hashlib.pbkdf2_hmac\n"
# An interpreter whose hashlib.pbkdf2_hmac is CPython's Python fallback.
FALLBACK_STDLIB = (
    "import hashlib\n"
    "def pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None):\n"
    "    raise AssertionError('the fallback must not be used')\n"
    "hashlib.pbkdf2_hmac = pbkdf2_hmac\n"
)

CHECK = """
import binascii, warnings
import secureshim
from secureshim import _pbkdf2
print(secureshim.backends()["pbkdf2_hmac"])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(3):
        key = secureshim.pbkdf2_hmac("sha1", b"password", b"salt", 2)
assert binascii.hexlify(key) == b"%s", key
for w in caught:
    assert w.category is secureshim.DegradedSecurityWarning, w
    print("WARNING " + str(w.message))
print(len(caught))
""" % RFC6070_2


def _run(prelude, force=None):
    env = {"SECURESHIM_FORCE": force} if force else None
    result = run_python(prelude + CHECK, env=env).check()
    lines = result.out.strip().splitlines()
    warned = [line[len("WARNING "):] for line in lines if line.startswith("WARNING ")]
    return lines[0], warned, int(lines[-1])


@pytest.mark.parametrize("prelude", [NO_CTYPES, NO_LIBRARY], ids=["no-ctypes", "no-library"])
def test_falls_through_to_python_without_stdlib_function_and_libcrypto(prelude):
    tier, warned, count = _run(NO_STDLIB + prelude)
    assert tier == "python"
    assert count == 1
    message = warned[0]
    assert "pbkdf2_hmac" in message and "python tier" in message
    assert "no hashlib.pbkdf2_hmac" in message
    assert ("ctypes cannot be imported" if prelude is NO_CTYPES else "no libcrypto found") in message
    assert "Fix: use a Python built against OpenSSL" in message


def test_falls_through_to_python_when_the_stdlib_function_is_the_fallback():
    tier, warned, count = _run(FALLBACK_STDLIB + NO_CTYPES)
    assert tier == "python" and count == 1
    assert "pure-Python fallback" in warned[0]


@needs_libcrypto
@pytest.mark.parametrize("prelude", [NO_STDLIB, FALLBACK_STDLIB], ids=["missing", "fallback"])
def test_openssl_tier_replaces_a_missing_or_slow_stdlib_function(prelude):
    assert _run(prelude) == ("openssl", [], 0)


@needs_native
def test_native_tier_does_not_load_ctypes_or_ssl():
    result = run_python(
        """
        import sys
        import secureshim
        secureshim.pbkdf2_hmac("sha1", b"pw", b"salt", 1)
        print(secureshim._detect.CHOSEN["pbkdf2_hmac"])
        print("ctypes" in sys.modules, "ssl" in sys.modules)
        """
    ).check()
    assert result.out.split() == ["native", "False", "False"]


@needs_libcrypto
@pytest.mark.skipif(
    sys.version_info < (3, 7), reason="no module __getattr__ (PEP 562) before 3.7"
)
def test_openssl_tier_does_not_import_ssl():
    # It loads _ssl's or _hashlib's shared object to reach libcrypto, which
    # does not import the ssl module.
    result = run_python(
        NO_STDLIB
        + "import sys\n"
        + "import secureshim\n"
        + "secureshim.pbkdf2_hmac('sha1', b'pw', b'salt', 1)\n"
        + "print(secureshim._detect.CHOSEN['pbkdf2_hmac'], 'ssl' in sys.modules)\n"
    ).check()
    assert result.out.split() == ["openssl", "False"]


def test_forcing_python_selects_it_and_warns_naming_the_force():
    tier, warned, count = _run("", force="pbkdf2_hmac=python")
    assert tier == "python" and count == 1
    assert "SECURESHIM_FORCE selects it" in warned[0]
    assert "Fix: unset SECURESHIM_FORCE" in warned[0]


@needs_libcrypto
def test_forcing_openssl_selects_it_without_warning():
    assert _run("", force="pbkdf2_hmac=openssl") == ("openssl", [], 0)


@needs_native
def test_forcing_native_selects_it():
    assert _run("", force="pbkdf2_hmac=native") == ("native", [], 0)


@pytest.mark.parametrize(
    "prelude,available",
    [
        (FALLBACK_STDLIB + NO_CTYPES, "python"),
        (NO_STDLIB + NO_LIBRARY, "python"),
    ],
    ids=["fallback", "missing"],
)
def test_forcing_native_fails_at_import_where_it_is_not_openssls(prelude, available):
    result = run_python(prelude + "import secureshim\n", env={"SECURESHIM_FORCE": "pbkdf2_hmac=native"})
    assert result.returncode != 0
    assert "ValueError" in result.err
    assert "pbkdf2_hmac=native cannot run on this interpreter" in result.err
    assert "available here: %s" % available in result.err


@needs_libcrypto
def test_forcing_native_fails_where_the_stdlib_has_the_fallback_and_lists_openssl():
    result = run_python(FALLBACK_STDLIB + "import secureshim\n", env={"SECURESHIM_FORCE": "pbkdf2_hmac=native"})
    assert result.returncode != 0
    assert "available here: openssl|python" in result.err


def test_forcing_openssl_fails_at_import_without_libcrypto():
    result = run_python(NO_CTYPES + "import secureshim\n", env={"SECURESHIM_FORCE": "pbkdf2_hmac=openssl"})
    assert result.returncode != 0
    assert "pbkdf2_hmac=openssl cannot run on this interpreter" in result.err


def test_openssl_function_raises_clearly_without_libcrypto():
    result = run_python(
        NO_CTYPES
        + """
        from secureshim._pbkdf2 import openssl_pbkdf2_hmac
        try:
            openssl_pbkdf2_hmac("sha1", b"pw", b"salt", 1)
        except RuntimeError as exc:
            print(exc)
        """.replace("\n        ", "\n")
    ).check()
    assert "openssl tier cannot run here: ctypes cannot be imported" in result.out


def test_force_parsing_knows_the_pbkdf2_tiers():
    assert _detect.parse_force("pbkdf2_hmac=openssl") == {"pbkdf2_hmac": "openssl"}
    with pytest.raises(ValueError) as info:
        _detect.parse_force("pbkdf2_hmac=fd")
    assert "pbkdf2_hmac=native|openssl|python" in str(info.value)


@needs_libcrypto
def test_digest_missing_from_libcrypto_falls_through_to_python(monkeypatch, rearm_warnings):
    # A libcrypto without some digest hashlib has (as a 3.6 hashlib with
    # its own sha3 beside an OpenSSL 1.0): the openssl tier says
    # "unsupported", the public function derives with the python tier and
    # warns once, naming the digest.
    lib = _pbkdf2._libcrypto()[0]
    real = lib.digest
    monkeypatch.setattr(lib, "digest", lambda name: None if name == "sha256" else real(name))
    expected = reference_pbkdf2("sha256", b"pw", b"salt", 3)
    with pytest.raises(ValueError) as info:
        openssl_pbkdf2_hmac("sha256", b"pw", b"salt", 3)
    assert "unsupported hash type" in str(info.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _pbkdf2._openssl_then_python("sha256", b"pw", b"salt", 3) == expected
        assert _pbkdf2._openssl_then_python("sha256", b"pw", b"salt", 3) == expected
        assert _pbkdf2._openssl_then_python("sha1", b"pw", b"salt", 3) == reference_pbkdf2(
            "sha1", b"pw", b"salt", 3
        )
    assert [w.category for w in caught] == [secureshim.DegradedSecurityWarning], caught
    assert "no sha256 digest" in str(caught[0].message)
