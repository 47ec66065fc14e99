"""Same input, same answer as the stdlib: a differential fuzz over types.

Each public function, on every tier that can run here, gets what a careless
or hostile caller might pass (tests/fuzz_values.py: subclasses whose methods
lie, buffers of every shape, integers far outside C's ranges, ``__index__``
objects, ``None``...) and must give the stdlib of the running interpreter's
outcome: the same result, or an exception of exactly the same class. The
only exceptions allowed are the rows of tests/deviations.py.

Bounded for CI: a derandomized run of a few hundred examples per function.
``HYPOTHESIS_PROFILE=deep`` runs many more, with a random seed.
"""
from __future__ import absolute_import, division, print_function

import hashlib
import hmac
import os
import ssl
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import secureshim
from secureshim import _compare_digest, _pbkdf2, _urandom

from . import deviations
from .fuzz_values import (
    BEYOND_SSIZE_T,
    TEXT,
    Built,
    HostileBytes,
    HostileText,
    PlainText,
    anything,
    buffers,
    odd_ints,
    plain_bytes,
    texts,
)
from .tls_tiers import TIER_FACTORIES

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def fuzz(examples):
    return settings(
        max_examples=examples * (20 if DEEP else 1),
        deadline=None,
        derandomize=not DEEP,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                               HealthCheck.data_too_large],
    )


