"""match_hostname: CPython's test_ssl cases, x509-limbo, properties, IDNA, input."""
from __future__ import absolute_import, division, print_function

import json
import os
import socket
import ssl
import sys
import warnings

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import secureshim
from secureshim import CertificateError, features, match_hostname
from secureshim import _match_hostname as mh

from .conftest import VECTORS, WASM_RUNTIME, block_imports, run_python

PY2 = sys.version_info[0] == 2
text = unicode if PY2 else str  # noqa: F821


def ok(cert, hostname, **kwargs):
    assert match_hostname(cert, hostname, **kwargs) is None


def fail(cert, hostname, **kwargs):
    with pytest.raises(CertificateError):
        match_hostname(cert, hostname, **kwargs)


def cn_cert(name):
    return {"subject": ((("commonName", name),),)}


# -- the exception and the tier ------------------------------------------

def test_certificate_error_is_the_ssl_modules_class():
    assert issubclass(CertificateError, ValueError)
    # The message shows (CPython's SSLError prints the args tuple).
    assert "no match for example.org" in str(CertificateError("no match for example.org"))
    if not issubclass(ssl.CertificateError, ValueError):
        # Pyodide's stub _ssl: its class is neither a ValueError nor shows
        # its message; secureshim's subclasses it.
        assert issubclass(CertificateError, ssl.CertificateError)
        return
    # ssl.CertificateError: 2.7.9+ and 3.2+.
    assert CertificateError is ssl.CertificateError
    # 3.7+: an alias of SSLCertVerificationError.
    if hasattr(ssl, "SSLCertVerificationError"):
        assert CertificateError is ssl.SSLCertVerificationError


def test_except_ssl_certificate_error_catches_a_mismatch():
    try:
        match_hostname(cn_cert("example.com"), "example.org")
    except ssl.CertificateError as exc:
        assert "example.org" in str(exc)
    else:
        raise AssertionError("no exception")


def test_the_python_tier_is_used_everywhere():
    assert secureshim.backends()["match_hostname"] == "python"
    assert mh.TIER == "python"


def test_forcing_the_python_tier_works():
    result = run_python(
        """
        import secureshim
        secureshim.match_hostname({"subjectAltName": (("DNS", "a.b"),)}, "a.b")
        print(secureshim.backends()["match_hostname"])
        """,
        env={"SECURESHIM_FORCE": "match_hostname=python"},
    ).check()
    assert result.out.strip() == "python"


def test_forcing_an_unknown_tier_names_the_choices():
    result = run_python("import secureshim", env={"SECURESHIM_FORCE": "match_hostname=native"})
    assert result.returncode != 0
    assert "match_hostname=python" in result.err


@pytest.mark.skipif(
    sys.version_info < (3, 7),
    reason="no module __getattr__ (PEP 562) before 3.7: match_hostname loads at import",
)
def test_matching_ascii_names_imports_neither_ssl_nor_idna():
    result = run_python(
        """
        import sys
        import secureshim
        cert = {"subjectAltName": (("DNS", "*.example.com"), ("IP Address", "::1"))}
        secureshim.match_hostname(cert, "www.example.com")
        secureshim.match_hostname(cert, "::1")
        try:
            secureshim.match_hostname(cert, "example.com")
        except secureshim.CertificateError:
            pass
        print("ssl" in sys.modules, "idna" in sys.modules)
        """
    ).check()
    assert result.out.split() == ["False", "False"]


# -- CPython 3.11 Lib/test/test_ssl.py, test_match_hostname, as outcomes ---

def test_cpython_hostname_matching():
    cert = cn_cert("example.com")
    ok(cert, "example.com")
    ok(cert, "ExAmple.cOm")
    fail(cert, "www.example.com")
    fail(cert, ".example.com")
    fail(cert, "example.org")
    fail(cert, "exampleXcom")

    cert = cn_cert("*.a.com")
    ok(cert, "foo.a.com")
    fail(cert, "bar.foo.a.com")
    fail(cert, "a.com")
    fail(cert, "Xa.com")
    fail(cert, ".a.com")

    # only whole left-most labels are wildcards
    cert = cn_cert("f*.com")
    for host in ("foo.com", "f.com", "bar.com", "foo.a.com", "bar.foo.com"):
        fail(cert, host)


