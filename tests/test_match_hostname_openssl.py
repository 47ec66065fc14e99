"""match_hostname against OpenSSL, through real TLS handshakes on 127.0.0.1.

A CA and one leaf certificate per corpus entry are generated at test time
with ``cryptography``; the subjectAltName extension is written as raw DER so
that it can carry what real certificates can (NUL bytes, UTF-8 in an
IA5String, IP addresses of the wrong length). Each certificate is served
from its own listening socket (one thread serves them all).

Every (certificate, hostname) pair has a hand-written expected verdict (the
rules in docs/match_hostname.md). Two tests use them:

* ``test_secureshim_on_real_peer_certificates`` (every interpreter with
  ``cryptography``): secureshim's verdict on the dict that
  ``getpeercert()`` really returns equals the expectation.
* ``test_openssl_agrees_with_secureshim`` (3.7+, where ``check_hostname``
  is OpenSSL's ``X509_check_host``): a client context with
  ``check_hostname=True`` and ``server_hostname=host`` reaches the same
  verdict as secureshim, except for the pairs in ``DEVIATIONS``, where
  OpenSSL must really disagree (so that the list stays honest). Some
  disagreements depend on the OpenSSL version; ``OPENSSL_RANGES`` says
  which versions give which verdict.
"""
from __future__ import absolute_import, division, print_function

import datetime
import os
import select
import socket
import ssl
import struct
import threading
import warnings

import pytest

from secureshim import CertificateError, match_hostname

try:
    with warnings.catch_warnings():
        # cryptography 3.3 on Python 2: "Python 2 is no longer supported"
        warnings.simplefilter("ignore")
        from cryptography import x509
        from cryptography.hazmat.backends import default_backend
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtensionOID, NameOID
except ImportError:  # pragma: no cover
    x509 = None

needs_cryptography = pytest.mark.skipif(
    x509 is None,
    reason="the cryptography package (certificate generation) is not "
    "installed for this interpreter",
)
# 3.7+ (bpo-31399): check_hostname is done by OpenSSL (X509_check_host via
# X509_VERIFY_PARAM_set1_host/_ip); before, ssl.py called ssl.match_hostname.
OPENSSL_CHECKS_HOSTNAME = hasattr(
    getattr(ssl, "SSLContext", None), "hostname_checks_common_name"
)
needs_openssl_check = pytest.mark.skipif(
    not OPENSSL_CHECKS_HOSTNAME,
    reason="ssl has no OpenSSL host name verification "
    "(SSLContext.hostname_checks_common_name, 3.7+): check_hostname runs "
    "ssl.match_hostname in Python here",
)


class C(object):
    """A corpus certificate: its names, and hostnames it does/doesn't match."""

    def __init__(self, ident, dns=(), ip=(), cn=(), raw=(), ok=(), no=(), san=None):
        self.ident = ident
        self.dns = list(dns)
        self.ip = list(ip)
        self.cn = list(cn)
        self.raw = list(raw)  # (tag, bytes) general names written as is
        self.ok = list(ok)
        self.no = list(no)
        # Whether the certificate has a subjectAltName extension at all.
        self.san = bool(self.dns or self.ip or self.raw) if san is None else san

    @property
    def has_dns_or_ip(self):
        return bool(self.dns or self.ip or any(tag in (2, 7) for tag, _ in self.raw))


BUECHER = u"b\u00fccher"  # xn--bcher-kva
FASS = u"fa\u00df"  # IDNA 2008: xn--fa-hia; IDNA 2003: fass

