"""Certificates made at test time, and TLS servers on 127.0.0.1 that present them.

Certificates come from ``cryptography`` (3.3 on 2.7, 40 on 3.6, current
elsewhere: the API used here is common to all of them). A ``CA`` issues
leaf certificates for DNS names and IP addresses with any validity window
and RSA key size (``CA.issue``; ``self_signed`` makes one without a CA),
and either can break RFC 5280 rules that only VERIFY_X509_STRICT enforces
(``lax``);
each ``Leaf`` is one PEM file holding the certificate, the issuer's
certificate (the chain a server sends) and the key. ``PKI`` builds the
bad-server matrix, ``SCENARIOS``, from them.

A ``Server`` is the running interpreter's own ``ssl.SSLContext`` in a
thread on 127.0.0.1, optionally pinned to an old protocol version. It
handles one connection at a time with a ``TIMEOUT`` on each operation,
records what it saw (SNI, protocol version, the request) in ``records``,
can greet the client right after the handshake, and answers an HTTP
request with ``RESPONSE``. ``close()`` (or leaving its ``with`` block)
stops and joins the thread and closes the listening socket.
"""
from __future__ import absolute_import, division, print_function

import collections
import datetime
import ipaddress
import os
import socket
import ssl
import threading
import time
import warnings

from .conftest import wasm_lacks

# Every user of this module makes real handshakes with certificates made by
# cryptography: the whole module (and so theirs) skips on WebAssembly.
wasm_lacks("sockets, real ssl or cryptography")

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue  # type: ignore[no-redef]

with warnings.catch_warnings():
    # cryptography 3.3 (2.7) and 40 (3.6), and the pyOpenSSL releases that
    # go with them, warn at import that they are the last for those
    # interpreters.
    warnings.simplefilter("ignore")
    from cryptography import x509
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    try:
        import OpenSSL.SSL  # noqa: F401  (imported here for the same warning)
    except ImportError:
        pass

HOSTNAME = u"secureshim.test"
TIMEOUT = 5.0
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
    b"Connection: close\r\n\r\nhello"
)

# The bad-server matrix: name -> what the server presents.
SCENARIOS = (
    "good",
    "expired",
    "not_yet_valid",
    "wrong_hostname",
    "self_signed",
    "untrusted_root",
    "ip_mismatch",
    "tls1_0",
    "tls1_1",
    "rsa1024",
)
BAD = tuple(name for name in SCENARIOS if name != "good")


def client_hostname(scenario):
    """The name the client asks for: an IP literal for the IP scenario."""
    return u"127.0.0.1" if scenario == "ip_mismatch" else HOSTNAME


# --- certificates ---------------------------------------------------------------

_BACKEND = default_backend()
_DAY = datetime.timedelta(days=1)

# ``path``: PEM with the certificate, the issuer's certificate (none for a
# self-signed one) and the key, as ``SSLContext.load_cert_chain`` takes it.
# ``bits``: the RSA key size.
Leaf = collections.namedtuple("Leaf", "path bits")


def _utcnow():
    # Naive UTC, which every cryptography version accepts, without
    # datetime.utcnow() (deprecated in 3.12).
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=time.time())


def _rsa(bits):
    return rsa.generate_private_key(65537, bits, _BACKEND)


_LEAF_KEYS = {}


def _leaf_key(bits):
    """One key per size for all leaves: RSA key generation is the slow part."""
    if bits not in _LEAF_KEYS:
        _LEAF_KEYS[bits] = _rsa(bits)
    return _LEAF_KEYS[bits]


def _name(common_name):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, u"secureshim tests"),
        x509.NameAttribute(NameOID.COMMON_NAME, u"%s" % common_name),
    ])


def _general_name(text):
    """An IP Address entry for an IP literal, else a DNS name."""
    text = u"%s" % text
    try:
        return x509.IPAddress(ipaddress.ip_address(text))
    except ValueError:
        return x509.DNSName(text)


def _key_usage(leaf):
    # A CA signs certificates (and CRLs); an RSA leaf signs (ECDHE) and
    # decrypts (RSA key exchange, TLS 1.0-1.2).
    return x509.KeyUsage(
        digital_signature=leaf, content_commitment=False,
        key_encipherment=leaf, data_encipherment=False,
        key_agreement=False, key_cert_sign=not leaf, crl_sign=not leaf,
        encipher_only=False, decipher_only=False,
    )


# RFC 5280 rules that OpenSSL enforces only under VERIFY_X509_STRICT (3.13's
# default), which a certificate can be made to break (``lax``).
LAX_RULES = frozenset(["bc_not_critical", "no_key_usage", "no_aki"])


