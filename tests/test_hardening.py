# -*- coding: utf-8 -*-
"""Hostile input: values whose own methods lie, and unbounded lengths."""
from __future__ import absolute_import, division, print_function

import hashlib
import hmac
import sys

import pytest

from secureshim import CertificateError, _detect, match_hostname
from secureshim import _match_hostname as mh
from secureshim._compare_digest import python_compare_digest

from .test_pbkdf2 import TIERS as PBKDF2_TIERS

if sys.version_info[0] == 2:
    TEXT = unicode  # noqa: F821
else:
    TEXT = str


class Liar(TEXT):
    """Text whose methods all claim one value, whatever it really holds."""

    def encode(self, *args, **kwargs):
        return b"same"

    def lower(self):
        return TEXT("example.com")

    def __getitem__(self, index):
        return TEXT("example.com")[index]

    def __contains__(self, item):
        return False

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = TEXT.__hash__


def test_compare_digest_python_tier_ignores_a_subclass_encode():
    a, b = Liar(u"abc"), Liar(u"xyz")
    assert python_compare_digest(a, b) is False
    assert python_compare_digest(a, Liar(u"abc")) is True
    if _detect.HAS_COMPARE_DIGEST:
        assert hmac.compare_digest(a, b) is False


@pytest.mark.parametrize("derive", PBKDF2_TIERS)
def test_pbkdf2_password_subclass_cannot_choose_the_key(derive):
    if sys.version_info[0] >= 3:
        # Text is no password on 3.x, subclass or not, as in the stdlib.
        with pytest.raises(TypeError):
            derive("sha256", Liar(u"one"), b"salt", 1)
        return
    one = derive("sha256", Liar(u"one"), b"salt", 1)
    two = derive("sha256", Liar(u"two"), b"salt", 1)
    assert one != two
    assert one == derive("sha256", u"one", b"salt", 1)


@pytest.mark.parametrize("derive", PBKDF2_TIERS[:2])  # python, openssl
def test_pbkdf2_hash_name_subclass_cannot_hide_a_nul(derive):
    # 3.x: ValueError("embedded null character"); 2.7: TypeError, as the
    # stdlib's "s" argument format gives.
    expected = ValueError if sys.version_info[0] >= 3 else TypeError
    with pytest.raises(expected):
        derive(Liar(u"sha256\0"), b"pw", b"salt", 1)
    if _detect.PBKDF2_HMAC_OPENSSL:
        with pytest.raises(expected):
            hashlib.pbkdf2_hmac(Liar(u"sha256\0"), b"pw", b"salt", 1)


@pytest.fixture
def stdlib_idna(monkeypatch):
    # The stdlib's IDNA 2003 path, as without the idna package, armed as
    # already warned so that this test leaves the warning state alone.
    monkeypatch.setattr(_detect, "_IDNA_BACKEND", ["stdlib"])
    monkeypatch.setattr(mh, "_idna_ready", [True])
    monkeypatch.setattr(mh, "_idna_first_use", [])


CERT = {"subjectAltName": (("DNS", "example.com"),)}


@pytest.mark.parametrize("backend", ["default", "stdlib"])
def test_match_hostname_subclass_cannot_choose_the_name(request, backend):
    if backend == "stdlib":
        request.getfixturevalue("stdlib_idna")
    for hostname in (Liar(u"evil.test"), Liar(u"\u00e9vil.test"), Liar(u"10.0.0.1")):
        with pytest.raises(CertificateError):
            match_hostname(CERT, hostname)
    match_hostname(CERT, Liar(u"EXAMPLE.com"))


def _name(length, label="a"):
    """An ASCII DNS name of exactly ``length`` characters."""
    labels = []
    while sum(len(x) + 1 for x in labels) < length + 1:
        labels.append(label * 63)
    name = ".".join(labels)[:length]
    return name[:-1] + "b" if name.endswith(".") else name


def test_longest_dns_name_still_matches():
    name = _name(253)
    assert len(name) == 253
    match_hostname({"subjectAltName": (("DNS", name),)}, name)
    match_hostname({"subjectAltName": (("DNS", name),)}, name + ".")


