"""create_default_context against a local bad-server matrix, on every tier.

Servers on 127.0.0.1 present certificates made at test time (see
``tls_helpers``). Each tier's ``create_default_context`` must accept the
good server (and send it SNI where the tier can) and refuse every bad one
before any application data reaches it, except for the documented limits
of ``legacy``, which ``LEGACY_LIMITS`` states one by one. Controls show each
bad server is reachable once the property under test is relaxed, so a
refusal is never an accident of the test server.
"""
from __future__ import absolute_import, division, print_function

import io
import socket
import ssl
import sys
import warnings

import pytest

from secureshim import _tls, _tls_base

from . import tls_helpers
from .conftest import run_python
from .tls_helpers import BAD, HOSTNAME, SCENARIOS, client_hostname
from .tls_tiers import (
    REFUSALS,
    TIER_FACTORIES,
    TIER_PARAMS,
    _tls_legacy,
    _tls_pyopenssl,
    attempt,
    needs_legacy,
    needs_pyopenssl,
)

# --- what the legacy tier can and cannot refuse -------------------------------

OPENSSL_INFO = ssl.OPENSSL_VERSION_INFO
# OpenSSL 3.0+ allows TLS 1.0/1.1 only at security level 0, and the legacy
# tier's cipher string asks for level 2 (where OpenSSL has levels, 1.1.0+).
OPENSSL_REFUSES_OLD_PROTOCOLS = tuple(OPENSSL_INFO[:2]) >= (3, 0)
HAS_SECURITY_LEVELS = _tls_base.has_security_levels(OPENSSL_INFO, ssl.OPENSSL_VERSION)
# SSLSocket.version() (2.7.9+, 3.5+) lets legacy check the protocol after the
# handshake; the interpreters legacy exists for (2.7.0-2.7.8) lack it.
SOCKET_HAS_VERSION = hasattr(ssl.SSLSocket, "version")

LEGACY_LIMITS = {
    # Refused everywhere: OpenSSL verifies the chain (CERT_REQUIRED with a
    # CA file) and secureshim.match_hostname checks the name after the
    # handshake, before the socket is returned.
    "expired": True,
    "not_yet_valid": True,
    "self_signed": True,
    "untrusted_root": True,
    "wrong_hostname": True,
    "ip_mismatch": True,
    # Refused only where OpenSSL itself forbids them at the tier's security
    # level (OpenSSL 3.0+), or where SSLSocket.version() exists for the
    # check after the handshake. Accepted on 2.7.0-2.7.8 with OpenSSL 1.0.x.
    "tls1_0": OPENSSL_REFUSES_OLD_PROTOCOLS or SOCKET_HAS_VERSION,
    "tls1_1": OPENSSL_REFUSES_OLD_PROTOCOLS or SOCKET_HAS_VERSION,
    # Refused only where OpenSSL understands @SECLEVEL=2 (1.1.0+).
    "rsa1024": HAS_SECURITY_LEVELS,
}
# And SNI is never sent: ssl.wrap_socket has no server_hostname.
SENDS_SNI = {"native": bool(getattr(ssl, "HAS_SNI", False)), "pyopenssl": True, "legacy": False}


def refuses(tier, scenario):
    if scenario == "good":
        return False
    if tier == "legacy":
        return LEGACY_LIMITS[scenario]
    return True


# --- fixtures -------------------------------------------------------------------

@pytest.fixture(scope="module")
def pki(tmpdir_factory):
    return tls_helpers.PKI(str(tmpdir_factory.mktemp("pki")))


@pytest.fixture(scope="module")
def servers(pki):
    running = {}
    try:
        for name in SCENARIOS:
            running[name] = pki.server(name)
        yield running
    finally:
        tls_helpers.close_all(running.values())


def make(tier, pki, **kwargs):
    kwargs.setdefault("cafile", pki.ca_file)
    return TIER_FACTORIES[tier](**kwargs)