def _certificate(subject, key, issuer_name, issuer_key, days, names=None, lax=(),
                 usage=ExtendedKeyUsageOID.SERVER_AUTH):
    """Sign ``key``'s certificate, valid from ``days[0]`` to ``days[1]`` days
    from now: a CA's, or with ``names`` a server's (the subjectAltName).

    Both kinds carry key identifiers: 3.13's default context sets
    VERIFY_X509_STRICT, which wants them. ``lax`` names rules of
    ``LAX_RULES`` to break: basicConstraints not critical, no keyUsage, no
    authorityKeyIdentifier (a certificate that verifies only without
    strict mode). ``usage``: the leaf's extended key usage.
    """
    assert set(lax) <= LAX_RULES, lax
    leaf = names is not None
    now = _utcnow()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + days[0] * _DAY)
        .not_valid_after(now + days[1] * _DAY)
        .add_extension(x509.BasicConstraints(ca=not leaf, path_length=None),
                       critical="bc_not_critical" not in lax)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if "no_key_usage" not in lax:
        builder = builder.add_extension(_key_usage(leaf), critical=True)
    if leaf:
        builder = (
            builder
            .add_extension(
                x509.SubjectAlternativeName([_general_name(name) for name in names]),
                critical=False,
            )
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if "no_aki" not in lax:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
    return builder.sign(issuer_key, hashes.SHA256(), _BACKEND)


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _write(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


class CA(object):
    """A throwaway certificate authority (RSA 2048) writing under ``directory``.

    ``cert_path`` is its certificate (PEM): the file a client trusts.
    """

    def __init__(self, directory, name=u"secureshim test CA", lax=()):
        self.directory = str(directory)
        self.name = _name(name)
        self.key = _rsa(2048)
        cert = _certificate(self.name, self.key, self.name, self.key, (-2, 60), lax=lax)
        self.cert_pem = _pem(cert)
        self.cert_path = _write(self.directory, "ca-%x.pem" % cert.serial_number, self.cert_pem)

    def issue(self, names, days=(-1, 30), common_name=None, bits=2048, lax=(), client=False):
        """A server certificate for ``names`` (DNS names or IP literals), or
        with ``client`` a client one.

        ``days`` is the validity window (start, end) in days from now; the
        common name defaults to the first name; ``lax``: see
        ``_certificate``. Returns a ``Leaf``.
        """
        return _issue(self.directory, names, days, common_name, bits, self, lax, client)


def self_signed(directory, names, days=(-1, 30), common_name=None, bits=2048):
    """Like ``CA.issue``, but the certificate signs itself (and is no CA)."""
    return _issue(str(directory), names, days, common_name, bits, None)


def _issue(directory, names, days, common_name, bits, ca, lax=(), client=False):
    key = _leaf_key(bits)
    subject = _name(common_name or names[0])
    if ca is None:
        issuer_name, issuer_key, chain = subject, key, b""
    else:
        issuer_name, issuer_key, chain = ca.name, ca.key, ca.cert_pem
    usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
    cert = _certificate(subject, key, issuer_name, issuer_key, days, names, lax, usage)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    path = _write(directory, "leaf-%x.pem" % cert.serial_number, _pem(cert) + chain + key_pem)
    return Leaf(path, bits)


class PKI(object):
    """The bad-server matrix: a trusted CA (``ca_file``), an untrusted one,
    and a leaf per scenario, all naming ``HOSTNAME`` as their common name."""

    def __init__(self, directory):
        directory = str(directory)
        ca = CA(directory)
        other = CA(directory, name=u"secureshim untrusted CA")
        self.ca_file = ca.cert_path
        good = [HOSTNAME, u"localhost", u"127.0.0.1"]

        def issue(names, days=(-1, 30), bits=2048, issuer=ca):
            return issuer.issue(names, days, common_name=HOSTNAME, bits=bits)

        self.leaves = {
            "good": issue(good),
            "expired": issue(good, days=(-30, -1)),
            "not_yet_valid": issue(good, days=(1, 30)),
            "wrong_hostname": issue([u"other.test"]),
            "self_signed": self_signed(directory, good, common_name=HOSTNAME),
            "untrusted_root": issue(good, issuer=other),
            "ip_mismatch": issue([u"127.0.0.2"]),
            "rsa1024": issue(good, bits=1024),
        }
        self.leaves["tls1_0"] = self.leaves["tls1_1"] = self.leaves["good"]

    def server(self, scenario):
        """A running ``Server`` for ``scenario``."""
        return Server(self.leaves[scenario], tls_version=_OLD_PROTOCOLS.get(scenario))


# --- servers ------------------------------------------------------------------

_OLD_PROTOCOLS = {"tls1_0": "TLSv1", "tls1_1": "TLSv1_1"}


def permissive_ciphers(context):
    """Security level 0: OpenSSL 3.0 refuses TLS 1.0/1.1 and 1024-bit keys
    at any higher level, on the server side too."""
    context.set_ciphers("DEFAULT:@SECLEVEL=0")


def server_context(leaf, tls_version=None):
    """A server context presenting ``leaf``; ``tls_version`` ("TLSv1",
    "TLSv1_1") makes it speak that protocol version only."""
    with warnings.catch_warnings():
        # 3.10+ deprecates PROTOCOL_TLS, TLS 1.0/1.1 and their constants.
        warnings.simplefilter("ignore", DeprecationWarning)
        if hasattr(ssl, "PROTOCOL_TLS_SERVER") and hasattr(ssl, "TLSVersion"):  # 3.7+
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            if tls_version is not None:
                context.minimum_version = getattr(ssl.TLSVersion, tls_version)
                context.maximum_version = getattr(ssl.TLSVersion, tls_version)
        else:  # 2.7 and 3.6: one PROTOCOL_* constant per version
            name = "PROTOCOL_SSLv23" if tls_version is None else "PROTOCOL_" + tls_version
            context = ssl.SSLContext(getattr(ssl, name))
        if tls_version is not None or leaf.bits < 2048:
            permissive_ciphers(context)
        context.load_cert_chain(leaf.path)
    return context


def _record(error=None):
    """What a ``Server`` records of one connection, before anything happened."""
    return {"handshake": False, "sni": None, "version": None, "request": b"", "error": error}


class Server(object):
    """A TLS server for ``leaf`` on 127.0.0.1, running from construction.

    Each connection is handshaken, sent ``greeting`` (if any), read up to
    the end of an HTTP request head, answered with ``RESPONSE`` if there
    was one, and closed; its record (a dict: handshake, sni, version,
    request, error) then goes to ``records``.
    """

    def __init__(self, leaf, tls_version=None, greeting=None):
        self.context = server_context(leaf, tls_version)
        self.greeting = greeting
        self._sni = []
        if hasattr(self.context, "sni_callback"):  # 3.7+
            self.context.sni_callback = self._on_sni
        else:  # 2.7.9+ and 3.4+
            self.context.set_servername_callback(self._on_sni)
        self.records = queue.Queue()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tls-server-%d" % self.port)
        self._thread.daemon = True
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _on_sni(self, sslobj, name, context):
        self._sni.append(name)

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except (socket.error, OSError) as exc:
                # EMFILE, ECONNABORTED...: a record makes the failure show
                # in the test that waits for one, instead of a dead thread
                # and handshake timeouts.
                self.records.put(_record(error="accept: %r" % (exc,)))
                continue
            self._handle(conn)

    def _handle(self, conn):
        conn.settimeout(TIMEOUT)
        del self._sni[:]
        record = _record()
        tls = None
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
            record["handshake"] = True
            record["version"] = tls.version() if hasattr(tls, "version") else None
            record["sni"] = self._sni[0] if self._sni else None
            if self.greeting:
                tls.sendall(self.greeting)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            record["request"] = data
            if b"\r\n\r\n" in data:
                tls.sendall(RESPONSE)
                try:  # close_notify: 2.7's SSLSocket treats a bare EOF as an error
                    tls = tls.unwrap() or tls
                except (ssl.SSLError, socket.error, OSError, ValueError):
                    pass
        except (ssl.SSLError, socket.error, OSError, ValueError) as exc:
            record["error"] = repr(exc)
            record["sni"] = record["sni"] or (self._sni[0] if self._sni else None)
        finally:
            if tls is not None:
                tls.close()
            # On 2.7 the accepted socket shares the descriptor with the TLS
            # socket, which stays open until both are closed.
            conn.close()
            self.records.put(record)

    def drain(self):
        while True:
            try:
                self.records.get_nowait()
            except queue.Empty:
                return

    def next_record(self):
        return self.records.get(timeout=TIMEOUT)

    def stop(self):
        """Ask the thread to stop after the connection in hand; see ``close``."""
        self._stop.set()

    def close(self):
        """Stop and join the thread, then close the listening socket."""
        self.stop()
        # Each step of a connection has TIMEOUT; a thread still alive after
        # a few of them is stuck, and a leak the test run should see.
        self._thread.join(4 * TIMEOUT)
        self._listener.close()
        if self._thread.is_alive():
            raise RuntimeError("the TLS server on port %d did not stop" % self.port)


def close_all(servers):
    """Close ``servers``, waiting for their threads together."""
    servers = list(servers)
    for server in servers:
        server.stop()
    failures = []
    for server in servers:
        # Every server is closed even when one of them is stuck.
        try:
            server.close()
        except RuntimeError as exc:
            failures.append(str(exc))
    if failures:
        raise RuntimeError("; ".join(failures))


def connect(context, port, hostname, request=True):
    """Connect through ``context``; return (response, version) or raise."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        tls = context.wrap_socket(sock, server_hostname=hostname)
    except BaseException:
        sock.close()
        raise
    try:
        # SSLSocket.version(): 2.7.9+ and 3.5+.
        version = tls.version() if hasattr(tls, "version") else None
        if not request:
            return b"", version
        tls.sendall(b"GET / HTTP/1.1\r\nHost: " + hostname.encode("ascii") + b"\r\n\r\n")
        data = b""
        while not data.endswith(b"hello"):
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
        return data, version
    finally:
        tls.close()


def subject_hash(certfile):
    """OpenSSL's subject-name hash of a certificate, for a hashed capath."""
    from OpenSSL import crypto

    with open(certfile, "rb") as handle:
        cert = crypto.load_certificate(crypto.FILETYPE_PEM, handle.read())
    return "%08x" % cert.subject_name_hash()