CORPUS = [
    # -- exact DNS names, case, trailing dots
    C("exact", dns=["example.com"], cn=["example.com"],
      ok=["example.com", "EXAMPLE.COM", "Example.Com", "example.com."],
      no=["www.example.com", "example.org", "exampleXcom", "xexample.com",
          "example.co", "com", "example.com..", "example", "a.example.com.",
          "example.comx", "example.com.example.com"]),
    C("exact-upper-san", dns=["ExAmPlE.CoM"],
      ok=["example.com", "EXAMPLE.COM", "example.com."],
      no=["example.org", "www.example.com"]),
    C("san-trailing-dot", dns=["example.com."],
      ok=["example.com", "example.com.", "EXAMPLE.com."],
      no=["www.example.com", "example.com..", "example.co"]),
    C("several-dns", dns=["a.example.com", "b.example.com", "c.example.org"],
      ok=["a.example.com", "b.example.com", "c.example.org", "B.EXAMPLE.COM"],
      no=["d.example.com", "example.com", "c.example.com", "a.example.org"]),
    C("many-dns-match-last",
      dns=["host%d.example.net" % i for i in range(30)] + ["last.example.net"],
      ok=["last.example.net", "host0.example.net", "host29.example.net"],
      no=["host30.example.net", "example.net", "x.example.net"]),
    C("localhost", dns=["localhost"], ok=["localhost", "LOCALHOST", "localhost."],
      no=["localhost.localdomain", "a.localhost", "127.0.0.1", "::1"]),
    C("underscore", dns=["foo_bar.example.com"],
      ok=["foo_bar.example.com", "FOO_BAR.example.com"],
      no=["foobar.example.com", "foo-bar.example.com"]),
    C("hyphens", dns=["a-b.example.com", "-lead.example.com"],
      ok=["a-b.example.com", "-lead.example.com"],
      no=["ab.example.com", "lead.example.com"]),
    # -- wildcards
    C("wildcard", dns=["*.example.com"],
      ok=["foo.example.com", "FOO.EXAMPLE.COM", "a-b.example.com",
          "123.example.com", "xn--bcher-kva.example.com", "foo.example.com.",
          "-foo.example.com", "foo-.example.com", "*.example.com",
          BUECHER + u".example.com"],
      no=["example.com", "a.b.example.com", "foo.example.org",
          "foo_bar.example.com", "example.com.", "fooexample.com",
          "foo.example.com..", "foo.bar.example.com.", "foo..example.com"]),
    C("wildcard-upper", dns=["*.EXAMPLE.COM"],
      ok=["foo.example.com", "Foo.Example.Com"], no=["example.com"]),
    C("wildcard-san-trailing-dot", dns=["*.example.com."],
      ok=["foo.example.com", "foo.example.com."],
      no=["example.com", "a.b.example.com"]),
    C("wildcard-and-apex", dns=["*.example.com", "example.com"],
      ok=["example.com", "www.example.com", "mail.example.com"],
      no=["a.www.example.com", "example.org", "wwwexample.com"]),
    C("wildcard-two-labels", dns=["*.com"], ok=[],
      no=["example.com", "com", "a.b.com", "www.com"]),
    C("wildcard-two-labels-dot", dns=["*.com."], no=["example.com", "example.com."]),
    C("wildcard-public-suffix", dns=["*.co.uk"],
      ok=["example.co.uk", "foo.co.uk"], no=["co.uk", "a.example.co.uk"]),
    C("wildcard-deep", dns=["*.a.b.c.example.com"],
      ok=["x.a.b.c.example.com"], no=["a.b.c.example.com", "y.x.a.b.c.example.com"]),
    C("wildcard-only", dns=["*"], no=["example.com", "com", "localhost", "a"]),
    C("wildcard-dot-only", dns=["*."], no=["example.com", "com", "a"]),
    C("partial-prefix", dns=["f*.example.com"],
      ok=["f*.example.com"],  # the very same string: no wildcard involved
      no=["foo.example.com", "f.example.com", "bar.example.com"]),
    C("partial-suffix", dns=["*o.example.com"],
      no=["foo.example.com", "o.example.com", "bar.example.com"]),
    C("partial-inner", dns=["a*b.example.com"],
      no=["axxb.example.com", "ab.example.com", "a.example.com"]),
    C("partial-double", dns=["a*b*.example.com"], no=["axxbxxc.example.com"]),
    C("partial-then-good", dns=["a*b.example.com", "good.example.com"],
      ok=["good.example.com"], no=["axxb.example.com"]),
    C("partial-embedded", dns=["ba*.example.com"], no=["baz.example.com"]),
    C("double-star-label", dns=["**.example.com"], no=["foo.example.com"]),
    C("two-wildcards", dns=["*.*.example.com"],
      no=["a.b.example.com", "a.example.com"]),
    C("wildcard-not-leftmost", dns=["foo.*.example.com"],
      no=["foo.bar.example.com", "foo.example.com"]),
    C("wildcard-in-last", dns=["example.*"], no=["example.com", "example.org"]),
    C("wildcard-after-sub", dns=["www.*.com"], no=["www.example.com"]),
    C("wildcard-bad-suffix-hyphen", dns=["*.-example.com", "*.example-.com"],
      no=["a.-example.com", "a.example-.com"]),
    C("wildcard-underscore-suffix", dns=["*.foo_bar.example.com"],
      ok=["*.foo_bar.example.com"], no=["a.foo_bar.example.com"]),
    C("wildcard-empty-label", dns=["*..example.com"], no=["a..example.com"]),
    C("wildcard-plus-other", dns=["*.example.com", "other.org"],
      ok=["www.example.com", "other.org"], no=["www.other.org"]),
    # -- IDNA A-labels and wildcards around them
    C("alabel", dns=["xn--bcher-kva.example"],
      ok=[BUECHER + u".example", u"B\u00dcCHER.example", "xn--bcher-kva.example",
          "XN--BCHER-KVA.EXAMPLE", BUECHER + u".example."],
      no=["bucher.example", "xn--bcher.example", "b.example"]),
    C("alabel-wildcard-prefix", dns=["xn--*.example.com"],
      no=["xn--bcher-kva.example.com", BUECHER + u".example.com", "xn--.example.com"]),
    C("alabel-partial-wildcard", dns=["xn--bcher-*.example.com"],
      no=["xn--bcher-kva.example.com", BUECHER + u".example.com"]),
    C("alabel-wildcard-embedded", dns=["xn--*-1b3c148a.example.com"],
      no=["xn--bliss-1b3c148a.example.com"]),
    C("wildcard-over-alabel", dns=["*.xn--bcher-kva.de"],
      ok=["www.xn--bcher-kva.de", u"www." + BUECHER + u".de", u"WWW." + BUECHER + u".de"],
      no=["xn--bcher-kva.de", BUECHER + u".de", "a.b.xn--bcher-kva.de"]),
    C("alabel-idna2008", dns=["xn--fa-hia.de"],
      ok=[FASS + u".de", "xn--fa-hia.de"], no=["fass.de", "fa.de"]),
    C("alabel-idna2003", dns=["fass.de"], ok=["fass.de", "FASS.DE"],
      no=[FASS + u".de", "xn--fa-hia.de"]),
    C("raw-unicode-dns", dns=[BUECHER + u".example", u"\U0001f61c.example.com"],
      no=[BUECHER + u".example", "xn--bcher-kva.example", "xn--628h.example.com",
          u"\U0001f61c.example.com"]),
    C("kelvin-sign", dns=[u"\u212aelvin.example.com"],
      no=["kelvin.example.com", "Kelvin.example.com"]),
    C("fullwidth-dots", dns=["www.example.com"],
      ok=[u"www\u3002example\u3002com", u"www\uff0eexample\uff0ecom"],
      no=[u"www\u3002example\u3002org"]),
    # -- IPv4
    C("ipv4", ip=["127.0.0.1", "10.1.2.3"], cn=["example.com"],
      ok=["127.0.0.1", "10.1.2.3"],
      no=["127.0.0.2", "10.1.2.4", "127.1", "127.0.1", "10.1.2.3.",
          "::ffff:10.1.2.3", "::ffff:a01:203", "::10.1.2.3", "example.com",
          "localhost", "127.0.0.1.", "0127.0.0.1", "127.000.000.001",
          "1.2.3.4.5", "10.1.2.3.0", "2130706433", "0x7f.0.0.1"]),
    C("ipv4-edges", ip=["0.0.0.0", "255.255.255.255", "1.2.3.4"],
      ok=["0.0.0.0", "255.255.255.255", "1.2.3.4"],
      no=["256.0.0.0", "255.255.255.256", "1.2.3.04", "01.2.3.4",
          "1.2.3.4/32", "1.2.3", "1.2.3.", ".1.2.3.4"]),
    C("ipv4-spaces", ip=["14.15.16.17"],
      ok=["14.15.16.17"],
      no=["14.15.16.17 ", " 14.15.16.17", "14.15.16.17 extra",
          "14.15.16.17\t", "14.15.16.17\n", "14.15.16.18", "+14.15.16.17"]),
    C("ipv4-and-dns", dns=["example.com", "*.example.com"], ip=["192.0.2.1"],
      ok=["example.com", "www.example.com", "192.0.2.1"],
      no=["192.0.2.2", "example.net", "192.0.2.1."]),
    C("ipv4-mapped-san", ip=["::ffff:192.0.2.1"],
      ok=["::ffff:192.0.2.1", "::ffff:c000:201", "0:0:0:0:0:ffff:c000:0201",
          "::FFFF:C000:201"],
      no=["192.0.2.1", "::192.0.2.1", "::ffff:192.0.2.2"]),
    C("ip-invalid-length", raw=[(7, b"\x7f\x00\x00\x01\x00"), (7, b"\x0a\x00\x00")],
      ip=["192.0.2.9"], ok=["192.0.2.9"],
      no=["127.0.0.1", "10.0.0.0", "127.0.0.1.0", "::1"]),
    # -- IPv6
    C("ipv6", ip=["2001:db8::1", "::1", "fe80::1:2:3:4"],
      ok=["2001:db8::1", "2001:DB8::1", "2001:0db8:0:0:0:0:0:1",
          "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8:0::1",
          "2001:db8::0:1", "::1", "0:0:0:0:0:0:0:1", "::0:1",
          "fe80::1:2:3:4", "fe80:0:0:0:1:2:3:4", "FE80::1:2:3:4"],
      no=["2001:db8::2", "2001:db8::1 ", " 2001:db8::1", "2001:db8::1 extra",
          "[::1]", "::1%lo", "fe80::1:2:3:4%1", "2001:db8:::1",
          "2001:db8::1::", "2001:db8:0:0:0:0:0:0:1", "12001:db8::1",
          "2001:db8::00001", "::2", "127.0.0.1", "::", "1::",
          "::ffff:127.0.0.1", "2001:db8::g", "fe80::1:2:3:4."]),
    C("ipv6-cafe", ip=["2001::cafe", "2003::baba"],
      ok=["2001::cafe", "2001:0:0:0:0:0:0:CAFE", "2003::BABA"],
      no=["2003::baba ", "2003::baba extra data", "2003::bebe", "example.net",
          "2001::cafe:0", "2001:cafe::"]),
    C("ipv6-edges", ip=["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                        "1:2:3:4:5:6:7:0", "0:2:3:4:5:6:7:8"],
      ok=["::", "0::0", "0:0:0:0:0:0:0:0", "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF",
          "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8",
          "1:2:3:4:5:6:7:0"],
      no=["::0:0:0:0:0:0:0:0", "1:2:3:4:5:6:7:8", ":::", ":1:2:3:4:5:6:7",
          "1:2:3:4:5:6:7:", "1:2:3:4:5:6:7", "::ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]),
    C("ipv6-embedded-v4", ip=["64:ff9b::192.0.2.33"],
      ok=["64:ff9b::192.0.2.33", "64:ff9b::c000:221", "64:ff9b:0:0:0:0:192.0.2.33"],
      no=["192.0.2.33", "64:ff9b::192.0.2.033", "64:ff9b::192.0.2", "64:ff9b::192.0.2.33.1"]),
    # -- DNS names that look like IP addresses
    C("dns-looks-like-ip", dns=["8.8.8.8", "127.0.0.1", "::1", "2001:db8::1"],
      no=["8.8.8.8", "127.0.0.1", "::1", "2001:db8::1", "8.8.8.8.", "127.0.0.1."]),
    C("dns-short-ip", dns=["127.1", "10.1.2.3.4", "1.2.3.4.example"],
      ok=["127.1", "10.1.2.3.4", "1.2.3.4.example"],
      no=["127.0.0.1", "10.1.2.3"]),
    C("dns-and-ip-same", dns=["192.0.2.7"], ip=["192.0.2.7"], ok=["192.0.2.7"],
      no=["192.0.2.7."]),
    # -- commonName
    C("cn-only", cn=["example.com"], ok=["example.com", "EXAMPLE.COM", "example.com."],
      no=["www.example.com", "example.org"]),
    C("cn-only-wildcard", cn=["*.example.com"], ok=["foo.example.com"],
      no=["example.com", "a.b.example.com", "foo.example.org"]),
    C("cn-only-partial-wildcard", cn=["f*.com"],
      no=["foo.com", "f.com", "bar.com", "foo.a.com", "bar.foo.com"]),
    C("cn-only-two-cns", cn=["a.example.com", "b.example.com"],
      ok=["a.example.com", "b.example.com"], no=["c.example.com"]),
    C("cn-only-ip", cn=["127.0.0.1", "::1"],
      no=["127.0.0.1", "::1", "127.0.0.1."]),
    C("cn-only-unicode", cn=[u"test-\u6e2c\u8a66.com"],
      no=[u"test-\u6e2c\u8a66.com", "xn--test--wg5h0h.com"]),
    C("cn-only-alabel", cn=["xn--bcher-kva.example"],
      ok=[BUECHER + u".example", "xn--bcher-kva.example"], no=["bucher.example"]),
    C("no-names", cn=[], no=["example.com", "127.0.0.1", "localhost"]),
    C("cn-and-dns", dns=["san.example.com"], cn=["cn.example.com"],
      ok=["san.example.com"], no=["cn.example.com"]),
    C("cn-and-ip-only", ip=["127.0.0.1"], cn=["cn.example.com"],
      ok=["127.0.0.1"], no=["cn.example.com", "127.0.0.2"]),
    C("cn-and-other-san", raw=[(1, b"admin@example.com"), (6, b"https://example.com/")],
      cn=["mail.example.com"], ok=["mail.example.com"],
      no=["example.com", "admin@example.com", "https://example.com/"]),
    # -- NUL bytes
    C("nul-dns", dns=[u"a.example.com\x00.evil.com"],
      no=["a.example.com", "evil.com", "a.example.com.evil.com"]),
    C("nul-dns-wildcard", dns=[u"*.example.com\x00.evil.com"],
      no=["a.example.com", "a.example.com.evil.com"]),
    C("nul-cn", cn=[u"null.example.com\x00evil.com"],
      no=["null.example.com", "evil.com", "example.com"]),
    C("nul-and-good", dns=[u"a.example.com\x00.evil.com", "good.example.com"],
      ok=["good.example.com"], no=["a.example.com"]),
    # -- a typical server certificate
    C("typical", dns=["example.com", "www.example.com", "*.api.example.com"],
      ip=["192.0.2.10", "2001:db8::10"], cn=["example.com"],
      ok=["example.com", "www.example.com", "v1.api.example.com", "192.0.2.10",
          "2001:db8::10", "2001:DB8:0:0:0:0:0:10"],
      no=["api.example.com", "mail.example.com", "a.v1.api.example.com",
          "192.0.2.11", "2001:db8::11", "10.0.0.1"]),
]

# Pairs where OpenSSL (through Python's ssl module, check_hostname=True)
# gives another verdict than secureshim on purpose: {(cert, hostname,
# commonName checks on): reason}. docs/match_hostname.md lists them too.
TRAILING_DOT = (
    "trailing dot: secureshim ignores one trailing dot on either side "
    "(example.com. and example.com name the same host; SNI carries no dot, "
    "RFC 6066 section 3); OpenSSL compares the strings as they are"
)
IDNA_2003 = (
    "IDNA: secureshim converts U-labels with IDNA 2008, which keeps the "
    "sharp s (xn--fa-hia.de); Python's ssl encodes server_hostname with the "
    "IDNA 2003 codec, which maps it to ss (fass.de)"
)
CN_WITH_IP_SAN = (
    "commonName: secureshim, like CPython's match_hostname, ignores it when "
    "the certificate has any DNS or IP Address entry; OpenSSL ignores it only "
    "when there is a DNS entry"
)
LOOSE_IPV4 = (
    "IPv4 parsing: OpenSSL before 3.4 reads a hostname with "
    "sscanf(\"%d.%d.%d.%d\"), so leading zeros, a sign, surrounding white "
    "space and anything after a space still make an IP address; secureshim "
    "parses strictly (bpo-37463), so these are DNS names, which the "
    "certificate does not carry"
)

# Which OpenSSL versions give the deviating verdict, for the reasons that
# depend on the version: {reason: (first, last + 1)} as OPENSSL_VERSION_INFO
# prefixes. A reason not listed deviates on every OpenSSL.
#   LOOSE_IPV4: OpenSSL 3.4.0 replaced ipv4_from_asc's sscanf with a strict
#     parser (openssl/openssl#24438) and agrees with secureshim since.
#     Seen here: 3.0.19 (pyenv's builds) loose, 3.6.5 (Debian's python3.14
#     and python3.15) strict.
OPENSSL_RANGES = {
    LOOSE_IPV4: ((0,), (3, 4)),
}


def _openssl_deviates(reason, flavour=ssl.OPENSSL_VERSION,
                      version=ssl.OPENSSL_VERSION_INFO):
    """Whether this ssl module's library gives the verdict ``reason`` names:
    True, False, or None where the table does not know (LibreSSL and
    BoringSSL number their versions differently)."""
    if reason not in OPENSSL_RANGES:
        return True
    if not flavour.startswith("OpenSSL "):
        return None
    first, end = OPENSSL_RANGES[reason]
    return first <= tuple(version[:len(end)]) < end


ALL_DEVIATIONS = {
    ("exact", "example.com.", True): TRAILING_DOT,
    ("exact-upper-san", "example.com.", True): TRAILING_DOT,
    ("san-trailing-dot", "example.com", True): TRAILING_DOT,
    ("localhost", "localhost.", True): TRAILING_DOT,
    ("wildcard", "foo.example.com.", True): TRAILING_DOT,
    ("wildcard-san-trailing-dot", "foo.example.com", True): TRAILING_DOT,
    ("wildcard-san-trailing-dot", "foo.example.com.", True): TRAILING_DOT,
    ("alabel", BUECHER + u".example.", True): TRAILING_DOT,
    ("cn-only", "example.com.", True): TRAILING_DOT,
    ("alabel-idna2008", FASS + u".de", True): IDNA_2003,
    ("alabel-idna2003", FASS + u".de", True): IDNA_2003,
    ("ipv4", "example.com", True): CN_WITH_IP_SAN,
    ("cn-and-ip-only", "cn.example.com", True): CN_WITH_IP_SAN,
    ("ipv4", "0127.0.0.1", True): LOOSE_IPV4,
    ("ipv4", "127.000.000.001", True): LOOSE_IPV4,
    ("ipv4-edges", "1.2.3.04", True): LOOSE_IPV4,
    ("ipv4-edges", "01.2.3.4", True): LOOSE_IPV4,
    ("ipv4-spaces", "14.15.16.17 ", True): LOOSE_IPV4,
    ("ipv4-spaces", " 14.15.16.17", True): LOOSE_IPV4,
    ("ipv4-spaces", "14.15.16.17 extra", True): LOOSE_IPV4,
    ("ipv4-spaces", "14.15.16.17\t", True): LOOSE_IPV4,
    ("ipv4-spaces", "14.15.16.17\n", True): LOOSE_IPV4,
    ("ipv4-spaces", "+14.15.16.17", True): LOOSE_IPV4,
    ("ipv6-embedded-v4", "64:ff9b::192.0.2.033", True): LOOSE_IPV4,
}
# The pairs where this interpreter's OpenSSL must disagree, and those the
# table cannot judge for its library (not compared).
DEVIATIONS = dict(
    (key, reason) for key, reason in ALL_DEVIATIONS.items()
    if _openssl_deviates(reason)
)
UNJUDGED = set(
    key for key, reason in ALL_DEVIATIONS.items()
    if _openssl_deviates(reason) is None
)


def test_openssl_version_ranges():
    # The table above, read for the versions it names.
    assert _openssl_deviates(LOOSE_IPV4, "OpenSSL 3.0.19 27 Jan 2026", (3, 0, 0, 19, 0))
    assert _openssl_deviates(LOOSE_IPV4, "OpenSSL 1.1.1w  11 Sep 2023", (1, 1, 1, 23, 15))
    assert _openssl_deviates(LOOSE_IPV4, "OpenSSL 3.3.2 3 Sep 2024", (3, 3, 0, 2, 0))
    assert not _openssl_deviates(LOOSE_IPV4, "OpenSSL 3.4.0 22 Oct 2024", (3, 4, 0, 0, 0))
    assert not _openssl_deviates(LOOSE_IPV4, "OpenSSL 3.6.5 1 Oct 2026", (3, 6, 0, 5, 0))
    assert _openssl_deviates(LOOSE_IPV4, "LibreSSL 3.8.2", (3, 8, 0, 2, 15)) is None
    assert _openssl_deviates(TRAILING_DOT, "OpenSSL 3.6.5 1 Oct 2026", (3, 6, 0, 5, 0))
    assert all(reason in ALL_DEVIATIONS.values() for reason in OPENSSL_RANGES)


# Pairs where CPython 3.7-3.11's ssl.match_hostname differs from secureshim:
# {(cert, hostname): reason}. Checked on the interpreters that have it.
CPY_WILD_LABEL = (
    "wildcard label: CPython's * stands for any label; secureshim's, like "
    "OpenSSL's, only for letters, digits and hyphens"
)
CPY_WILD_SUFFIX = (
    "wildcard suffix: CPython accepts *.com and labels after the * that are "
    "empty or not letters, digits and inner hyphens; secureshim, like "
    "OpenSSL, does not"
)
CPY_IDNA = (
    "U-label hostname: CPython compares it unconverted; secureshim converts "
    "it to A-labels first, as ssl does with server_hostname"
)
CPY_RAW_UNICODE = (
    "raw Unicode certificate name: CPython compares it with the hostname "
    "as is; certificates must carry A-labels, and secureshim never matches "
    "a name that is not ASCII"
)
CPY_KELVIN = (
    "non-ASCII certificate name: CPython's str.lower() turns U+212A KELVIN "
    "SIGN into an ASCII k; secureshim never matches a name that is not ASCII"
)
CPY_MALFORMED_IP = (
    "malformed IP Address entry ('<invalid>'): CPython raises ValueError; "
    "secureshim skips the entry"
)
CPY_IP_CN = (
    "IP hostname and commonName: CPython matches them; secureshim, like "
    "OpenSSL, compares an IP only with IP Address entries"
)
CPY_LITERAL = (
    "a hostname identical to a name with a misplaced *: CPython raises for "
    "the wildcard; secureshim, like OpenSSL, matches the identical string"
)
CPY_ABORT = (
    "an unsupported wildcard before the matching name: CPython raises at "
    "the first bad entry; secureshim skips it and goes on"
)
CPY_DEVIATIONS = {
    ("exact", "example.com."): TRAILING_DOT,
    ("exact-upper-san", "example.com."): TRAILING_DOT,
    ("san-trailing-dot", "example.com"): TRAILING_DOT,
    ("localhost", "localhost."): TRAILING_DOT,
    ("wildcard", "foo.example.com."): TRAILING_DOT,
    ("wildcard-san-trailing-dot", "foo.example.com"): TRAILING_DOT,
    ("alabel", BUECHER + u".example."): TRAILING_DOT,
    ("cn-only", "example.com."): TRAILING_DOT,
    ("wildcard", "foo_bar.example.com"): CPY_WILD_LABEL,
    ("wildcard-two-labels", "example.com"): CPY_WILD_SUFFIX,
    ("wildcard-two-labels", "www.com"): CPY_WILD_SUFFIX,
    ("wildcard-two-labels-dot", "example.com."): CPY_WILD_SUFFIX,
    ("wildcard-bad-suffix-hyphen", "a.-example.com"): CPY_WILD_SUFFIX,
    ("wildcard-bad-suffix-hyphen", "a.example-.com"): CPY_WILD_SUFFIX,
    ("wildcard-underscore-suffix", "a.foo_bar.example.com"): CPY_WILD_SUFFIX,
    ("wildcard-empty-label", "a..example.com"): CPY_WILD_SUFFIX,
    ("alabel", BUECHER + u".example"): CPY_IDNA,
    ("alabel", u"B\u00dcCHER.example"): CPY_IDNA,
    ("wildcard-over-alabel", u"www." + BUECHER + u".de"): CPY_IDNA,
    ("wildcard-over-alabel", u"WWW." + BUECHER + u".de"): CPY_IDNA,
    ("alabel-idna2008", FASS + u".de"): CPY_IDNA,
    ("fullwidth-dots", u"www\u3002example\u3002com"): CPY_IDNA,
    ("fullwidth-dots", u"www\uff0eexample\uff0ecom"): CPY_IDNA,
    ("cn-only-alabel", BUECHER + u".example"): CPY_IDNA,
    ("raw-unicode-dns", BUECHER + u".example"): CPY_RAW_UNICODE,
    ("raw-unicode-dns", u"\U0001f61c.example.com"): CPY_RAW_UNICODE,
    ("cn-only-unicode", u"test-\u6e2c\u8a66.com"): CPY_RAW_UNICODE,
    ("kelvin-sign", "kelvin.example.com"): CPY_KELVIN,
    ("kelvin-sign", "Kelvin.example.com"): CPY_KELVIN,
    ("ip-invalid-length", "127.0.0.1"): CPY_MALFORMED_IP,
    ("ip-invalid-length", "10.0.0.0"): CPY_MALFORMED_IP,
    ("ip-invalid-length", "::1"): CPY_MALFORMED_IP,
    ("cn-only-ip", "127.0.0.1"): CPY_IP_CN,
    ("cn-only-ip", "::1"): CPY_IP_CN,
    ("partial-prefix", "f*.example.com"): CPY_LITERAL,
    ("partial-then-good", "good.example.com"): CPY_ABORT,
}


def _expected(entry, host, check_cn):
    if host in entry.ok:
        return check_cn or entry.has_dns_or_ip
    return False


def _pairs():
    for entry in CORPUS:
        for host in entry.ok + entry.no:
            yield entry, host


def test_corpus_is_large_and_consistent():
    pairs = list(_pairs())
    assert len(pairs) >= 200, len(pairs)
    for entry in CORPUS:
        assert not set(entry.ok) & set(entry.no), entry.ident
    idents = [entry.ident for entry in CORPUS]
    assert len(idents) == len(set(idents))


# -- certificates -------------------------------------------------------

def _text(value):
    return value.decode("ascii") if isinstance(value, bytes) else value


def _der(tag, content):
    n = len(content)
    if n < 0x80:
        length = struct.pack("B", n)
    elif n < 0x100:
        length = struct.pack("BB", 0x81, n)
    else:
        length = struct.pack(">BH", 0x82, n)
    return struct.pack("B", tag) + length + content


def _ip_bytes(text):
    family = socket.AF_INET6 if ":" in text else socket.AF_INET
    return socket.inet_pton(family, str(text))


def _san_der(entry):
    names = [_der(0x82, _text(name).encode("utf-8")) for name in entry.dns]
    names += [_der(0x87, _ip_bytes(ip)) for ip in entry.ip]
    names += [_der(0x80 | tag, value) for tag, value in entry.raw]
    return _der(0x30, b"".join(names))


class _Pki(object):
    """A CA and the corpus's leaf certificates, written to ``directory``."""

    def __init__(self, directory):
        self.backend = default_backend()
        self.directory = directory
        self.ca_key = ec.generate_private_key(ec.SECP256R1(), self.backend)
        self.ca_name = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, u"secureshim match_hostname CA")]
        )
        # naive datetimes are UTC to cryptography
        self.not_before = datetime.datetime(2020, 1, 1)
        self.not_after = datetime.datetime(2100, 1, 1)
        ca_cert = (
            self._builder(self.ca_name, self.ca_key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False, content_commitment=False,
                    key_encipherment=False, data_encipherment=False,
                    key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.ca_key, hashes.SHA256(), self.backend)
        )
        self.ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
        # One key for every leaf keeps generation fast.
        self.leaf_key = ec.generate_private_key(ec.SECP256R1(), self.backend)
        self.key_file = os.path.join(directory, "leaf.key")
        with open(self.key_file, "wb") as f:
            f.write(
                self.leaf_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.TraditionalOpenSSL,
                    serialization.NoEncryption(),
                )
            )

    def _builder(self, subject, public_key):
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before)
            .not_valid_after(self.not_after)
        )

    def leaf(self, entry):
        """Write ``entry``'s certificate; return the file name."""
        attributes = [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, u"secureshim tests")
        ] + [x509.NameAttribute(NameOID.COMMON_NAME, _text(cn)) for cn in entry.cn]
        builder = self._builder(x509.Name(attributes), self.leaf_key.public_key())
        builder = builder.add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True
        )
        if entry.san:
            builder = builder.add_extension(
                x509.UnrecognizedExtension(
                    ExtensionOID.SUBJECT_ALTERNATIVE_NAME, _san_der(entry)
                ),
                critical=False,
            )
        cert = builder.sign(self.ca_key, hashes.SHA256(), self.backend)
        path = os.path.join(self.directory, entry.ident + ".pem")
        with open(path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        return path


# -- servers and clients ------------------------------------------------

_SERVER_PROTOCOL = getattr(ssl, "PROTOCOL_TLS_SERVER", None) or ssl.PROTOCOL_SSLv23
_CLIENT_PROTOCOL = getattr(ssl, "PROTOCOL_TLS_CLIENT", None) or ssl.PROTOCOL_SSLv23


class _Servers(object):
    """One listening socket and server context per certificate; one thread."""

    def __init__(self, pki, entries):
        self.ports = {}
        self._contexts = {}
        self._stop = False
        for entry in entries:
            context = ssl.SSLContext(_SERVER_PROTOCOL)
            context.load_cert_chain(pki.leaf(entry), pki.key_file)
            if hasattr(context, "num_tickets"):  # 3.8+: no session tickets
                context.num_tickets = 0
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sock.listen(8)
            self.ports[entry.ident] = sock.getsockname()[1]
            self._contexts[sock] = context
        self._thread = threading.Thread(target=self._serve)
        self._thread.daemon = True
        self._thread.start()

    def _serve(self):
        listeners = list(self._contexts)
        while not self._stop:
            ready, _, _ = select.select(listeners, [], [], 0.2)
            for sock in ready:
                conn, _ = sock.accept()
                conn.settimeout(10)
                try:
                    tls = self._contexts[sock].wrap_socket(conn, server_side=True)
                    tls.close()
                except (ssl.SSLError, socket.error):
                    pass  # the client rejected the certificate
                finally:
                    conn.close()

    def close(self):
        self._stop = True
        self._thread.join()
        for sock in self._contexts:
            sock.close()


def _client_context(pki, check_hostname, check_cn=True):
    context = ssl.SSLContext(_CLIENT_PROTOCOL)
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = check_hostname
    context.load_verify_locations(cadata=pki.ca_pem.decode("ascii"))
    if check_hostname:
        context.hostname_checks_common_name = check_cn
    return context


def _connect(context, port, server_hostname=None):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        return context.wrap_socket(sock, server_hostname=server_hostname)
    except BaseException:
        sock.close()
        raise


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if x509 is None:
        pytest.skip("the cryptography package (certificate generation) is not "
                    "installed for this interpreter")
    directory = str(tmp_path_factory.mktemp("match_hostname_pki"))
    pki = _Pki(directory)
    servers = _Servers(pki, CORPUS)
    peer = {}
    context = _client_context(pki, check_hostname=False)
    try:
        for entry in CORPUS:
            tls = _connect(context, servers.ports[entry.ident])
            try:
                peer[entry.ident] = tls.getpeercert()
            finally:
                tls.close()
        yield pki, servers, peer
    finally:
        servers.close()


def _secureshim_verdict(cert, host, check_cn):
    try:
        match_hostname(cert, host, hostname_checks_common_name=check_cn)
    except CertificateError:
        return False
    return True


# X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
_MISMATCH_CODES = (62, 64)


def _openssl_verdict(context, port, host):
    """True/False, or None when ssl refuses ``host`` as a server_hostname."""
    try:
        context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname=host)
    except (ValueError, TypeError):  # UnicodeError is a ValueError
        return None
    try:
        tls = _connect(context, port, host)
    except ssl.SSLCertVerificationError as exc:
        assert exc.verify_code in _MISMATCH_CODES, exc
        return False
    tls.close()
    return True