def test_cpython_nul_bytes():
    # CVE-2013-4073
    cert = cn_cert(u"null.python.org\x00example.org")
    ok(cert, u"null.python.org\x00example.org")
    fail(cert, "example.org")
    fail(cert, "null.python.org")


def test_cpython_wildcard_errors():
    cert = cn_cert("*.*.a.com")
    for host in ("bar.foo.a.com", "a.com", "Xa.com", ".a.com"):
        fail(cert, host)
    cert = cn_cert("a.*.com")
    for host in ("a.foo.com", "a..com", "a.com"):
        fail(cert, host)


def test_cpython_idna_prefix():
    alabel = u"p\u00fcthon.python.org".encode("idna").decode("ascii")
    ok(cn_cert(alabel), alabel)
    fail(cn_cert("x*.python.org"), alabel)
    fail(cn_cert("xn--p*.python.org"), alabel)
    # a partial wildcard before A-labels
    cert = cn_cert(u"www*.pyth\u00f6n.org".encode("idna").decode("ascii"))
    for host in (u"www.pyth\u00f6n.org", u"www1.pyth\u00f6n.org",
                 u"ftp.pyth\u00f6n.org", u"pyth\u00f6n.org"):
        fail(cert, host.encode("idna").decode("ascii"))


def test_cpython_real_world_examples():
    cert = {
        "notAfter": "Jun 26 21:41:46 2011 GMT",
        "subject": ((("commonName", "linuxfrz.org"),),),
        "subjectAltName": (
            ("DNS", "linuxfr.org"),
            ("DNS", "linuxfr.com"),
            ("othername", "<unsupported>"),
        ),
    }
    ok(cert, "linuxfr.org")
    ok(cert, "linuxfr.com")
    fail(cert, "<unsupported>")  # not a DNS entry
    fail(cert, "linuxfrz.org")  # a DNS entry hides the commonName

    cert = {
        "notAfter": "Dec 18 23:59:59 2011 GMT",
        "subject": (
            (("countryName", "US"),),
            (("stateOrProvinceName", "California"),),
            (("localityName", "Mountain View"),),
            (("organizationName", "Google Inc"),),
            (("commonName", "mail.google.com"),),
        ),
    }
    ok(cert, "mail.google.com")
    fail(cert, "gmail.com")
    fail(cert, "California")  # only the commonName counts


def test_cpython_ipv4():
    cert = {
        "subject": ((("commonName", "example.com"),),),
        "subjectAltName": (
            ("DNS", "example.com"),
            ("IP Address", "10.11.12.13"),
            ("IP Address", "14.15.16.17"),
            ("IP Address", "127.0.0.1"),
        ),
    }
    ok(cert, "10.11.12.13")
    ok(cert, "14.15.16.17")
    for host in ("127.1", "14.15.16.17 ", "14.15.16.17 extra data",
                 "14.15.16.18", "example.net"):
        fail(cert, host)


def test_cpython_ipv6():
    # OpenSSL before 1.1 printed IPv6 entries with a newline.
    cert = {
        "subject": ((("commonName", "example.com"),),),
        "subjectAltName": (
            ("DNS", "example.com"),
            ("IP Address", "2001:0:0:0:0:0:0:CAFE\n"),
            ("IP Address", "2003:0:0:0:0:0:0:BABA\n"),
        ),
    }
    ok(cert, "2001::cafe")
    ok(cert, "2003::baba")
    for host in ("2003::baba ", "2003::baba extra data", "2003::bebe", "example.net"):
        fail(cert, host)


def test_cpython_miscellaneous():
    google = (
        (("countryName", "US"),),
        (("stateOrProvinceName", "California"),),
        (("localityName", "Mountain View"),),
    )
    # neither commonName nor subjectAltName
    fail({"subject": google + ((("organizationName", "Google Inc"),),)}, "mail.google.com")
    # no DNS entry, but a commonName
    ok({"subject": google + ((("commonName", "mail.google.com"),),),
        "subjectAltName": (("othername", "blabla"),)}, "mail.google.com")
    # no DNS entry and no commonName
    fail({"subject": google + ((("organizationName", "Google Inc"),),),
          "subjectAltName": (("othername", "blabla"),)}, "google.com")