# --- the matrix -------------------------------------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_matrix(tier, scenario, pki, servers):
    context = make(tier, pki)
    outcome, record = attempt(context, servers[scenario], client_hostname(scenario))
    if refuses(tier, scenario):
        assert isinstance(outcome, REFUSALS), (tier, scenario, outcome)
        # Refused before any application data was sent.
        assert record["request"] == b"", record
    else:
        assert not isinstance(outcome, Exception), outcome
        response, version = outcome
        assert response.startswith(b"HTTP/1.1 200 OK") and response.endswith(b"hello")
        assert version in (None, "TLSv1.2", "TLSv1.3")
        assert record["request"].startswith(b"GET / HTTP/1.1")


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_good_server_receives_sni_where_the_tier_sends_it(tier, pki, servers):
    outcome, record = attempt(make(tier, pki), servers["good"], HOSTNAME)
    assert outcome[0].endswith(b"hello")
    assert record["sni"] == (HOSTNAME if SENDS_SNI[tier] else None)


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_no_sni_for_ip_literals_and_ip_san_accepted(tier, pki, servers):
    if tier == "native" and not hasattr(ssl, "_ipaddress_match") and sys.version_info < (3,):
        pytest.skip("2.7's ssl.match_hostname cannot match IP addresses")
    outcome, record = attempt(make(tier, pki), servers["good"], u"127.0.0.1")
    assert outcome[0].endswith(b"hello")
    assert record["sni"] is None


# --- controls: each bad server is reachable once its property is relaxed ----

def _relax_protocols(context):
    """The documented way to let a context talk TLS 1.0 again."""
    tls_helpers.permissive_ciphers(context)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.10+: TLSv1 is deprecated
        if hasattr(context, "minimum_version"):  # 3.7+, and the compat tiers
            context.minimum_version = getattr(
                getattr(ssl, "TLSVersion", None), "TLSv1", _tls_base.TLSv1
            )
        else:  # 2.7 and 3.6
            context.options &= ~(_tls_base.OP_NO_TLSv1 | _tls_base.OP_NO_TLSv1_1)


def _relax_verification(context):
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE


@pytest.mark.parametrize("scenario", BAD)
@pytest.mark.parametrize("tier", [pytest.param("native"), pytest.param("pyopenssl", marks=needs_pyopenssl)])
def test_relaxed_context_reaches_each_bad_server(tier, scenario, pki, servers):
    context = make(tier, pki)
    if scenario in ("tls1_0", "tls1_1"):
        _relax_protocols(context)
    elif scenario == "rsa1024":
        tls_helpers.permissive_ciphers(context)
    else:
        _relax_verification(context)
    outcome, record = attempt(context, servers[scenario], client_hostname(scenario))
    if tier == "pyopenssl" and scenario in ("tls1_0", "tls1_1") and isinstance(outcome, ssl.SSLError):
        if "unsupported protocol" in str(outcome) or "no protocols" in str(outcome):
            pytest.skip("pyOpenSSL's own OpenSSL (%s) was built without TLS 1.0/1.1"
                        % _tls_pyopenssl.OPENSSL_VERSION)
    assert not isinstance(outcome, Exception), outcome
    assert outcome[0].endswith(b"hello")
    if scenario in ("tls1_0", "tls1_1"):
        assert outcome[1] == {"tls1_0": "TLSv1", "tls1_1": "TLSv1.1"}[scenario]


