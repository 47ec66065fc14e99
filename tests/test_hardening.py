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
from secureshim._pbkdf2 import openssl_pbkdf2_hmac, python_pbkdf2_hmac

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


@pytest.mark.parametrize("derive", [python_pbkdf2_hmac, openssl_pbkdf2_hmac])
def test_pbkdf2_hash_name_subclass_cannot_hide_a_nul(derive):
    # 3.x: ValueError("embedded null character"); 2.7: TypeError, as the
    # stdlib's "s" argument format gives.
    expected = ValueError if sys.version_info[0] >= 3 else TypeError
    from secureshim._pbkdf2 import _libcrypto

    if derive is openssl_pbkdf2_hmac and _libcrypto()[0] is None:
        pytest.skip("libcrypto's PKCS5_PBKDF2_HMAC cannot be loaded here")
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