def test_cpython_empty_or_no_cert():
    for cert in (None, {}):
        with pytest.raises(ValueError) as info:
            match_hostname(cert, "example.com")
        assert not isinstance(info.value, CertificateError)


def test_cpython_unsupported_wildcards():
    # bpo-17980: one wildcard per label at most, and only a whole label.
    fail(cn_cert("a*b.example.com"), "axxb.example.com")
    fail(cn_cert("www.*.example.com"), "www.sub.example.com")
    fail(cn_cert("a*b*.example.com"), "axxbxxc.example.com")
    fail(cn_cert("*"), "host")
    fail(cn_cert("*.com"), "com")


def test_cpython_inet_paton_cases():
    for invalid in ["1", "", "1.2.3", "256.0.0.1", "127.0.0.1/24"]:
        assert mh._parse_ip(invalid) is None, invalid
    for valid in ["127.0.0.1", "192.168.0.1", "::1", "2001:db8:85a3::8a2e:370:7334"]:
        assert mh._parse_ip(valid) is not None, valid


# -- rules beyond CPython's tests ----------------------------------------

def test_commonname_is_ignored_when_there_is_any_dns_or_ip_entry():
    subject = ((("commonName", "cn.example.com"),),)
    fail({"subject": subject, "subjectAltName": (("DNS", "x.example.com"),)}, "cn.example.com")
    fail({"subject": subject, "subjectAltName": (("IP Address", "127.0.0.1"),)}, "cn.example.com")
    ok({"subject": subject, "subjectAltName": (("email", "a@example.com"),)}, "cn.example.com")


def test_hostname_checks_common_name_false_never_uses_it():
    cert = cn_cert("example.com")
    ok(cert, "example.com", hostname_checks_common_name=True)
    fail(cert, "example.com", hostname_checks_common_name=False)
    with pytest.raises(CertificateError) as info:
        match_hostname(cert, "example.com", False)
    assert "commonName" in str(info.value)
    cert["subjectAltName"] = (("DNS", "example.com"),)
    ok(cert, "example.com", hostname_checks_common_name=False)


def test_ip_hostnames_never_match_dns_entries_or_the_commonname():
    cert = {"subject": ((("commonName", "8.8.8.8"),),), "subjectAltName": (("DNS", "8.8.8.8"),)}
    fail(cert, "8.8.8.8")
    fail(cn_cert("8.8.8.8"), "8.8.8.8")
    fail(cn_cert("::1"), "::1")
    fail({"subjectAltName": (("DNS", "::1"),)}, "::1")
    # ... nor through a trailing dot or IDNA mapping of fullwidth digits
    fail({"subjectAltName": (("DNS", "8.8.8.8"),)}, "8.8.8.8.")
    # Without the idna package this goes through the stdlib codec, whose
    # first use warns; the warning is not what this test is about.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", secureshim.DegradedSecurityWarning)
        fail({"subjectAltName": (("DNS", "8.8.8.8"),)}, u"\uff18.\uff18.\uff18.\uff18")
        fail({"subjectAltName": (("IP Address", "8.8.8.8"),)}, u"\uff18.\uff18.\uff18.\uff18")


def test_ip_addresses_compare_by_value():
    cert = {"subjectAltName": (("IP Address", "2001:0:0:0:0:0:0:CAFE"),
                               ("IP Address", "192.0.2.1"))}
    for host in ("2001::cafe", "2001:0:0::CAFE", "2001:0000:0000:0000:0000:0000:0000:cafe"):
        ok(cert, host)
    ok(cert, "192.0.2.1")
    fail(cert, "::ffff:192.0.2.1")  # another address family, another address
    fail(cert, "192.0.2.01")


def test_trailing_dots_on_either_side():
    for pattern, host in [("example.com", "example.com."), ("example.com.", "example.com"),
                          ("example.com.", "example.com."),
                          ("*.example.com", "a.example.com."), ("*.example.com.", "a.example.com")]:
        ok({"subjectAltName": (("DNS", pattern),)}, host)
    for pattern, host in [("example.com", "example.com.."), ("example.com.", "example.com.."),
                          ("example.com..", "example.com."), ("example.com", "."),
                          ("", ""), ("*.com.", "example.com")]:
        fail({"subjectAltName": (("DNS", pattern),)}, host)


