"""Certificates made on the spot and TLS servers on 127.0.0.1, for the tests.

Certificates come from ``cryptography`` (3.3 on 2.7, 40 on 3.6, current
elsewhere: the API used here is common to all of them). Servers are
threads that accept connections until closed, each with bounded timeouts.
"""
from __future__ import absolute_import, division, print_function

import datetime
import os
import socket
import ssl
import threading
import time
import warnings

with warnings.catch_warnings():
    # cryptography 3.3 (2.7) and 40 (3.6) warn at import that they are the
    # last releases for those interpreters.
    warnings.simplefilter("ignore")
    from cryptography import x509
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

try:
    import ipaddress
except ImportError:  # 2.7 without the ipaddress backport
    ipaddress = None

_BACKEND = default_backend()


def _UTCNOW():
    # Naive UTC, which every cryptography version accepts (utcnow() is
    # deprecated on 3.12+).
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=time.time())


def _key():
    return ec.generate_private_key(ec.SECP256R1(), _BACKEND)


def _name(common_name):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, u"secureshim tests"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


class CA(object):
    """A throwaway certificate authority writing its files under ``directory``."""

    def __init__(self, directory, name=u"secureshim test CA"):
        self.directory = str(directory)
        self.key = _key()
        now = _UTCNOW()
        self.name = _name(name)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False,
                    key_encipherment=False, data_encipherment=False,
                    key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256(), _BACKEND)
        )
        self.cert_pem = self.cert.public_bytes(serialization.Encoding.PEM)
        self.cert_path = self._write("ca-%d.pem" % id(self), self.cert_pem)

    def _write(self, name, data):
        path = os.path.join(self.directory, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def issue(self, hostnames, days_valid=(-1, 30), common_name=None):
        """Issue a server certificate for ``hostnames`` (DNS names or IPs).

        ``days_valid`` is (start, end) in days from now. Returns the path of
        a PEM file with the certificate, its key and the CA certificate.
        """
        key = _key()
        now = _UTCNOW()
        sans = []
        for host in hostnames:
            if ipaddress is not None and host.replace(".", "").isdigit():
                sans.append(x509.IPAddress(ipaddress.ip_address(u"%s" % host)))
            else:
                sans.append(x509.DNSName(u"%s" % host))
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(u"%s" % (common_name or hostnames[0])))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=days_valid[0]))
            .not_valid_after(now + datetime.timedelta(days=days_valid[1]))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            # 3.13's default context sets VERIFY_X509_STRICT, which wants both.
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                critical=False,
            )
        )
        cert = builder.sign(self.key, hashes.SHA256(), _BACKEND)
        pem = cert.public_bytes(serialization.Encoding.PEM) + _pem_key(key) + self.cert_pem
        return self._write("leaf-%d-%s.pem" % (id(cert), hostnames[0].replace(":", "_")), pem)


def _server_context(chain_path, tls_max=None):
    """A server context; ``tls_max="TLSv1"`` makes a TLS 1.0-only server."""
    if tls_max is None:
        ctx = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_SERVER", ssl.PROTOCOL_SSLv23))
    elif hasattr(ssl, "TLSVersion"):  # 3.7+
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with warnings.catch_warnings():
            # 3.10+ deprecates the TLS 1.0 constants; this server is old on purpose.
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = getattr(ssl.TLSVersion, tls_max)
            ctx.maximum_version = getattr(ssl.TLSVersion, tls_max)
    else:
        ctx = ssl.SSLContext(getattr(ssl, "PROTOCOL_" + tls_max))
    if tls_max is not None:
        # OpenSSL 3 refuses TLS 1.0's SHA-1 signatures above security level 0.
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    ctx.load_cert_chain(chain_path)
    return ctx


class TLSServer(object):
    """Accept TLS connections on 127.0.0.1 in a thread; reply and close.

    Use as a context manager; ``port`` is the listening port. Each accepted
    connection is handshaken, sent ``reply`` and closed. ``handshakes``
    counts completed handshakes, ``errors`` collects failed ones.
    """

    def __init__(self, chain_path, tls_max=None, reply=b"hello from secureshim tests\n"):
        self.context = _server_context(chain_path, tls_max)
        self.reply = reply
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.address = ("127.0.0.1", self.port)
        self.handshakes = 0
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve)
        self._thread.daemon = True

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(10)
        self.sock.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except (OSError, socket.error):
                return
            conn.settimeout(5)
            try:
                tls = self.context.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, socket.error, OSError) as exc:
                self.errors.append(exc)
                conn.close()
                continue
            self.handshakes += 1
            try:
                tls.sendall(self.reply)
            except (ssl.SSLError, socket.error, OSError) as exc:
                self.errors.append(exc)
            finally:
                tls.close()
