"""secureshim.wrap_socket: ssl.wrap_socket's API, never below TLS 1.2, never
verifying less than asked; and the other restored ssl names
(RAND_pseudo_bytes, PROTOCOL_TLSv1*).

Real handshakes on 127.0.0.1 against servers presenting certificates made
here (``tls_helpers``), on every tier that runs on this interpreter.
Controls show that each refused server is reachable once the property under
test is relaxed, so a refusal is never an accident of the test server.
"""
from __future__ import absolute_import, division, print_function

import json
import pickle
import platform
import socket
import ssl
import warnings

import pytest

import secureshim
from secureshim import _ssl_names, _tls_base, _wrap_socket

from . import tls_helpers
from .conftest import run_python

try:
    import OpenSSL.SSL  # noqa: F401
except ImportError:  # pyOpenSSL is not installed
    HAS_PYOPENSSL = False
else:
    HAS_PYOPENSSL = True

# ssl.wrap_socket: 2.7.0-3.11 (removed in 3.12, gh-94199).
HAS_STDLIB_WRAP_SOCKET = hasattr(ssl, "wrap_socket")
# secureshim's wrap_socket and RAND_pseudo_bytes follow CPython's ssl module
# (3.11's checks) everywhere; PyPy's own ssl, built on cffi, converts some
# arguments differently, so only CPython's is the differential oracle. On
# PyPy the tests still hold secureshim to 3.11's types from their tables.
CPYTHON_SSL = platform.python_implementation() == "CPython"

TIER_PARAMS = [
    pytest.param("native"),
    pytest.param("pyopenssl", marks=pytest.mark.skipif(
        not HAS_PYOPENSSL, reason="pyOpenSSL is not installed for this interpreter")),
    pytest.param("legacy", marks=pytest.mark.skipif(
        not HAS_STDLIB_WRAP_SOCKET, reason="ssl.wrap_socket was removed in Python 3.12")),
]

REFUSALS = (ssl.SSLError, socket.error, OSError)

# Fixed-version constants a caller may pass: the stdlib's (where this
# interpreter has them) and the ones inject_into_stdlib restores.
FIXED = [
    pytest.param(getattr(ssl, name), id="ssl." + name)
    for name in ("PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2")
    if hasattr(ssl, name)
] + [
    pytest.param(getattr(_ssl_names, name), id="restored." + name)
    for name in ("PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2")
]


@pytest.fixture(scope="module")
def pki(tmpdir_factory):
    return tls_helpers.PKI(str(tmpdir_factory.mktemp("wrap")))


@pytest.fixture(scope="module")
def servers(pki):
    names = ("good", "untrusted_root", "self_signed", "tls1_0", "tls1_1")
    running = dict((name, pki.server(name)) for name in names)
    yield running
    tls_helpers.close_all(running.values())


class _Wrapping(object):
    """``tier``'s wrap_socket with ``kwargs``, behind the context API that
    ``tls_helpers.connect`` calls (wrap_socket takes no host name)."""

    def __init__(self, tier, kwargs):
        self.wrap = _wrap_socket.tier_wrap_socket(tier)
        self.kwargs = kwargs

    def wrap_socket(self, sock, server_hostname=None):
        return self.wrap(sock, **self.kwargs)


def handshake(tier, server, **kwargs):
    """Connect with ``tier``'s wrap_socket and send a request; return
    (response, version) or the exception, and the server's record."""
    server.drain()
    try:
        outcome = tls_helpers.connect(_Wrapping(tier, kwargs), server.port, u"localhost")
    except REFUSALS as exc:
        outcome = exc
    return outcome, server.next_record()


# --- what it accepts ------------------------------------------------------------