def test_wildcards():
    san = {"subjectAltName": (("DNS", "*.example.com"),)}
    for host in ("a.example.com", "A-1.EXAMPLE.com", "xn--bcher-kva.example.com", "-.example.com"):
        ok(san, host)
    for host in ("example.com", "a.b.example.com", "a_b.example.com", "a b.example.com",
                 u"a\x00.example.com", ".example.com", "a.example.co"):
        fail(san, host)
    for pattern in ("*.com", "*", "*.", "*.-a.com", "*.a-.com", "*.a_b.com", "*.a..com",
                    "xn--*.example.com", "f*.example.com", "*f.example.com", "**.example.com",
                    "*.*.example.com", "a.*.example.com"):
        cert = {"subjectAltName": (("DNS", pattern),)}
        for host in ("a.com", "b.a.com", "b.-a.com", "b.a-.com", "b.a_b.com", "b.a..com",
                     "xn--bcher-kva.example.com", "fo.example.com", "of.example.com",
                     "a.b.example.com", "a.example.com"):
            if host != pattern:
                fail(cert, host)


def test_non_ascii_certificate_names_never_match():
    for name in (u"\u212aelvin.example.com", u"b\u00fccher.example", u"*.b\u00fccher.example"):
        cert = {"subjectAltName": (("DNS", name),)}
        for host in (name, u"kelvin.example.com", u"x.b\u00fccher.example",
                     u"b\u00fccher.example", u"xn--bcher-kva.example"):
            fail(cert, host)
        fail(cn_cert(name), u"kelvin.example.com")


def test_malformed_entries_are_skipped():
    good = ("DNS", "example.com")
    junks = [("DNS",), ("DNS", "a", "b"), ("DNS", None), ("DNS", 5), None, 5, "DNS", "DN",
             ("IP Address", None), ("IP Address", "<invalid>"), ("IP Address", "example.com"),
             ("IP Address", "1.2.3.4.5"), [], {}]
    if not PY2:  # bytes are Python 2's native str
        junks += [("DNS", b"example.com"), ("IP Address", b"\x7f\x00\x00\x01")]
    for junk in junks:
        cert = {"subjectAltName": (junk, good), "subject": (junk, ((junk,),))}
        ok(cert, "example.com")
        fail(cert, "example.org")
        ok({"subjectAltName": [junk, ("IP Address", "127.0.0.1")]}, "127.0.0.1")
        fail({"subject": ((junk, ("commonName", 5)),), "subjectAltName": (junk,)}, "example.com")
    for san in (None, 5, "DNS", b"", [("DNS", "example.com")], iter([("DNS", "example.com")])):
        cert = {"subjectAltName": san, "subject": ((("commonName", "example.com"),),)}
        ok(cert, "example.com")


def test_bad_input_types():
    cert = {"subjectAltName": (("DNS", "example.com"),)}
    bad_hostnames = [None, 5, 1.5, ["example.com"], bytearray(b"example.com")]
    if not PY2:
        bad_hostnames.append(b"example.com")
    for hostname in bad_hostnames:
        with pytest.raises(TypeError) as info:
            match_hostname(cert, hostname)
        assert "hostname" in str(info.value)
    for bad_cert in (["subjectAltName"], ("x",), 5, "cert"):
        with pytest.raises(TypeError):
            match_hostname(bad_cert, "example.com")
    for empty in (None, {}, (), "", 0):
        with pytest.raises(ValueError):
            match_hostname(empty, "example.com")


@pytest.mark.skipif(not PY2, reason="native str is bytes only on Python 2")
def test_python2_byte_and_unicode_strings():
    cert = {"subjectAltName": ((u"DNS", u"example.com"), ("DNS", "b.example.com"),
                               ("DNS", "xn--bcher-kva.example"), ("IP Address", u"::1"))}
    ok(cert, "example.com")
    ok(cert, u"example.com")
    ok(cert, "B.example.com")
    ok(cert, u"b.EXAMPLE.com")
    ok(cert, "::1")
    ok(cert, u"::1")
    ok(cert, u"b\u00fccher.example")
    ok(cert, u"b\u00fccher.example".encode("utf-8"))  # a UTF-8 native str
    fail(cert, "b\xfccher.example")  # not UTF-8: names no host
    fail({"subjectAltName": (("DNS", "b\xc3\xbccher.example"),)}, u"b\u00fccher.example")