@pytest.mark.parametrize("length", [254, 255, 4096])
def test_over_long_dns_name_never_matches(length):
    name = _name(length)
    assert len(name) == length
    with pytest.raises(CertificateError):
        match_hostname({"subjectAltName": (("DNS", name),)}, name)
    with pytest.raises(CertificateError):
        match_hostname({"subject": ((("commonName", name),),)}, name)


def test_over_long_unicode_name_is_refused_before_idna(monkeypatch):
    calls = []

    def counting(hostname):
        calls.append(hostname)
        return None

    monkeypatch.setattr(mh, "_to_ascii", counting)
    monkeypatch.setattr(mh, "_parse_ip", counting)
    hostname = u"\u00e9" * 65536
    with pytest.raises(CertificateError):
        match_hostname(CERT, hostname)
    with pytest.raises(CertificateError):
        match_hostname(CERT, u"1" * 65536)
    with pytest.raises(CertificateError):
        match_hostname(CERT, u"::" + u"1" * 65536)
    assert calls == []
    # A short one still reaches IDNA: the counter sees it.
    with pytest.raises(CertificateError):
        match_hostname(CERT, u"\u00e9.test")
    assert calls == [u"\u00e9.test"]


# --- the certificate side: containers whose methods lie -------------------------

class LyingDict(dict):
    def get(self, key, default=None):
        return (("DNS", "evil.test"),) if key == "subjectAltName" else default

    def __getitem__(self, key):
        return self.get(key)


class LyingTuple(tuple):
    def __iter__(self):
        return iter((("DNS", "evil.test"),))

    def __len__(self):
        return 1

    def __getitem__(self, index):
        return ("DNS", "evil.test")


class LyingPair(tuple):
    def __iter__(self):
        return iter(("DNS", "evil.test"))


class LyingList(list):
    def __iter__(self):
        return iter([("DNS", "evil.test")])