@pytest.mark.parametrize("scenario", ["tls1_0", "tls1_1"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_minimum_version_refuses_old_protocols_even_at_security_level_0(tier, scenario, pki, servers):
    # Proves the hardening does the work, not OpenSSL 3's defaults: with
    # the cipher string at level 0 the old protocols are refused anyway,
    # by minimum_version (native, pyopenssl) or by legacy's check after
    # the handshake, which needs SSLSocket.version().
    if tier == "legacy" and not SOCKET_HAS_VERSION:
        pytest.skip("no SSLSocket.version() before 2.7.9: legacy cannot check")
    context = make(tier, pki)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    outcome, record = attempt(context, servers[scenario], HOSTNAME)
    assert isinstance(outcome, ssl.SSLError), outcome
    assert record["request"] == b""
    if tier == "legacy" and record["handshake"]:
        # The handshake completed (before 3.10, whose ssl.wrap_socket
        # itself asks for TLS 1.2): legacy's check refused after it.
        assert "negotiated" in str(outcome)


def _wrap_socket_allows_tls1():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    return getattr(context, "minimum_version", -2) < _tls_base.TLSv1_1


@needs_legacy
@pytest.mark.skipif(
    _tls_legacy is not None and not _wrap_socket_allows_tls1(),
    reason="3.10+: ssl.wrap_socket's own context asks for TLS 1.2 (bpo-43998)",
)
def test_legacy_limit_without_socket_version_accepts_tls1_once_openssl_allows_it(pki, servers):
    # The old ssl module (2.7.0-2.7.8) has no SSLSocket.version(): emulate
    # it, let OpenSSL allow TLS 1.0, and the tier cannot refuse the server.
    result = run_python(
        """
        import socket, ssl, sys
        del ssl.SSLSocket.version
        from secureshim import _tls_legacy
        ctx = _tls_legacy.legacy_create_default_context(cafile=sys.argv[1])
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        sock = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5)
        tls = ctx.wrap_socket(sock, server_hostname=u"secureshim.test")
        print("accepted")
        tls.close()
        """,
        args=(pki.ca_file, str(servers["tls1_0"].port)),
    ).check()
    assert result.out.strip() == "accepted"
    assert servers["tls1_0"].next_record()["version"] == "TLSv1"


# --- real HTTP clients through the context ------------------------------------------

def _urlopen(url, context):
    if sys.version_info[0] == 2:
        import urllib2 as request
    else:
        from urllib import request
    return request.urlopen(url, context=context, timeout=tls_helpers.TIMEOUT)


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_urllib_request_through_the_context(tier, pki, servers):
    server = servers["good"]
    server.drain()
    response = _urlopen("https://localhost:%d/" % server.port, make(tier, pki))
    try:
        assert response.read() == b"hello"
        assert response.getcode() == 200
    finally:
        response.close()
    assert server.next_record()["request"].startswith(b"GET / HTTP/1.1")


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_http_client_request_through_the_context(tier, pki, servers):
    try:
        import http.client as http_client
    except ImportError:  # Python 2
        import httplib as http_client
    server = servers["good"]
    server.drain()
    conn = http_client.HTTPSConnection(
        "localhost", server.port, context=make(tier, pki), timeout=tls_helpers.TIMEOUT
    )
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200
        assert response.read() == b"hello"
    finally:
        conn.close()
    server.next_record()


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_urllib_refuses_a_bad_server(tier, pki, servers):
    if sys.version_info[0] == 2:
        from urllib2 import URLError
    else:
        from urllib.error import URLError
    server = servers["untrusted_root"]
    server.drain()
    with pytest.raises(URLError) as info:
        _urlopen("https://localhost:%d/" % server.port, make(tier, pki))
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value.reason)
    assert server.next_record()["request"] == b""


# --- the contexts themselves --------------------------------------------------------

def test_native_hardening_is_applied():
    context = _tls.native_create_default_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.options & _tls_base.OP_NO_COMPRESSION
    if hasattr(context, "minimum_version"):
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    else:
        wanted = _tls_base.OP_NO_SSLv3 | _tls_base.OP_NO_TLSv1 | _tls_base.OP_NO_TLSv1_1
        assert context.options & wanted == wanted


def test_native_server_context_does_not_require_client_certificates():
    context = _tls.native_create_default_context(ssl.Purpose.CLIENT_AUTH)
    assert context.verify_mode == ssl.CERT_NONE
    assert not context.check_hostname
    assert context.options & _tls_base.OP_NO_COMPRESSION


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_bad_purpose_is_a_type_error(tier):
    with pytest.raises(TypeError):
        TIER_FACTORIES[tier]("not a purpose")


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_missing_cafile_is_an_io_error(tier, tmpdir):
    with pytest.raises((IOError, OSError)):
        TIER_FACTORIES[tier](cafile=str(tmpdir.join("missing.pem")))


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_load_verify_locations_needs_an_argument(tier, pki):
    with pytest.raises(TypeError):
        make(tier, pki).load_verify_locations()


@pytest.mark.parametrize("form", ["pem", "der"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_cadata_pem_and_der(tier, form, pki, servers):
    with io.open(pki.ca_file, encoding="ascii") as handle:
        pem = handle.read()  # text: on 2.7 too, where bytes cadata means DER
    cadata = pem if form == "pem" else ssl.PEM_cert_to_DER_cert(pem)
    context = TIER_FACTORIES[tier](cadata=cadata)
    assert attempt(context, servers["good"], HOSTNAME)[0][0].endswith(b"hello")
    outcome, _ = attempt(context, servers["untrusted_root"], HOSTNAME)
    assert isinstance(outcome, REFUSALS)


@pytest.mark.parametrize("tier", [pytest.param("pyopenssl", marks=needs_pyopenssl),
                                  pytest.param("legacy", marks=needs_legacy)])
def test_compat_context_keeps_the_stdlib_invariants(tier):
    cls = _tls_pyopenssl.PyOpenSSLContext if tier == "pyopenssl" else _tls_legacy.LegacySSLContext
    client = cls(_tls_base.PROTOCOL_TLS_CLIENT)
    assert client.verify_mode == ssl.CERT_REQUIRED and client.check_hostname
    with pytest.raises(ValueError):
        client.verify_mode = ssl.CERT_NONE  # while check_hostname is on
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    client.check_hostname = True  # turns verification back on, as 3.7+ does
    assert client.verify_mode == ssl.CERT_REQUIRED
    assert int(client.minimum_version) == _tls_base.TLSv1_2
    with pytest.raises(ValueError):
        client.verify_mode = 7
    with pytest.raises(ValueError):
        cls(ssl.PROTOCOL_SSLv23 + 100)
    generic = cls()
    assert generic.verify_mode == ssl.CERT_NONE and not generic.check_hostname
    sock = socket.socket()
    try:
        with pytest.raises(ValueError):
            client.wrap_socket(sock)  # check_hostname without server_hostname
        with pytest.raises(ValueError):
            client.wrap_socket(sock, server_side=True)
    finally:
        sock.close()


# --- pyopenssl: the socket API --------------------------------------------------------

def _native_peercert(pki, server):
    context = _tls.native_create_default_context(cafile=pki.ca_file)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=tls_helpers.TIMEOUT)
    tls = context.wrap_socket(sock, server_hostname=HOSTNAME)
    try:
        return tls.getpeercert(), tls.getpeercert(True)
    finally:
        tls.close()
        sock.close()
        server.next_record()


@needs_pyopenssl
def test_pyopenssl_socket_api(pki, servers):
    server = servers["good"]
    server.drain()
    expected, expected_der = _native_peercert(pki, server)
    context = _tls_pyopenssl.pyopenssl_create_default_context(cafile=pki.ca_file)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=tls_helpers.TIMEOUT)
    tls = context.wrap_socket(sock, server_hostname=HOSTNAME)
    try:
        assert tls.getpeercert() == expected
        assert tls.getpeercert(binary_form=True) == expected_der
        assert ("DNS", HOSTNAME) in tls.getpeercert()["subjectAltName"]
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        name, protocol, bits = tls.cipher()
        assert name and protocol.startswith("TLSv1") and bits >= 128
        assert tls.gettimeout() == tls_helpers.TIMEOUT
        tls.settimeout(2.0)
        assert tls.gettimeout() == 2.0
        assert tls.fileno() == sock.fileno()
        tls.sendall(memoryview(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        buf = bytearray(4096)
        got = b""
        while not got.endswith(b"hello"):
            n = tls.recv_into(buf)
            assert n > 0
            got += bytes(buf[:n])
        assert got.startswith(b"HTTP/1.1 200 OK")
        assert tls.recv(10) == b""  # the server's close_notify
    finally:
        tls.close()
    if sys.version_info[0] > 2:  # 2.7's closed sockets raise EBADF instead
        assert sock.fileno() == -1
    server.next_record()


@needs_pyopenssl
def test_pyopenssl_makefile_outlives_close_as_http_clients_need(pki, servers):
    server = servers["good"]
    server.drain()
    context = _tls_pyopenssl.pyopenssl_create_default_context(cafile=pki.ca_file)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=tls_helpers.TIMEOUT)
    tls = context.wrap_socket(sock, server_hostname=HOSTNAME)
    tls.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    reader = tls.makefile("rb")
    tls.close()  # http.client does this while the response is still read
    assert reader.readline() == b"HTTP/1.1 200 OK\r\n"
    assert reader.read().endswith(b"hello")
    reader.close()
    if sys.version_info[0] > 2:
        assert tls.fileno() == -1
    server.next_record()


@needs_pyopenssl
def test_pyopenssl_read_timeout_is_socket_timeout(pki):
    # A server that completes the handshake and then says nothing.
    with pki.server("good") as server:
        context = _tls_pyopenssl.pyopenssl_create_default_context(cafile=pki.ca_file)
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=tls_helpers.TIMEOUT)
        tls = context.wrap_socket(sock, server_hostname=HOSTNAME)
        tls.settimeout(0.2)
        with pytest.raises(socket.timeout):
            tls.recv(10)
        tls.close()


@needs_pyopenssl
def test_pyopenssl_decode_certificate_matches_the_stdlib(tmpdir):
    # A certificate with every field getpeercert() reports, decoded by
    # CPython's own _ssl._test_decode_cert and by the pyopenssl tier.
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

    if not hasattr(ssl._ssl, "_test_decode_cert"):
        pytest.skip("this interpreter's _ssl has no _test_decode_cert")
    key = rsa.generate_private_key(65537, 2048, default_backend())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, u"DE"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, u"Berlin"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, u"Example e.V."),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, u"Ops"),
        x509.NameAttribute(NameOID.COMMON_NAME, u"www.example.test"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, u"ops@example.test"),
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, u"example"),
    ])
    start = datetime.datetime(2020, 3, 5, 7, 8, 9)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(0x0ABCDEF0123)
        .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=400))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName(u"www.example.test"),
            x509.DNSName(u"*.example.test"),
            x509.IPAddress(ipaddress.ip_address(u"192.0.2.7")),
            x509.IPAddress(ipaddress.ip_address(u"2001:db8::1")),
            x509.RFC822Name(u"ops@example.test"),
            x509.UniformResourceIdentifier(u"https://example.test/"),
        ]), critical=False)
        .add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                   x509.UniformResourceIdentifier(u"http://ocsp.example.test")),
            x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                   x509.UniformResourceIdentifier(u"http://ca.example.test/ca.der")),
        ]), critical=False)
        .add_extension(x509.CRLDistributionPoints([
            x509.DistributionPoint([x509.UniformResourceIdentifier(u"http://crl.example.test/1.crl")],
                                   None, None, None),
        ]), critical=False)
        .sign(key, hashes.SHA256(), default_backend())
    )
    path = str(tmpdir.join("rich.pem"))
    with open(path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    expected = ssl._ssl._test_decode_cert(path)
    assert _tls_pyopenssl.decode_certificate(cert) == expected