def test_subclasses_of_str_are_text():
    class Host(text):
        pass

    ok({"subjectAltName": (("DNS", Host(u"example.com")),)}, Host(u"EXAMPLE.com"))
    ok({"subjectAltName": (("IP Address", Host(u"::1")),)}, Host(u"::1"))


def test_messages_name_the_hostname_and_the_certificate_names():
    cert = {"subjectAltName": (("DNS", "a.example.com"), ("DNS", "b.example.com"))}
    with pytest.raises(CertificateError) as info:
        match_hostname(cert, "c.example.com")
    message = str(info.value)
    assert "c.example.com" in message and "a.example.com" in message and "b.example.com" in message
    with pytest.raises(CertificateError) as info:
        match_hostname({"subjectAltName": (("IP Address", "10.0.0.1"), ("DNS", "x"))}, "10.0.0.2")
    assert "10.0.0.1" in str(info.value) and "'x'" not in str(info.value)
    with pytest.raises(CertificateError) as info:
        match_hostname({"subject": ()}, "example.com")
    assert "no appropriate subjectAltName" in str(info.value)


# -- x509-limbo ----------------------------------------------------------

with open(os.path.join(VECTORS, "limbo_hostname_triples.json")) as _f:
    LIMBO = json.load(_f)

# Decisions for the policy cases (x509-limbo rejects them for reasons beyond
# name matching): {id: (secureshim matches, why)}. See docs/match_hostname.md.
NOT_NAME_MATCHING = (
    "the name is in the subjectAltName; limbo rejects the certificate for "
    "how its commonName relates to the SANs, a CA/Browser Forum issuance "
    "rule that a name matcher does not judge (OpenSSL and CPython match too)"
)
LIMBO_POLICY = {
    "rfc5280::san::underscore-dns": (
        True, "exact match of a name with an underscore: underscores occur in "
        "real host names; OpenSSL and CPython match it too"),
    "webpki::cn::ipv4-hex-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::cn::ipv4-leading-zeros-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::cn::ipv6-uppercase-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::cn::ipv6-uncompressed-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::cn::ipv6-non-rfc5952-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::cn::punycode-not-in-san": (True, NOT_NAME_MATCHING),
    "webpki::cn::utf8-vs-punycode-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::cn::not-in-san": (True, NOT_NAME_MATCHING),
    "webpki::cn::case-mismatch": (True, NOT_NAME_MATCHING),
    "webpki::san::public-suffix-wildcard-san": (
        False, "*.com: a wildcard needs two labels after it (OpenSSL agrees; "
        "CPython 3.11 matches)"),
    "webpki::san::public-suffix-multi-label-wildcard-san": (
        True, "*.co.uk: secureshim has no public suffix list, like OpenSSL "
        "and CPython; the CA must not issue it"),
    "webpki::san::public-suffix-private-namespace-wildcard-san": (
        True, "*.s3.amazonaws.com: as above, no public suffix list"),
    "webpki::san::no-san": (
        True, "no subjectAltName: the commonName is used while "
        "hostname_checks_common_name is true (CPython and OpenSSL's default); "
        "it is not with False, tested below"),
}


def _limbo_verdict(case, **kwargs):
    try:
        match_hostname(case["cert"], case["hostname"], **kwargs)
    except CertificateError:
        return False
    return True


def test_limbo_has_every_category():
    categories = [case["category"] for case in LIMBO]
    assert categories.count("name-only") == 16
    assert categories.count("positive") == 54
    assert categories.count("policy") == 14


@pytest.mark.parametrize(
    "case",
    [case for case in LIMBO if case["category"] in ("name-only", "positive")],
    ids=lambda case: case["id"],
)
def test_limbo_name_only_and_positive_cases_agree(case):
    assert _limbo_verdict(case) == (case["expected"] == "match")


def test_limbo_policy_cases_are_all_decided():
    policy = set(case["id"] for case in LIMBO if case["category"] == "policy")
    assert policy == set(LIMBO_POLICY)