def _variants(entry):
    # commonName checks off change nothing for certificates with DNS or IP
    # entries (never consulted); only the others are run both ways.
    return (True,) if entry.has_dns_or_ip else (True, False)


@needs_cryptography
def test_secureshim_on_real_peer_certificates(world):
    _, _, peer = world
    wrong = []
    for entry, host in _pairs():
        for check_cn in (True, False):
            verdict = _secureshim_verdict(peer[entry.ident], host, check_cn)
            if verdict != _expected(entry, host, check_cn):
                wrong.append((entry.ident, host, check_cn, verdict))
    assert not wrong


@needs_cryptography
@needs_openssl_check
def test_openssl_agrees_with_secureshim(world):
    pki, servers, peer = world
    contexts = {
        True: _client_context(pki, check_hostname=True, check_cn=True),
        False: _client_context(pki, check_hostname=True, check_cn=False),
    }
    disagree = []
    unrepresentable = []
    compared = 0
    listed = set(DEVIATIONS)
    for entry, host in _pairs():
        for check_cn in _variants(entry):
            ours = _secureshim_verdict(peer[entry.ident], host, check_cn)
            theirs = _openssl_verdict(contexts[check_cn], servers.ports[entry.ident], host)
            if theirs is None:
                unrepresentable.append((entry.ident, host))
                continue
            compared += 1
            key = (entry.ident, host, check_cn)
            listed.discard(key)
            if key in UNJUDGED:
                continue
            if key in DEVIATIONS:
                if ours == theirs:
                    disagree.append(key + ("listed as a deviation but agrees",))
            elif ours != theirs:
                disagree.append(key + ("secureshim %s, OpenSSL %s" % (ours, theirs),))
    print("compared %d pairs; unrepresentable: %r" % (compared, unrepresentable))
    assert compared >= 200
    assert not listed, "deviations never compared: %r" % (listed,)
    assert not disagree, "\n".join(repr(d) for d in disagree)