@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_verified_connection_to_a_trusted_server(tier, pki, servers):
    outcome, record = handshake(tier, servers["good"], cert_reqs=ssl.CERT_REQUIRED,
                                ca_certs=pki.ca_file)
    assert not isinstance(outcome, Exception), outcome
    data, version = outcome
    assert data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b"hello")
    assert version in (None, "TLSv1.2", "TLSv1.3")
    assert record["version"] in ("TLSv1.2", "TLSv1.3")
    # ssl.wrap_socket has no server_hostname: no SNI, as the docs say.
    assert record["sni"] is None


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_cert_none_connects_as_asked_and_warns_once(tier, servers, rearm_warnings):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first, _ = handshake(tier, servers["untrusted_root"])
        second, _ = handshake(tier, servers["self_signed"], cert_reqs=ssl.CERT_NONE)
    for outcome in (first, second):
        assert not isinstance(outcome, Exception), outcome
        assert outcome[0].endswith(b"hello")
    ours = [w for w in caught if issubclass(w.category, secureshim.UnverifiedContextWarning)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    assert "cert_reqs=CERT_NONE" in str(ours[0].message)
    assert "match_hostname" in str(ours[0].message)
    # stacklevel: the warning points at the caller of wrap_socket.
    assert ours[0].filename == __file__.replace(".pyc", ".py")


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_cert_none_warning_is_kept_for_the_first_socket_really_wrapped(tier, pki, servers,
                                                                        rearm_warnings):
    wrap = _wrap_socket.tier_wrap_socket(tier)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # A call that fails makes no unverified connection: no warning yet.
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            with pytest.raises(NotImplementedError) as raised:  # 3.11's, on every tier
                wrap(udp)
            assert str(raised.value) == "only stream sockets are supported"
        finally:
            udp.close()
        before = len(caught)
        # A CERT_NONE server socket verifies no client: nothing to warn about.
        results = []
        port, thread = _serve_once(tier, pki.leaves["good"], results)
        client = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", ssl.PROTOCOL_SSLv23))
        client.check_hostname = False
        client.verify_mode = ssl.CERT_REQUIRED
        client.load_verify_locations(pki.ca_file)
        tls_helpers.connect(client, port, u"localhost", request=False)
        thread.join(2 * tls_helpers.TIMEOUT)
        after_server = len(caught)
        # The first real client socket warns, once.
        first, _ = handshake(tier, servers["untrusted_root"])
        second, _ = handshake(tier, servers["untrusted_root"])
    assert results and results[0][0] == "ok", results
    for outcome in (first, second):
        assert not isinstance(outcome, Exception), outcome
    ours = [w for w in caught if issubclass(w.category, secureshim.UnverifiedContextWarning)]
    assert before == 0 and after_server == 0, [str(w.message) for w in caught]
    assert len(ours) == 1, [str(w.message) for w in caught]


# --- never verifies less than asked --------------------------------------------

@pytest.mark.parametrize("cert_reqs", [ssl.CERT_REQUIRED, ssl.CERT_OPTIONAL],
                         ids=["CERT_REQUIRED", "CERT_OPTIONAL"])
@pytest.mark.parametrize("scenario", ["untrusted_root", "self_signed"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_untrusted_certificates_are_refused(tier, scenario, cert_reqs, pki, servers):
    outcome, record = handshake(tier, servers[scenario], cert_reqs=cert_reqs,
                                ca_certs=pki.ca_file)
    assert isinstance(outcome, REFUSALS), outcome
    assert "certificate verify failed" in str(outcome).lower() or (
        "CERTIFICATE_VERIFY_FAILED" in str(outcome)), outcome
    assert record["request"] == b""


def _seclevel_control(server):
    """Can this OpenSSL accept the server's 1024-bit RSA leaf at all? A
    stdlib client at security level 0 tries (with verification)."""
    context = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", ssl.PROTOCOL_SSLv23))
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(server.ca_file)
    tls_helpers.permissive_ciphers(context)
    server.server.drain()
    try:
        tls_helpers.connect(context, server.server.port, u"localhost")
        reached = True
    except REFUSALS:
        reached = False
    server.server.next_record()
    return reached


class _Rsa1024(object):
    def __init__(self, server, ca_file):
        self.server, self.ca_file = server, ca_file


@pytest.fixture(scope="module")
def rsa1024(pki):
    server = pki.server("rsa1024")
    yield _Rsa1024(server, pki.ca_file)
    server.close()


@pytest.mark.parametrize("ciphers", [None, "DEFAULT:@SECLEVEL=0", "@SECLEVEL=0",
                                     "ALL:COMPLEMENTOFALL:@SECLEVEL=0"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_cipher_strings_cannot_lower_the_security_level(tier, ciphers, rsa1024):
    if not _tls_base.has_security_levels(ssl.OPENSSL_VERSION_INFO, ssl.OPENSSL_VERSION):
        pytest.skip("this OpenSSL has no security levels (before 1.1.0, or LibreSSL)")
    # Control: the 1024-bit leaf is served and verifies at level 0...
    assert _seclevel_control(rsa1024)
    kwargs = dict(cert_reqs=ssl.CERT_REQUIRED, ca_certs=rsa1024.ca_file)
    if ciphers is not None:
        kwargs["ciphers"] = ciphers
    # ...and wrap_socket refuses it whatever the caller's cipher string says.
    outcome, record = handshake(tier, rsa1024.server, **kwargs)
    assert isinstance(outcome, REFUSALS), outcome
    assert record["request"] == b""


# --- never negotiates below TLS 1.2 ------------------------------------------------

def _old_protocol_control(server, scenario):
    """Can this OpenSSL speak the server's old protocol at all? A stdlib
    client at security level 0, allowing TLS 1.0, tries."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1, 3.10+
        context = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", ssl.PROTOCOL_SSLv23))
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if hasattr(context, "minimum_version"):  # 3.7+
            context.minimum_version = ssl.TLSVersion.TLSv1
        tls_helpers.permissive_ciphers(context)
        server.drain()
        try:
            _, version = tls_helpers.connect(context, server.port, u"localhost")
        except REFUSALS:
            version = None
        server.next_record()
    return version == {"tls1_0": "TLSv1", "tls1_1": "TLSv1.1"}[scenario]


PROTOCOLS = [pytest.param(None, id="default")] + FIXED


@pytest.mark.parametrize("cert_reqs", [ssl.CERT_NONE, ssl.CERT_REQUIRED],
                         ids=["CERT_NONE", "CERT_REQUIRED"])
@pytest.mark.parametrize("ssl_version", PROTOCOLS)
@pytest.mark.parametrize("scenario", ["tls1_0", "tls1_1"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_old_protocol_servers_are_refused(tier, scenario, ssl_version, cert_reqs, pki, servers,
                                          rearm_warnings):
    if not _old_protocol_control(servers[scenario], scenario):
        pytest.skip("this OpenSSL cannot speak %s even at security level 0" % scenario)
    kwargs = dict(cert_reqs=cert_reqs, ca_certs=pki.ca_file)
    if ssl_version is not None:
        kwargs["ssl_version"] = ssl_version
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", secureshim.UnverifiedContextWarning)
        outcome, record = handshake(tier, servers[scenario], **kwargs)
    assert isinstance(outcome, REFUSALS), outcome
    assert record["request"] == b""


@pytest.mark.parametrize("protocol", FIXED)
def test_fixed_version_constants_pin_tls_1_2_or_newer(protocol):
    assert _ssl_names.pinned_minimum(protocol) == _ssl_names.TLSv1_2
    context = _wrap_socket._native_context(protocol, False)
    if hasattr(context, "minimum_version"):  # 3.7+
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
        assert context.maximum_version in (ssl.TLSVersion.MAXIMUM_SUPPORTED,
                                           ssl.TLSVersion.TLSv1_3)
    else:  # 2.7 and 3.6: the OP_NO_* flags
        assert context.options & ssl.OP_NO_TLSv1 and context.options & ssl.OP_NO_TLSv1_1
    assert context.options & _tls_base.OP_NO_COMPRESSION
    # The stdlib's create_default_context flags (3.13+: VERIFY_X509_STRICT).
    default = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).verify_flags
    assert context.verify_flags & default == default


@pytest.mark.parametrize("tier", ["pyopenssl", "legacy"])
@pytest.mark.parametrize("protocol", FIXED)
def test_compat_contexts_take_fixed_version_constants_as_a_minimum(tier, protocol):
    if tier == "pyopenssl" and not HAS_PYOPENSSL:
        pytest.skip("pyOpenSSL is not installed for this interpreter")
    if tier == "legacy" and not HAS_STDLIB_WRAP_SOCKET:
        pytest.skip("ssl.wrap_socket was removed in Python 3.12")
    module = secureshim._tls.PRIMITIVE.tier(tier).bind()
    cls = module.PyOpenSSLContext if tier == "pyopenssl" else module.LegacySSLContext
    context = cls(protocol)
    assert int(context.minimum_version) == _ssl_names.TLSv1_2
    assert not context.version_allowed("TLSv1") and not context.version_allowed("TLSv1.1")


# --- the trust store when ca_certs is None ---------------------------------------

DEFAULT_STORE = """
import json, socket, ssl, sys, secureshim
port = int(sys.argv[1])
sock = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    tls = secureshim.wrap_socket(sock, cert_reqs=ssl.CERT_REQUIRED)
    out = {"ok": True, "version": tls.version()}
    tls.close()
except ssl.SSLError as exc:
    out = {"ok": False, "error": str(exc)}
sock.close()
print(json.dumps(out))
"""


@pytest.mark.parametrize("trusted", [True, False], ids=["store-has-ca", "store-lacks-ca"])
def test_cert_required_without_ca_certs_uses_the_default_trust_store(trusted, pki, servers,
                                                                     tmpdir):
    other = tls_helpers.CA(str(tmpdir), name=u"another CA").cert_path
    server = servers["good"]
    server.drain()
    env = {"SSL_CERT_FILE": pki.ca_file if trusted else other,
           "SSL_CERT_DIR": str(tmpdir.mkdir("empty"))}
    result = run_python(DEFAULT_STORE, env=env, args=[str(server.port)]).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    server.next_record()
    assert out["ok"] is trusted, out
    if not trusted:
        assert "certificate verify failed" in out["error"]


MTLS_SERVER = """
import json, socket, ssl, sys, threading, warnings
warnings.simplefilter("ignore")  # a forced tier's DegradedSecurityWarning
import secureshim
server_leaf, client_leaf, cafile, client_ca, mode = sys.argv[1:6]
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
result = []

def serve():
    conn, _ = listener.accept()
    conn.settimeout(5)
    kwargs = dict(server_side=True, certfile=server_leaf, cert_reqs=ssl.CERT_REQUIRED)
    if mode == "ca_certs":
        kwargs["ca_certs"] = client_ca
    try:
        tls = secureshim.wrap_socket(conn, **kwargs)
        result.append("accepted %r" % ((tls.getpeercert() or {}).get("subject"),))
        tls.close()
    except (ssl.SSLError, socket.error, OSError) as exc:
        result.append("refused: %s" % exc)
    conn.close()

thread = threading.Thread(target=serve)
thread.start()
client = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", ssl.PROTOCOL_SSLv23))
client.check_hostname = False
client.verify_mode = ssl.CERT_REQUIRED
client.load_verify_locations(cafile)
client.load_cert_chain(client_leaf)
sock = socket.create_connection(listener.getsockname(), timeout=5)
try:
    tls = client.wrap_socket(sock)
    tls.recv(1)
except (ssl.SSLError, socket.error, OSError):
    pass
sock.close()
thread.join(10)
print(json.dumps({"result": result, "tier": secureshim.backends()["wrap_socket"]}))
"""


@pytest.mark.parametrize("mode", ["system-store-only", "ca_certs"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_server_side_never_trusts_the_system_store_for_client_certificates(tier, mode, pki,
                                                                            tmpdir):
    # The client's certificate comes from a CA that is, in the server's
    # process, the whole system trust store (a public CA, in real life).
    public = tls_helpers.CA(str(tmpdir), name=u"a public CA")
    client_leaf = public.issue([u"stranger.example"], client=True).path
    env = {"SSL_CERT_FILE": public.cert_path, "SSL_CERT_DIR": str(tmpdir.mkdir("empty")),
           "SECURESHIM_FORCE": None if tier == "native" else "wrap_socket=" + tier}
    result = run_python(MTLS_SERVER, env=env,
                        args=[pki.leaves["good"].path, client_leaf, pki.ca_file,
                              public.cert_path, mode]).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    assert out["tier"] == tier
    assert len(out["result"]) == 1, out
    if mode == "ca_certs":  # control: the same client, trusted explicitly
        assert out["result"][0].startswith("accepted"), out
    else:  # 3.11's behaviour: no ca_certs, no client certificate trusted
        assert out["result"][0].startswith("refused"), out
        assert "certificate verify failed" in out["result"][0].lower() or (
            "CERTIFICATE_VERIFY_FAILED" in out["result"][0]), out


# --- CPython 3.11's argument checks ----------------------------------------------------

# What 3.11.7's ssl.wrap_socket raises for each call (its messages; None
# where the wording differs between versions and only the type is the
# contract). Python 2.7's set_ciphers takes byte strings and reports a NUL
# as TypeError.
PY2_STR = str is bytes
ARGUMENTS = [
    (dict(server_side=True), ValueError, "certfile must be specified for server-side operations"),
    (dict(keyfile="key.pem"), ValueError, "certfile must be specified"),
    (dict(cert_reqs=7), ValueError, "invalid value for verify_mode"),
    (dict(cert_reqs=-1), ValueError, "invalid value for verify_mode"),
    (dict(ssl_version=99), ValueError, "invalid or unsupported protocol version 99"),
    (dict(ciphers="no-such-cipher"), ssl.SSLError, "No cipher can be selected."),
    (dict(ca_certs="/nonexistent/ca.pem", cert_reqs=ssl.CERT_REQUIRED), (IOError, OSError), None),
    (dict(cert_reqs="x"), TypeError, None),
    (dict(cert_reqs=None), TypeError, None),
    (dict(cert_reqs=2.0), TypeError, None),
    (dict(ssl_version="x"), TypeError, None),
    (dict(ssl_version=2.0), TypeError, None),
    (dict(ssl_version=2 ** 70), OverflowError, None),
    (dict(ciphers=3), TypeError, None),
    (dict(ciphers="DEF\0AULT"), TypeError if PY2_STR else ValueError, None),
    (dict(certfile="/nonexistent/cert.pem"), (IOError, OSError), None),
    (dict(certfile=3), TypeError, None),
    (dict(ca_certs=3), TypeError, None),
]
if not PY2_STR:
    ARGUMENTS.append((dict(ciphers=b"DEFAULT"), TypeError, None))
if hasattr(ssl, "PROTOCOL_TLS_CLIENT") and hasattr(ssl.SSLContext, "hostname_checks_common_name"):
    # 3.7+: PROTOCOL_TLS_CLIENT turns check_hostname on.
    ARGUMENTS += [
        (dict(ssl_version=ssl.PROTOCOL_TLS_CLIENT), ValueError,
         "Cannot set verify_mode to CERT_NONE when check_hostname is enabled."),
        (dict(ssl_version=ssl.PROTOCOL_TLS_CLIENT, cert_reqs=ssl.CERT_REQUIRED), ValueError,
         "check_hostname requires server_hostname"),
    ]


def _raised(function, kwargs):
    sock = socket.socket()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the stdlib's
            function(sock, **kwargs)
    except Exception as exc:  # what each implementation raised, to compare
        return exc
    finally:
        sock.close()
    return None


@pytest.mark.parametrize("kwargs, error, message", ARGUMENTS)
def test_bad_arguments_raise_what_3_11_raises(kwargs, error, message):
    raised = _raised(_wrap_socket.tier_wrap_socket("native"), kwargs)
    assert isinstance(raised, error), raised
    if HAS_STDLIB_WRAP_SOCKET and CPYTHON_SSL:  # differential: this interpreter's own
        native = _raised(ssl.wrap_socket, kwargs)
        assert type(raised) is type(native), (raised, native)
        if message is not None:
            assert str(raised) == str(native)
    elif message is not None and CPYTHON_SSL and not isinstance(raised, ssl.SSLError):
        # 3.12+: 3.11's messages, which these interpreters' SSLContext keeps.
        assert str(raised) == message


@pytest.mark.parametrize("tier", TIER_PARAMS[1:])
@pytest.mark.parametrize("kwargs, error, message", ARGUMENTS)
def test_compat_tiers_raise_the_same_for_bad_arguments(tier, kwargs, error, message):
    raised = _raised(_wrap_socket.tier_wrap_socket(tier), kwargs)
    # The native tier's type: the stdlib's own (3.11's, on 3.12+).
    native = _raised(_wrap_socket.tier_wrap_socket("native"), kwargs)
    assert isinstance(raised, error), raised
    assert type(raised) is type(native), (raised, native)
    if message is not None:  # 3.11's words, or this interpreter's where older
        # PyPy's ssl.SSLError prints a one-argument error as its args tuple.
        text = raised.args[0] if len(raised.args) == 1 else str(raised)
        assert text in (message, str(native)), (raised, native)


def test_cipher_strings_cannot_drop_authentication():
    # Control: this OpenSSL accepts a string of only anonymous suites...
    control = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", ssl.PROTOCOL_SSLv23))
    control.set_ciphers("aNULL")
    # ...which wrap_socket cuts down to nothing: no suite without a certificate.
    raised = _raised(_wrap_socket.tier_wrap_socket("native"), dict(ciphers="aNULL"))
    assert isinstance(raised, ssl.SSLError), raised


# --- reported ------------------------------------------------------------------------------

def test_reported_in_backends_on_create_default_contexts_tier():
    chosen = secureshim.backends()
    assert chosen["wrap_socket"] == chosen["create_default_context"]
    assert secureshim.wrap_socket.__name__ == "wrap_socket"
    assert "wrap_socket" in secureshim.__all__


def test_forced_tier_is_reported_and_warns_at_first_use():
    if not HAS_PYOPENSSL:
        pytest.skip("pyOpenSSL is not installed for this interpreter")
    result = run_python(
        """
        import json, socket, ssl, warnings
        import secureshim
        chosen = secureshim.backends()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sock = socket.socket()
            try:
                secureshim.wrap_socket(sock, keyfile="k")
            except ValueError:
                pass
            sock.close()
        print(json.dumps({"chosen": chosen, "warned": [w.category.__name__ for w in caught]}))
        """,
        env={"SECURESHIM_FORCE": "wrap_socket=pyopenssl"},
    ).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    assert out["chosen"]["wrap_socket"] == "pyopenssl"
    assert out["chosen"]["create_default_context"] == "native"
    assert out["warned"] == ["DegradedSecurityWarning"]


# --- RAND_pseudo_bytes -----------------------------------------------------------------

# 3.11.7's _ssl converts to a C int first ("i": OverflowError outside
# [-2**31, 2**31 - 1]), then refuses a negative count (ValueError).
BAD_COUNTS = [(-1, ValueError), (-2 ** 31, ValueError), (-2 ** 31 - 1, OverflowError),
              (-2 ** 40, OverflowError), ("x", TypeError), (1.5, TypeError),
              (2 ** 31, OverflowError), (2 ** 40, OverflowError), (None, TypeError)]


def test_rand_pseudo_bytes_shape():
    for n in (0, 1, 16, 1000):
        data, strong = _ssl_names.RAND_pseudo_bytes(n)
        assert isinstance(data, bytes) and len(data) == n
        assert strong is True
    assert _ssl_names.RAND_pseudo_bytes(32) != _ssl_names.RAND_pseudo_bytes(32)


@pytest.mark.parametrize("n, error", BAD_COUNTS)
def test_rand_pseudo_bytes_bad_input(n, error):
    with pytest.raises(error) as ours:
        _ssl_names.RAND_pseudo_bytes(n)
    assert ours.type is error
    if error is ValueError:
        assert str(ours.value) == "num must be positive"  # 3.11's words
    native = getattr(ssl, "RAND_pseudo_bytes", None)  # 3.3-3.11
    if native is not None and CPYTHON_SSL:  # differential
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            with pytest.raises(Exception) as theirs:
                native(n)
        # The type; the wording of TypeError and OverflowError varies by version.
        assert theirs.type is ours.type


# --- the restored PROTOCOL_TLSv1* constants -----------------------------------------------

def test_restored_constants_are_distinct_dict_keys():
    # urllib3 1.26's pyOpenSSL module: {PROTOCOL_TLS: SSLv23_METHOD,
    # PROTOCOL_TLSv1: TLSv1_METHOD, ...}. A constant equal to PROTOCOL_TLS
    # would overwrite its entry and pin every default context to TLS 1.0.
    tls = getattr(ssl, "PROTOCOL_TLS", ssl.PROTOCOL_SSLv23)
    table = {tls: "negotiate", _ssl_names.PROTOCOL_TLSv1: "1.0",
             _ssl_names.PROTOCOL_TLSv1_1: "1.1", _ssl_names.PROTOCOL_TLSv1_2: "1.2"}
    assert len(table) == 4
    assert table[tls] == "negotiate"
    assert table[_ssl_names.PROTOCOL_TLSv1_2] == "1.2"
    assert int(_ssl_names.PROTOCOL_TLSv1_2) == int(tls)
    for constant in (_ssl_names.PROTOCOL_TLSv1, _ssl_names.PROTOCOL_TLSv1_2):
        assert pickle.loads(pickle.dumps(constant)) == constant
        assert constant.name in repr(constant)


def test_restored_constants_compare_as_documented():
    """The differences from a native constant that the docs list, as they
    really are (docs/injection.md, _ssl_names)."""
    restored = _ssl_names.PROTOCOL_TLSv1
    tls = getattr(ssl, "PROTOCOL_TLS", ssl.PROTOCOL_SSLv23)
    # Ours first: equal only to the same restored constant.
    assert not (restored == tls) and restored != tls
    assert not (restored == 2) and not (restored == 3)
    assert restored == _ssl_names.PROTOCOL_TLSv1 and restored != _ssl_names.PROTOCOL_TLSv1_2
    # The stdlib's first: where PROTOCOL_TLS is an IntEnum member (3.6+), its
    # int comparison answers, so equality is not symmetric there.
    if isinstance(tls, _ssl_names.ProtocolConstant.__mro__[1]) and type(tls) is not int:
        assert tls == restored
    else:  # 2.7: plain ints, which defer to ours
        assert not (tls == restored)
    # An int for everything else.
    assert int(restored) == 2 and "%d" % restored == "2"
    # json: the int on 3.x; 2.7's encoder calls repr() on int subclasses.
    assert json.dumps(restored) in ("2", json.dumps(repr(restored))[1:-1])
    assert str(restored) == repr(restored) == "{0}".format(restored)
    assert not (restored < _ssl_names.PROTOCOL_TLSv1_2)  # both are 2
    if hasattr(ssl, "_SSLMethod"):  # 3.6+: the IntEnum of protocol constants
        with pytest.raises(ValueError):
            ssl._SSLMethod(restored)


ABSENT = """
import json, ssl, sys, warnings
names = ("PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2", "RAND_pseudo_bytes",
         "wrap_socket")
for name in names:
    if hasattr(ssl, name):
        delattr(ssl, name)
no_match_hostname = not hasattr(ssl, "match_hostname")  # 3.12+
import secureshim
changed = secureshim.inject_into_stdlib()
again = secureshim.inject_into_stdlib()
out = {"changed": changed, "again": again, "table": None,
       "no_match_hostname": no_match_hostname}
floor = False
if hasattr(ssl, "PROTOCOL_TLS_CLIENT") and hasattr(ssl, "TLSVersion"):  # 3.7+
    default = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    floor = default.minimum_version >= ssl.TLSVersion.TLSv1_2  # 3.10+, bpo-43998
out["floor"] = floor
if hasattr(ssl, "PROTOCOL_TLSv1"):
    # What legacy code does with them.
    table = {ssl.PROTOCOL_SSLv23: "SSLv23_METHOD", ssl.PROTOCOL_TLSv1: "TLSv1_METHOD"}
    out["table"] = [table[ssl.PROTOCOL_SSLv23], table[ssl.PROTOCOL_TLSv1], len(table)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.10+: PROTOCOL_TLS
        out["minimum"] = int(ssl.SSLContext(ssl.PROTOCOL_TLSv1_2).minimum_version)
data, strong = ssl.RAND_pseudo_bytes(8)
out["rand"] = [len(data), strong]
out["wrap_socket"] = ssl.wrap_socket is secureshim.wrap_socket
out["restored"] = secureshim.extract_from_stdlib()
out["gone"] = [name for name in names if hasattr(ssl, name)]
print(json.dumps(out))
"""


def test_absent_constants_and_rand_pseudo_bytes_are_restored_only_where_missing():
    result = run_python(ABSENT).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    restored = ["ssl.RAND_pseudo_bytes", "ssl.wrap_socket"]
    if out["no_match_hostname"]:
        restored.append("ssl.match_hostname")
    if out["floor"]:
        restored += ["ssl.PROTOCOL_TLSv1", "ssl.PROTOCOL_TLSv1_1", "ssl.PROTOCOL_TLSv1_2"]
    assert out["changed"] == sorted(restored)
    assert out["again"] == []
    assert out["rand"] == [8, True]
    assert out["wrap_socket"]
    assert out["restored"] == sorted(restored)
    assert out["gone"] == []
    if out["floor"]:
        assert out["table"] == ["SSLv23_METHOD", "TLSv1_METHOD", 2]
        # The stdlib's own SSLContext given a restored constant starts at
        # TLS 1.2: never an older protocol.
        assert out["minimum"] >= _ssl_names.TLSv1_2
    else:
        # 2.7, 3.6-3.9: a negotiating context speaks TLS 1.0 there, so a
        # restored PROTOCOL_TLSv1_2 would mean "TLS 1.0 or newer".
        assert out["table"] is None and "minimum" not in out


def test_present_constants_are_left_alone():
    result = run_python(
        """
        import json, ssl
        before = dict((n, getattr(ssl, n, None)) for n in
                      ("PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2", "RAND_pseudo_bytes"))
        import secureshim
        changed = secureshim.inject_into_stdlib(replace_native=True)
        print(json.dumps({"changed": changed, "kept": [n for n, v in before.items()
                          if v is not None and getattr(ssl, n) is v],
                          "present": [n for n, v in before.items() if v is not None]}))
        """
    ).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    assert sorted(out["kept"]) == sorted(out["present"])
    for name in out["present"]:
        assert "ssl." + name not in out["changed"]


# --- the server side ---------------------------------------------------------------------

def _serve_once(tier, leaf, results):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(tls_helpers.TIMEOUT)

    def run():
        conn = tls = None
        try:
            conn, _ = listener.accept()
            conn.settimeout(tls_helpers.TIMEOUT)
            tls = _wrap_socket.tier_wrap_socket(tier)(conn, server_side=True, certfile=leaf.path)
            results.append(("ok", tls.version() if hasattr(tls, "version") else None))
        except REFUSALS as exc:
            results.append(("refused", repr(exc)))
        finally:
            for each in (tls, conn, listener):
                if each is not None:
                    each.close()

    import threading

    thread = threading.Thread(target=run)
    thread.daemon = True
    thread.start()
    return listener.getsockname()[1], thread


@pytest.mark.parametrize("oldest", [None, "TLSv1", "TLSv1_1"], ids=["modern", "tls1_0", "tls1_1"])
@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_server_side_serves_tls_1_2_and_refuses_older_clients(tier, oldest, pki, servers):
    leaf = pki.leaves["good"]
    scenario = {"TLSv1": "tls1_0", "TLSv1_1": "tls1_1"}.get(oldest)
    if scenario and not _old_protocol_control(servers[scenario], scenario):
        pytest.skip("this OpenSSL cannot speak %s even at security level 0" % scenario)
    results = []
    port, thread = _serve_once(tier, leaf, results)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1, 3.10+
        if oldest is not None and not hasattr(ssl, "TLSVersion"):  # 2.7, 3.6
            client = ssl.SSLContext(getattr(ssl, "PROTOCOL_" + oldest))
        else:
            client = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", ssl.PROTOCOL_SSLv23))
        client.check_hostname = False
        client.verify_mode = ssl.CERT_REQUIRED
        client.load_verify_locations(pki.ca_file)
        if oldest is not None:
            if hasattr(ssl, "TLSVersion"):  # 3.7+
                client.maximum_version = getattr(ssl.TLSVersion, oldest)
            tls_helpers.permissive_ciphers(client)
    try:
        data, version = tls_helpers.connect(client, port, u"localhost", request=False)
        outcome = version
    except REFUSALS as exc:
        outcome = exc
    thread.join(2 * tls_helpers.TIMEOUT)
    if oldest is None:
        assert outcome in ("TLSv1.2", "TLSv1.3"), outcome
        assert results and results[0][0] == "ok", results
    else:
        assert isinstance(outcome, REFUSALS), outcome
        assert results and results[0][0] == "refused", results


FORCED_CLIENT = """
import json, socket, ssl, sys, warnings
import secureshim
port, cafile = int(sys.argv[1]), sys.argv[2]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    tls = secureshim.wrap_socket(sock, cert_reqs=ssl.CERT_REQUIRED, ca_certs=cafile)
    tls.sendall(b"GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
    data = tls.recv(4096)
    tls.close()
    sock.close()
print(json.dumps({"chosen": secureshim.backends(), "data": data.decode("latin-1"),
                  "warned": sorted(set(w.category.__name__ for w in caught))}))
"""


@pytest.mark.parametrize("tier", TIER_PARAMS[1:])
def test_wrap_socket_follows_a_forced_create_default_context_tier(tier, pki, servers):
    server = servers["good"]
    server.drain()
    result = run_python(FORCED_CLIENT, args=[str(server.port), pki.ca_file],
                        env={"SECURESHIM_FORCE": "create_default_context=" + tier}).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    record = server.next_record()
    assert out["chosen"]["wrap_socket"] == out["chosen"]["create_default_context"] == tier
    assert out["data"].startswith("HTTP/1.1 200 OK"), out
    assert record["version"] in ("TLSv1.2", "TLSv1.3")
    # The forced tier's own first-use warnings; never UnverifiedContextWarning.
    assert "UnverifiedContextWarning" not in out["warned"]
    assert out["warned"], out