@pytest.mark.parametrize(
    "case",
    [case for case in LIMBO if case["category"] == "policy"],
    ids=lambda case: case["id"],
)
def test_limbo_policy_cases_as_decided(case):
    expected, _why = LIMBO_POLICY[case["id"]]
    assert _limbo_verdict(case) is expected
    if case["id"] == "webpki::san::no-san":
        assert _limbo_verdict(case, hostname_checks_common_name=False) is False


# -- IP address parsing ---------------------------------------------------

def _inet_pton(text):
    family = socket.AF_INET6 if ":" in text else socket.AF_INET
    if family == socket.AF_INET6 and not INET_PTON_IPV6:
        pytest.skip("%s: socket.inet_pton has no IPv6 to compare with" % WASM_RUNTIME)
    try:
        return socket.inet_pton(family, text)
    except (socket.error, ValueError, UnicodeError):
        return None


def _has_inet_pton_ipv6():
    try:
        socket.inet_pton(socket.AF_INET6, "::1")
    except (socket.error, ValueError):
        # Pyodide: "can't use AF_INET6, IPv6 is disabled".
        return False
    return True


INET_PTON_IPV6 = WASM_RUNTIME is None or _has_inet_pton_ipv6()


def _packed(parsed):
    if parsed is None:
        return None
    if len(parsed) == 4:
        return bytes(bytearray(parsed))
    return b"".join(bytes(bytearray([g >> 8, g & 0xFF])) for g in parsed)


def test_ip_parser_examples():
    assert mh._parse_ip("1.2.3.4") == (1, 2, 3, 4)
    assert mh._parse_ip("::") == (0,) * 8
    assert mh._parse_ip("::ffff:1.2.3.4") == (0, 0, 0, 0, 0, 0xFFFF, 0x0102, 0x0304)
    assert mh._parse_ip("1:2:3:4:5:6:7::") == (1, 2, 3, 4, 5, 6, 7, 0)
    for bad in ["1.2.3.4 ", " 1.2.3.4", "1.2.3.4\n", "01.2.3.4", "1.2.3.4.", "+1.2.3.4",
                u"\u0661.2.3.4", u"\uff11.2.3.4", "1.2.3.4:80", "1:2:3:4:5:6:7:8:9",
                "1::2::3", ":::", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4:8",
                "1.2.3.4::", "::1.2.3", "::01.2.3.4", "12345::", "0x1::", "1_0::", "::1%eth0",
                "[::1]", "::g", "1:2:3:4:5:6:7", ":1::", "1::2:", u"\u0661::"]:
        assert mh._parse_ip(bad) is None, bad


IP_ALPHABET = "0123456789abcdefABCDEF:. "


@settings(max_examples=600)
@given(st.text(alphabet=IP_ALPHABET, max_size=45))
@example("1:2:3:4:5:6:7::")
@example("::2:3:4:5:6:7:8")
@example("1:2:3:4::5:6:7:8")
@example("::ffff:1.2.3.4")
@example("::1.2.3.4")
@example("1.2.3.04")
def test_ip_parser_agrees_with_inet_pton(candidate):
    # glibc's inet_pton is strict (no leading zeros in IPv4, no spaces).
    assert _packed(mh._parse_ip(candidate)) == _inet_pton(candidate)


@settings(max_examples=300)
@given(st.lists(st.integers(0, 0xFFFF), min_size=8, max_size=8), st.booleans())
def test_ipv6_every_spelling_parses_to_the_same_value(groups, upper):
    full = ":".join("%x" % g for g in groups)
    padded = ":".join("%04x" % g for g in groups)
    spellings = [full, padded]
    # compress each run of zero groups in turn
    for start in range(8):
        for end in range(start + 1, 9):
            if all(g == 0 for g in groups[start:end]):
                spellings.append(
                    ":".join("%x" % g for g in groups[:start]) + "::"
                    + ":".join("%x" % g for g in groups[end:])
                )
    for spelling in spellings:
        if upper:
            spelling = spelling.upper()
        assert mh._parse_ip(spelling) == tuple(groups), spelling
        assert _packed(mh._parse_ip(spelling)) == _inet_pton(spelling)