class AlwaysEqual(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


HOSTILE_CERTS = [
    LyingDict({"subjectAltName": (("DNS", "example.com"),)}),
    {"subjectAltName": LyingTuple((("DNS", "example.com"),))},
    {"subjectAltName": LyingList([("DNS", "example.com")])},
    {"subjectAltName": (LyingPair(("DNS", "example.com")),)},
    # A key that claims to be "DNS" (it is "email"): no DNS entry at all.
    {"subjectAltName": ((AlwaysEqual("email"), "evil.test"), ("DNS", "example.com"))},
    # The subject's commonName, through the same containers.
    {"subject": LyingTuple((((u"commonName", u"example.com"),),))},
    {"subject": (LyingPair(((u"commonName", u"example.com"),)),)},
    {"subject": (((AlwaysEqual("organizationName"), "evil.test"), ("commonName", "example.com")),)},
]


@pytest.mark.parametrize("cert", HOSTILE_CERTS, ids=[str(i) for i in range(len(HOSTILE_CERTS))])
def test_match_hostname_reads_the_certificate_not_what_its_containers_claim(cert):
    with pytest.raises(CertificateError):
        match_hostname(cert, u"evil.test")
    match_hostname(cert, u"example.com")


def test_match_hostname_value_subclass_cannot_choose_its_pattern():
    # Liar.lower() says "example.com"; its characters say "evil.test".
    cert = {"subjectAltName": (("DNS", Liar(u"evil.test")),)}
    with pytest.raises(CertificateError):
        match_hostname(cert, u"example.com")
    match_hostname(cert, u"evil.test")


def test_server_hostname_subclass_cannot_choose_the_encoded_name():
    from secureshim._tls_base import encode_hostname

    assert encode_hostname(Liar(u"evil.test")) == "evil.test"
    assert encode_hostname(Liar(u"b\u00fccher.test")) == "xn--bcher-kva.test"


# --- the certificate side: bounded work -----------------------------------------

@pytest.fixture
def counted(monkeypatch):
    """Count the calls of secureshim's own per-entry work (lowering a
    pattern, parsing an IP address) by wrapping them."""
    calls = {"lower": 0, "parse_ip": 0}
    lower, parse_ip = mh._lower, mh._parse_ip

    def counting_lower(text):
        calls["lower"] += 1
        return lower(text)

    def counting_parse_ip(text):
        calls["parse_ip"] += 1
        return parse_ip(text)

    monkeypatch.setattr(mh, "_lower", counting_lower)
    monkeypatch.setattr(mh, "_parse_ip", counting_parse_ip)
    return calls


@pytest.mark.parametrize("hostname", [u"example.com", u"example.com.", u"\u00e9xample.com"])
def test_huge_certificate_values_are_skipped_unread(counted, hostname, stdlib_idna):
    huge = u"a" * (1 << 20)
    cert = {
        "subjectAltName": (("DNS", huge), ("DNS", u"*." + huge), ("IP Address", u"1" * (1 << 20))),
    }
    with pytest.raises(CertificateError) as caught:
        match_hostname(cert, hostname)
    assert counted["lower"] <= 1  # the hostname itself, on the slow path
    assert counted["parse_ip"] == 0
    assert len(str(caught.value)) < 4096
    cn_cert = {"subject": (((u"commonName", huge),),)}
    with pytest.raises(CertificateError):
        match_hostname(cn_cert, hostname)
    assert counted["lower"] <= 2


def test_ip_hostname_against_huge_ip_entries(counted):
    cert = {"subjectAltName": (("IP Address", u" " * (1 << 20) + u"::1"),) * 3}
    with pytest.raises(CertificateError):
        match_hostname(cert, u"::1")
    assert counted["parse_ip"] == 1  # the hostname only


def test_at_most_max_names_entries_are_read(counted):
    count = mh.MAX_NAMES + 50
    names = tuple(("DNS", u"host%d.example" % i) for i in range(count))
    # The only matching name lies beyond the limit: fail closed.
    cert = {"subjectAltName": names + (("DNS", u"example.com"),)}
    with pytest.raises(CertificateError) as caught:
        match_hostname(cert, u"example.com")
    assert counted["lower"] == mh.MAX_NAMES + 1  # and the hostname
    message = str(caught.value)
    assert "and %d more" % (mh.MAX_NAMES - 10) in message
    assert len(message) < 4096
    # Within the limit it matches.
    match_hostname({"subjectAltName": names[-100:] + (("DNS", u"example.com"),)}, u"example.com")
    # The subject too: the commonName past the limit is never read.
    rdns = tuple(((u"organizationName", u"x"),) for _ in range(count))
    with pytest.raises(CertificateError):
        match_hostname({"subject": rdns + (((u"commonName", u"example.com"),),)}, u"example.com")


# --- the compatibility TLS tiers' setters ------------------------------------------

class IntLiar(int):
    """An int whose __int__ and __index__ claim another number."""

    def __int__(self):
        return 0

    def __index__(self):
        return 0


@pytest.mark.parametrize("tier", ["legacy", "pyopenssl"])
def test_compat_context_setters_convert_as_the_stdlib(tier):
    import ssl

    from .tls_tiers import TIER_FACTORIES

    if tier not in TIER_FACTORIES:
        pytest.skip("the %s tier cannot run on this interpreter" % tier)
    context = TIER_FACTORIES[tier]()
    # Floats and text are TypeErrors, huge ints OverflowErrors, as in the
    # stdlib's setters (__index__, C long); int() would have taken 2.0.
    for attr in ("verify_mode", "minimum_version", "options"):
        for bad, error in ((2.0, TypeError), (u"2", TypeError), (2 ** 70, OverflowError)):
            with pytest.raises(error):
                setattr(context, attr, bad)
    # An int subclass is its value: its own __int__ cannot downgrade it.
    context.verify_mode = IntLiar(ssl.CERT_REQUIRED)
    assert context.verify_mode == ssl.CERT_REQUIRED
    context.minimum_version = IntLiar(0x0303)
    assert int(context.minimum_version) == 0x0303


@pytest.mark.parametrize("tier", ["legacy", "pyopenssl"])
def test_compat_context_protocol_converts_as_the_stdlib(tier):
    import ssl

    from .tls_tiers import TIER_FACTORIES

    if tier not in TIER_FACTORIES:
        pytest.skip("the %s tier cannot run on this interpreter" % tier)
    cls = type(TIER_FACTORIES[tier]())
    client = getattr(ssl, "PROTOCOL_TLS_CLIENT", 16)
    # 16.0 == PROTOCOL_TLS_CLIENT, but SSLContext(16.0) is a TypeError.
    with pytest.raises(TypeError):
        cls(float(client))
    with pytest.raises(OverflowError):
        cls(2 ** 70)
    with pytest.raises(ValueError):
        cls(99)
    assert cls(IntLiar(client)).protocol == client
