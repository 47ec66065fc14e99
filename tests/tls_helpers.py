"""Certificates made at test time, and TLS servers on 127.0.0.1 that present them.

The servers are the running interpreter's own ``ssl.SSLContext`` (every
interpreter under test has one); each runs in a daemon thread, handles
one connection at a time with a 5 s timeout, records what it saw (SNI,
protocol version, the request) and answers an HTTP request with
``hello``. Certificates come from ``cryptography`` (3.3.2 on 2.7).
"""
from __future__ import absolute_import, division, print_function

import datetime
import ipaddress
import os
import socket
import ssl
import threading
import time
import warnings

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue  # type: ignore[no-redef]

with warnings.catch_warnings():
    # cryptography warns at import that it will drop 2.7 and 3.6.
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


def _utcnow():
    # Naive UTC without datetime.utcnow() (deprecated in 3.12).
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=time.time())


class PKI(object):
    """A CA, a second (untrusted) CA, and one leaf per scenario, on disk."""

    def __init__(self, directory):
        self.directory = directory
        backend = default_backend()
        self._backend = backend
        now = _utcnow()
        day = datetime.timedelta(days=1)
        self.ca_key = self._rsa(2048)
        self.ca_cert = self._ca(u"secureshim test CA", self.ca_key)
        other_key = self._rsa(2048)
        other_ca = self._ca(u"secureshim untrusted CA", other_key)
        leaf_key = self._rsa(2048)
        small_key = self._rsa(1024)
        good_san = [
            x509.DNSName(HOSTNAME),
            x509.DNSName(u"localhost"),
            x509.IPAddress(ipaddress.ip_address(u"127.0.0.1")),
        ]
        issued = (self.ca_cert, self.ca_key)
        leaves = {
            "good": (leaf_key, good_san, now - day, now + 30 * day, issued),
            "expired": (leaf_key, good_san, now - 30 * day, now - day, issued),
            "not_yet_valid": (leaf_key, good_san, now + day, now + 30 * day, issued),
            "wrong_hostname": (leaf_key, [x509.DNSName(u"other.test")], now - day, now + 30 * day, issued),
            "self_signed": (leaf_key, good_san, now - day, now + 30 * day, None),
            "untrusted_root": (leaf_key, good_san, now - day, now + 30 * day, (other_ca, other_key)),
            "ip_mismatch": (
                leaf_key, [x509.IPAddress(ipaddress.ip_address(u"127.0.0.2"))],
                now - day, now + 30 * day, issued,
            ),
            "rsa1024": (small_key, good_san, now - day, now + 30 * day, issued),
        }
        self.ca_file = self._write("ca.pem", self._pem(self.ca_cert))
        self.files = {}
        for name, (key, san, start, end, issuer) in leaves.items():
            cert = self._leaf(key, san, start, end, issuer)
            certfile = self._write(name + ".pem", self._pem(cert))
            keyfile = self._write(name + ".key", key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ))
            self.files[name] = (certfile, keyfile)
        self.files["tls1_0"] = self.files["tls1_1"] = self.files["good"]
        self.good_cert = self.files["good"][0]

    def _rsa(self, bits):
        return rsa.generate_private_key(65537, bits, self._backend)

    def _pem(self, cert):
        return cert.public_bytes(serialization.Encoding.PEM)

    def _write(self, name, data):
        path = os.path.join(self.directory, name)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def _name(self, common_name):
        return x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, u"secureshim tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ])

    def _ca(self, common_name, key):
        now = _utcnow()
        name = self._name(common_name)
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=2))
            .not_valid_after(now + datetime.timedelta(days=60))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        return builder.sign(key, hashes.SHA256(), self._backend)

    def _leaf(self, key, san, start, end, issuer):
        subject = self._name(HOSTNAME)
        if issuer is None:  # self-signed, not a CA
            issuer_name, issuer_key = subject, key
        else:
            issuer_name, issuer_key = issuer[0].subject, issuer[1]
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, True, False, False, False, False, False, False),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
        )
        return builder.sign(issuer_key, hashes.SHA256(), self._backend)


# --- servers ------------------------------------------------------------------

_OLD_PROTOCOLS = {"tls1_0": "TLSv1", "tls1_1": "TLSv1_1"}


def permissive_ciphers(context):
    """Security level 0: OpenSSL 3.0 refuses TLS 1.0/1.1 and 1024-bit keys
    at any higher level, on the server side too."""
    context.set_ciphers("DEFAULT:@SECLEVEL=0")


def server_context(scenario, pki):
    certfile, keyfile = pki.files[scenario]
    with warnings.catch_warnings():
        # 3.10+ deprecates PROTOCOL_TLS, TLS 1.0/1.1 and their constants.
        warnings.simplefilter("ignore", DeprecationWarning)
        old = _OLD_PROTOCOLS.get(scenario)
        if hasattr(ssl, "PROTOCOL_TLS_SERVER") and hasattr(ssl, "TLSVersion"):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            if old is not None:
                version = getattr(ssl.TLSVersion, old)
                context.minimum_version = version
                context.maximum_version = version
        else:  # 2.7 and 3.6: one PROTOCOL_* constant per version
            protocol = ssl.PROTOCOL_SSLv23 if old is None else getattr(ssl, "PROTOCOL_" + old)
            context = ssl.SSLContext(protocol)
        if old is not None or scenario == "rsa1024":
            permissive_ciphers(context)
        context.load_cert_chain(certfile, keyfile)
    return context


class Server(object):
    """A TLS server for one scenario on 127.0.0.1, in a daemon thread."""

    def __init__(self, scenario, pki):
        self.scenario = scenario
        self.context = server_context(scenario, pki)
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
        self._thread = threading.Thread(target=self._run, name="tls-" + scenario)
        self._thread.daemon = True
        self._thread.start()

    def _on_sni(self, sslobj, name, context):
        self._sni.append(name)

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except (socket.error, OSError):
                break
            self._handle(conn)

    def _handle(self, conn):
        conn.settimeout(TIMEOUT)
        del self._sni[:]
        record = {"handshake": False, "sni": None, "version": None, "request": b"", "error": None}
        tls = None
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
            record["handshake"] = True
            record["version"] = tls.version() if hasattr(tls, "version") else None
            record["sni"] = self._sni[0] if self._sni else None
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

    def close(self, join=True):
        self._stop.set()
        self._listener.close()
        if join:
            self.join()

    def join(self):
        self._thread.join(TIMEOUT)


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