NO_IPADDRESS = block_imports("ipaddress") + """
import socket
del socket.inet_pton, socket.inet_aton  # as on Windows before 3.4
from secureshim import match_hostname, CertificateError
cert = {"subjectAltName": (("IP Address", "192.0.2.1"), ("IP Address", "2001:DB8:0:0:0:0:0:1"))}
match_hostname(cert, "192.0.2.1")
match_hostname(cert, "2001:db8::1")
for host in ("192.0.2.2", "2001:db8::2", "192.0.2.01"):
    try:
        match_hostname(cert, host)
    except CertificateError:
        pass
    else:
        raise AssertionError(host)
assert "ipaddress" not in sys.modules
print("ok")
"""


def test_ip_matching_needs_neither_ipaddress_nor_inet_pton():
    result = run_python(NO_IPADDRESS).check()
    assert result.out.strip() == "ok"


# -- properties ------------------------------------------------------------

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.binary(max_size=12),
    st.sampled_from(["DNS", "IP Address", "commonName", "subject", "subjectAltName",
                     "*.a.com", "a.com", "127.0.0.1", "::1", u"b\u00fccher.de"]),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(_scalars.filter(lambda x: x is not None and not isinstance(x, bytes)),
                        children, max_size=3),
    ),
    max_leaves=12,
)
_certs = st.one_of(
    st.dictionaries(st.sampled_from(["subject", "subjectAltName", "issuer"]), _values, max_size=3),
    st.dictionaries(st.text(max_size=5), _values, max_size=3),
    _values,
)
_hostnames = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["a.com", "x.a.com", "127.0.0.1", "::1", "", ".", "a.com.", u"b\u00fccher.de"]),
    st.binary(max_size=10), st.integers(), st.none(),
)


@settings(max_examples=500)
@given(_certs, _hostnames, st.booleans())
def test_only_documented_exceptions_on_arbitrary_input(cert, hostname, checks_cn):
    with warnings.catch_warnings():
        # the stdlib IDNA codec's warning when idna is missing
        warnings.simplefilter("ignore", secureshim.DegradedSecurityWarning)
        try:
            match_hostname(cert, hostname, hostname_checks_common_name=checks_cn)
        except (CertificateError, ValueError, TypeError):
            pass


# A reference model written differently (label lists) for the property that
# a certificate matches exactly the hostnames it names.
_LDH = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def _model_names(pattern, host):
    """Whether the DNS-ID ``pattern`` names the ASCII DNS ``host``."""
    pattern, host = pattern.lower(), host.lower()
    if pattern.endswith("."):
        pattern = pattern[:-1]
    if host.endswith("."):
        host = host[:-1]
    if not host or host.endswith("."):
        return False
    if pattern == host:
        return True
    p_labels, h_labels = pattern.split("."), host.split(".")
    if p_labels[0] != "*" or len(p_labels) < 3 or len(p_labels) != len(h_labels):
        return False
    for label in p_labels[1:]:
        if not label or not set(label) <= _LDH or label[0] == "-" or label[-1] == "-":
            return False
    first = h_labels[0]
    return bool(first) and set(first) <= _LDH and p_labels[1:] == h_labels[1:]


_label = st.text(alphabet="abAB01-_*", min_size=0, max_size=4)
_dns_name = st.builds(
    lambda labels, dot: ".".join(labels) + ("." if dot else ""),
    st.lists(_label, min_size=1, max_size=4), st.booleans(),
)


@st.composite
def _names_and_host(draw):
    host = draw(_dns_name)
    # patterns near the host: itself, its wildcard form, mutations
    labels = host.rstrip(".").split(".")
    near = [host, host.upper(), "*." + ".".join(labels[1:]), host + ".", host.rstrip(".")]
    patterns = draw(st.lists(st.one_of(st.sampled_from(near), _dns_name), max_size=4))
    return patterns, host


def _is_ip_literal(host):
    return mh._parse_ip(host) is not None or mh._parse_ip(host.rstrip(".")) is not None


@settings(max_examples=800)
@given(_names_and_host(), st.booleans())
def test_a_certificate_matches_exactly_the_names_it_carries(patterns_host, as_cn):
    patterns, host = patterns_host
    assume(not _is_ip_literal(host))
    if as_cn:
        cert = {"subject": tuple((("commonName", p),) for p in patterns)}
    else:
        cert = {"subjectAltName": tuple(("DNS", p) for p in patterns)}
    expected = any(_model_names(p, host) for p in patterns)
    try:
        match_hostname(cert, host)
        verdict = True
    except CertificateError:
        verdict = False
    assert verdict == expected, (patterns, host)