def outcome(func, args, names=None):
    """("ok", result) or ("raise", exception class name) of ``func(*args)``,
    or of ``func(**dict(zip(names, args)))`` when ``names`` is given."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        try:
            if names is not None:
                return ("ok", func(**dict(zip(names, args))))
            return ("ok", func(*args))
        except Exception as exc:  # the class is what is compared
            return ("raise", type(exc).__name__)


def _names(expected):
    return expected if isinstance(expected, tuple) else (expected,)


def _kind(result):
    # "ok" for a result; "answer" for match_hostname's match or mismatch.
    return result[1] if result[0] == "raise" else result[0]


def check(primitive, tier, func, stdlib, built, names, normalise=lambda r: r, keywords=False):
    """Call both on fresh copies of the built arguments; compare, or find
    the deviation that explains the difference."""
    call = dict(zip(names, [b.make() for b in built]))
    covering = deviations.applicable(primitive, tier, call)
    by_name = names if keywords else None
    ours = normalise(outcome(func, [b.make() for b in built], by_name))
    if any(entry.stdlib_outcome == "hang" for entry in covering):
        entry = covering[0]
        assert _kind(ours) in _names(entry.our_outcome), (built, ours, entry)
        return
    theirs = normalise(outcome(stdlib, [b.make() for b in built], by_name))
    if ours == theirs:
        return
    for entry in covering:
        allowed = _names(entry.our_outcome)
        if _kind(theirs) not in _names(entry.stdlib_outcome):
            continue
        if _kind(ours) == "ok" and _kind(theirs) == "ok" and "ok*" not in allowed:
            continue  # two different results: only an "ok*" entry explains that
        if _kind(ours) in allowed or (_kind(ours) == "ok" and "ok*" in allowed):
            return
    raise AssertionError(
        "%s (%s tier) %r: stdlib %r, secureshim %r" % (primitive, tier, built, theirs, ours)
    )


# --- compare_digest --------------------------------------------------------------

COMPARE_TIERS = [("python", _compare_digest.python_compare_digest)]
if secureshim.compare_digest is not getattr(hmac, "compare_digest", None):
    COMPARE_TIERS.append(("public", secureshim.compare_digest))
needs_compare_digest = pytest.mark.skipif(
    not hasattr(hmac, "compare_digest"), reason="hmac.compare_digest: 2.7.7+ and 3.3+"
)


def _compare_args():
    same = st.builds(lambda b: (b, b), st.one_of(plain_bytes(), buffers(), texts()))
    return st.one_of(same, st.tuples(anything(), anything()))


@needs_compare_digest
@pytest.mark.parametrize("tier,func", COMPARE_TIERS, ids=[t for t, _ in COMPARE_TIERS])
@fuzz(150)
@given(args=_compare_args())
def test_compare_digest_matches_the_stdlib(tier, func, args):
    check("compare_digest", tier, func, hmac.compare_digest, args, ("a", "b"))


# --- pbkdf2_hmac -------------------------------------------------------------------

PBKDF2_TIERS = [("python", _pbkdf2.python_pbkdf2_hmac)]
if _pbkdf2._libcrypto()[0] is not None:
    PBKDF2_TIERS.append(("openssl", _pbkdf2.openssl_pbkdf2_hmac))
needs_pbkdf2 = pytest.mark.skipif(
    not hasattr(hashlib, "pbkdf2_hmac"), reason="hashlib.pbkdf2_hmac: 2.7.8+, 3.4+"
)

DIGEST_NAMES = ["sha256", "sha1", "md5", "SHA256", "sha3_256", "blake2b", "null",
                "shake_128", "md4", "ripemd160", "nosuch", "sha256\0"]


def _hash_names():
    named = st.sampled_from(DIGEST_NAMES)
    return st.one_of(
        named.map(lambda n: Built("str %r" % n, lambda: n)),
        named.map(lambda n: Built("PlainText %r" % n, lambda: PlainText(n))),
        named.map(lambda n: Built("HostileText %r" % n, lambda: HostileText(n))),
        anything(),
    )


def _pbkdf2_args():
    small = odd_ints(low=-1, high=3)
    return st.tuples(
        _hash_names(),
        st.one_of(plain_bytes(), anything()),
        st.one_of(plain_bytes(), anything()),
        small,
        st.one_of(st.just(Built("None", lambda: None)), odd_ints(low=-1, high=40)),
    )


@needs_pbkdf2
@pytest.mark.parametrize("tier,func", PBKDF2_TIERS, ids=[t for t, _ in PBKDF2_TIERS])
@fuzz(150)
@given(args=_pbkdf2_args())
def test_pbkdf2_hmac_matches_the_stdlib(tier, func, args):
    check("pbkdf2_hmac", tier, func, hashlib.pbkdf2_hmac, args,
          ("hash_name", "password", "salt", "iterations", "dklen"))


# --- urandom -------------------------------------------------------------------------

URANDOM_TIERS = sorted(
    (name[: -len("_urandom")], getattr(_urandom, name))
    for name in dir(_urandom) if name.endswith("_urandom") and not name.startswith("_")
)


def _random_shape(result):
    # Random bytes differ: compare their type and length.
    if result[0] == "ok":
        return ("ok", type(result[1]).__name__, len(result[1]))
    return result


@pytest.mark.parametrize("tier,func", URANDOM_TIERS, ids=[t for t, _ in URANDOM_TIERS])
@fuzz(100)
@given(args=st.tuples(st.one_of(odd_ints(low=-2, high=64, huge=BEYOND_SSIZE_T),
                                plain_bytes(), texts())))
def test_urandom_matches_the_stdlib(tier, func, args):
    check("urandom", tier, func, os.urandom, args, ("n",), _random_shape)


# --- match_hostname ---------------------------------------------------------------------

STDLIB_MATCH_HOSTNAME = getattr(ssl, "match_hostname", None)
needs_ssl_match_hostname = pytest.mark.skipif(
    STDLIB_MATCH_HOSTNAME is None, reason="ssl.match_hostname was removed in Python 3.12"
)
MISMATCH = (secureshim.CertificateError,) + (
    (ssl.CertificateError,) if hasattr(ssl, "CertificateError") else ()
)


def _answered(result):
    # Which names match differs between CPython versions (documented in
    # docs/match_hostname.md); here only the kind of answer is compared:
    # match or mismatch, or which error for bad input.
    if result[0] == "ok" or result[1] in {cls.__name__ for cls in MISMATCH}:
        return ("answer",)
    return result


_NAMES = st.sampled_from([u"example.com", u"*.example.com", u"127.0.0.1", u"::1",
                          u"EXAMPLE.com.", u"xn--bcher-kva.example", u"a" * 300])


def _certs():
    entry = st.one_of(
        st.tuples(st.just(u"DNS"), _NAMES),
        st.tuples(st.just(u"IP Address"), st.sampled_from([u"127.0.0.1", u"::1", u"10.0.0.1"])),
    )
    san = st.lists(entry, max_size=4).map(tuple)
    cn = st.lists(_NAMES, max_size=2).map(lambda names: tuple(((u"commonName", n),) for n in names))
    return st.builds(
        lambda san, cn: Built("cert %r %r" % (san, cn), lambda: {"subjectAltName": san, "subject": cn}),
        san, cn,
    )


def _hostnames():
    return st.one_of(
        _NAMES.map(lambda n: Built("str %r" % n, lambda: n)),
        _NAMES.map(lambda n: Built("HostileText %r" % n, lambda: HostileText(n))),
        texts(max_size=20),
        anything(),
    )


@needs_ssl_match_hostname
@fuzz(100)
@given(args=st.tuples(_certs(), _hostnames()))
def test_match_hostname_answers_as_the_stdlib(args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.7+: ssl.match_hostname
        check("match_hostname", "python", secureshim.match_hostname, STDLIB_MATCH_HOSTNAME,
              args, ("cert", "hostname"), _answered)


@fuzz(100)
@given(args=st.tuples(_certs(), _hostnames()))
def test_match_hostname_answers_or_refuses_the_type(args):
    # Where there is no stdlib function to compare with (3.12+), and
    # everywhere: a mismatch, a match, or TypeError for a non-text hostname.
    result = _answered(outcome(secureshim.match_hostname, [b.make() for b in args]))
    assert result in (("answer",), ("raise", "TypeError")), (args, result)


# --- create_default_context ----------------------------------------------------------------

@pytest.fixture(scope="module")
def ca_material(tmpdir_factory):
    from . import tls_helpers

    directory = tmpdir_factory.mktemp("fuzz-ca")
    ca_file = tls_helpers.CA(str(directory)).cert_path  # a CA alone: no leaves needed
    with open(ca_file) as handle:
        pem = handle.read()
    empty = directory.join("empty.pem")
    empty.write("")
    garbage = directory.join("garbage.pem")
    garbage.write("no certificate here\n")
    return {
        "ca file": ca_file,
        "missing file": str(directory.join("missing.pem")),
        "directory": str(directory),
        "empty file": str(empty),
        "garbage file": str(garbage),
        "pem": pem,
        "der": ssl.PEM_cert_to_DER_cert(pem),
    }


_PATHS = ["ca file", "missing file", "directory", "empty file", "garbage file"]


def _path_values(material, name):
    path = material[name]
    return st.sampled_from([
        Built("%s" % name, lambda: path),
        Built("bytes %s" % name, lambda: path.encode("utf-8")),
        Built("HostileText %s" % name, lambda: HostileText(path)),
        Built("%s + NUL" % name, lambda: path + u"\0"),
    ])


def _context_args(material):
    nothing = st.just(Built("None", lambda: None))
    odd = st.one_of(odd_ints(), st.just(Built("empty str", lambda: u"")))
    purpose = st.sampled_from([
        Built("SERVER_AUTH", lambda: ssl.Purpose.SERVER_AUTH),
        Built("CLIENT_AUTH", lambda: ssl.Purpose.CLIENT_AUTH),
        Built("None", lambda: None),
        Built("str", lambda: u"serverAuth"),
        Built("tuple", lambda: tuple(ssl.Purpose.SERVER_AUTH)),
    ])
    path = st.one_of(nothing, odd, st.sampled_from(_PATHS).flatmap(
        lambda name: _path_values(material, name)))
    pem, der = material["pem"], material["der"]
    cadata = st.one_of(nothing, odd, buffers(), st.sampled_from([
        Built("pem", lambda: pem),
        Built("der", lambda: der),
        Built("bytearray der", lambda: bytearray(der)),
        Built("empty bytes", lambda: b""),
        Built("empty memoryview", lambda: memoryview(b"")),
        Built("HostileBytes der", lambda: HostileBytes(der)),
        Built("non-ASCII text", lambda: TEXT(u"\u00e9") + pem),
    ]))
    # cafile and capath only one at a time: loading the platform's store
    # for every example would make the run minutes long.
    return st.tuples(purpose, path, nothing, cadata) | st.tuples(purpose, nothing, path, nothing)


CONTEXT_TIERS = sorted(TIER_FACTORIES)


@pytest.mark.parametrize("tier", CONTEXT_TIERS)
def test_create_default_context_matches_the_stdlib(tier, ca_material):
    factory = TIER_FACTORIES[tier]

    @fuzz(25)
    @given(args=_context_args(ca_material))
    def run(args):
        check("create_default_context", tier, factory, ssl.create_default_context, args,
              ("purpose", "cafile", "capath", "cadata"), lambda r: ("ok",) if r[0] == "ok" else r,
              keywords=True)

    run()


# --- the table and its documentation ---------------------------------------------

def test_docs_reproduce_the_deviations_table():
    import io
    import re

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "docs", "equivalence.md")
    with io.open(path, encoding="utf-8") as handle:
        text = handle.read()
    found = re.search(r"<!-- deviations-table -->\n(.*?)<!-- /deviations-table -->", text, re.S)
    assert found, "docs/equivalence.md lost its deviations-table markers"
    assert found.group(1) == deviations.render(), (
        "docs/equivalence.md differs from tests/deviations.py: paste "
        "the output of python -m tests.deviations between the markers"
    )


def test_every_deviation_is_complete():
    for entry in deviations.TABLE:
        assert entry.primitive in ("compare_digest", "pbkdf2_hmac", "urandom",
                                   "match_hostname", "create_default_context"), entry
        assert entry.tiers and entry.where and entry.input and entry.why, entry
        assert entry.stdlib and entry.ours and entry.our_outcome, entry