# ssl.match_hostname: 2.7.9+ and 3.2-3.11; 3.7 rewrote it (IP addresses, no
# partial wildcards) into the version that 3.11 still has.
CPYTHON_MATCH_HOSTNAME = getattr(ssl, "match_hostname", None)


@needs_cryptography
@pytest.mark.skipif(
    CPYTHON_MATCH_HOSTNAME is None or not OPENSSL_CHECKS_HOSTNAME,
    reason="no ssl.match_hostname of CPython 3.7-3.11 here (removed in 3.12; "
    "a different implementation before 3.7)",
)
def test_cpython_differs_only_where_documented(world):
    _, _, peer = world
    disagree = []
    listed = set(CPY_DEVIATIONS)
    for entry, host in _pairs():
        cert = peer[entry.ident]
        ours = _secureshim_verdict(cert, host, True)
        with warnings.catch_warnings():
            # 3.10+: "ssl.match_hostname() is deprecated"
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                CPYTHON_MATCH_HOSTNAME(cert, host)
                theirs = True
            except CertificateError:
                theirs = False
            except ValueError:  # its IP parser on a malformed entry
                theirs = "ValueError"
        key = (entry.ident, host)
        listed.discard(key)
        if key in CPY_DEVIATIONS:
            if ours == theirs:
                disagree.append(key + ("listed as a deviation but agrees",))
        elif ours != theirs:
            disagree.append(key + ("secureshim %s, CPython %s" % (ours, theirs),))
    assert not disagree, "\n".join(repr(d) for d in disagree)
    assert not listed, "deviations never compared: %r" % (listed,)