@settings(max_examples=300)
@given(
    st.lists(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)), min_size=0, max_size=3)
    if not PY2 else st.just([]),
    st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)) if not PY2 else st.just(None),
)
def test_ip_addresses_match_exactly_their_own_value(addresses, host):
    if host is None:  # Python 2: hypothesis 4 has no ip_addresses
        return
    cert = {"subjectAltName": tuple(("IP Address", a.exploded.upper()) for a in addresses)
            + tuple(("DNS", text(a)) for a in addresses)}
    expected = host in addresses
    try:
        match_hostname(cert, text(host))
        verdict = True
    except CertificateError:
        verdict = False
    assert verdict == expected


# -- IDNA ------------------------------------------------------------------

def _idna_installed():
    try:
        import idna  # noqa: F401
    except ImportError:
        return False
    return True


def test_features_says_which_idna_backend():
    assert features.IDNA_BACKEND == ("idna" if _idna_installed() else "stdlib")
    assert features.as_dict()["IDNA_BACKEND"] == features.IDNA_BACKEND


BUECHER = u"b\u00fccher"


@pytest.mark.skipif(not _idna_installed(), reason="the idna package is not installed")
def test_idna_2008_with_the_idna_package():
    assert features.IDNA_BACKEND == "idna"
    ok({"subjectAltName": (("DNS", "xn--bcher-kva.example"),)}, BUECHER + u".example")
    ok({"subjectAltName": (("DNS", "xn--bcher-kva.example"),)}, u"B\u00dcCHER.Example.")
    ok({"subjectAltName": (("DNS", "*.xn--bcher-kva.example"),)}, u"www." + BUECHER + u".example")
    # IDNA 2008 keeps the sharp s and the final sigma
    ok({"subjectAltName": (("DNS", "xn--fa-hia.de"),)}, u"fa\u00df.de")
    fail({"subjectAltName": (("DNS", "fass.de"),)}, u"fa\u00df.de")
    ok({"subjectAltName": (("DNS", "xn--3xa.gr"),)}, u"\u03c2.gr")
    # UTS 46 maps fullwidth and ideographic dots, and underscores stay
    ok({"subjectAltName": (("DNS", "www.example.com"),)}, u"www\u3002example\uff0ecom")
    ok({"subjectAltName": (("DNS", "a_b.xn--bcher-kva.example"),)}, u"a_b." + BUECHER + u".example")
    # invalid under IDNA 2008: no match, no crash
    fail({"subjectAltName": (("DNS", "xn--.example"),)}, u"\u2665\ufe0f.example")
    fail({"subjectAltName": (("DNS", "example"),)}, u"\udcff.example")


IDNA_ABSENT = block_imports("idna") + """
import warnings
import secureshim
from secureshim import features, match_hostname, CertificateError
assert features.IDNA_BACKEND == "stdlib", features.IDNA_BACKEND

def verdict(name, host):
    try:
        match_hostname({"subjectAltName": (("DNS", name),)}, host)
    except CertificateError:
        return False
    return True

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert verdict("example.com", u"example.com")  # ASCII: no IDNA, no warning
    assert not caught, caught
    assert verdict("xn--bcher-kva.example", u"b\\u00fccher.example")
    assert verdict("xn--bcher-kva.example", u"B\\u00dcCHER.example.")
    assert verdict("www.example.com", u"www\\u3002example\\u3002com")
    # IDNA 2003 maps the sharp s to ss
    assert verdict("fass.de", u"fa\\u00df.de")
    assert not verdict("xn--fa-hia.de", u"fa\\u00df.de")
    assert not verdict("example", u"a..b\\u00fccher.example")
assert len(caught) == 1, caught
warning = caught[0]
assert warning.filename in ("<string>", "-c"), warning.filename  # the caller
assert issubclass(warning.category, secureshim.DegradedSecurityWarning)
assert "IDNA 2003" in str(warning.message) and "Fix: pip install idna" in str(warning.message)
assert "idna" not in sys.modules
print("ok")
"""


def test_idna_2003_without_the_idna_package():
    result = run_python(IDNA_ABSENT).check()
    assert result.out.strip() == "ok"
