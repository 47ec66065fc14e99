"""The ``pyopenssl`` TLS tier: an ``SSLContext``-compatible object over pyOpenSSL.

For interpreters whose ``ssl`` module has no ``SSLContext`` (2.7.0-2.7.8,
such as the 2.7.6 of older LTS distributions) when pyOpenSSL is installed:
pyOpenSSL brings its own, current OpenSSL, hence TLS 1.2 and 1.3, SNI and
chain verification, which the old ``ssl`` module cannot offer. This is what
urllib3 1.x's ``inject_into_urllib3`` gave such interpreters.

The chain is verified by OpenSSL during the handshake; the host name is
checked right after it, before the socket is returned, with
``secureshim.match_hostname`` (pyOpenSSL has no API for OpenSSL's own
check on every version this tier supports, 0.14 to 26). A failed check
closes the socket and raises, so no application data is ever sent.

Sockets returned by :meth:`PyOpenSSLContext.wrap_socket` offer what HTTP
clients use (``sendall``, ``recv``, ``recv_into``, ``makefile``,
``settimeout``, ``close``, ``getpeercert``, ``version``, ``cipher``) with
the stdlib's semantics: socket timeouts apply to each operation, errors are
``ssl.SSLError`` (``ssl.SSLCertVerificationError`` on 3.7+ for a rejected
certificate), and ``getpeercert()`` returns the stdlib's dict.
"""
from __future__ import absolute_import, division, print_function

import errno
import importlib
import io
import os
import select
import socket
import ssl
import sys

from . import _tls_base
from ._match_hostname import match_hostname
from ._tls_base import CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED, CompatContext

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Optional, Tuple  # noqa: F401

# Raises ImportError without pyOpenSSL; _tls then offers the other tiers.
SSL = importlib.import_module("OpenSSL.SSL")  # type: Any
crypto = importlib.import_module("OpenSSL.crypto")  # type: Any
x509 = importlib.import_module("cryptography.x509")  # type: Any
_x509_oid = importlib.import_module("cryptography.x509.oid")  # type: Any

OPENSSL_VERSION = SSL.SSLeay_version(SSL.SSLEAY_VERSION).decode("ascii", "replace")
_OPENSSL_NUMBER = SSL.OPENSSL_VERSION_NUMBER
# 0xMNNFFPPS: major, minor, fix, patch, status.
_OPENSSL_INFO = (
    _OPENSSL_NUMBER >> 28,
    (_OPENSSL_NUMBER >> 20) & 0xFF,
    (_OPENSSL_NUMBER >> 12) & 0xFF,
)
CIPHERS = _tls_base.cipher_string(_OPENSSL_INFO, OPENSSL_VERSION)

# SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: a retried SSL_write may pass a new
# buffer with the same contents (pyOpenSSL exports no name for it).
_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x00000002

_VERIFY_FLAGS = {
    int(CERT_NONE): SSL.VERIFY_NONE,
    int(CERT_OPTIONAL): SSL.VERIFY_PEER,
    int(CERT_REQUIRED): SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT,
}  # type: Dict[int, int]

# X509_V_ERR_* codes and OpenSSL's texts for the ones a client meets.
_VERIFY_MESSAGES = {
    2: "unable to get issuer certificate",
    7: "certificate signature failure",
    9: "certificate is not yet valid",
    10: "certificate has expired",
    18: "self-signed certificate",
    19: "self-signed certificate in certificate chain",
    20: "unable to get local issuer certificate",
    21: "unable to verify the first certificate",
    24: "invalid CA certificate",
    26: "unsupported certificate purpose",
    66: "EE certificate key too weak",
    67: "CA certificate key too weak",
    68: "CA signature digest algorithm too weak",
}


# --- errors --------------------------------------------------------------

def _ssl_error(message, cls=None):
    # type: (str, Any) -> Any
    return (cls or ssl.SSLError)(1, message)


def _verify_error(code, depth):
    # type: (int, int) -> Any
    reason = _VERIFY_MESSAGES.get(code, "X509 verification error %d" % code)
    # ssl.SSLCertVerificationError: 3.7+ (bpo-31399).
    cls = getattr(ssl, "SSLCertVerificationError", ssl.SSLError)
    error = _ssl_error(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: %s "
        "(depth %d)" % (reason, depth),
        cls,
    )
    error.verify_code = code
    error.verify_message = reason
    error.reason = "CERTIFICATE_VERIFY_FAILED"
    error.library = "SSL"
    return error


def _is_ragged_eof(exc):
    # type: (Any) -> bool
    if isinstance(exc, SSL.SysCallError):
        return bool(exc.args) and exc.args[0] in (-1, 0)
    return "unexpected eof" in str(exc).lower()


def _eof_error():
    # type: () -> Exception
    # ssl.SSLEOFError: 2.7.9+ and 3.3+.
    cls = getattr(ssl, "SSLEOFError", ssl.SSLError)
    error = _ssl_error("EOF occurred in violation of protocol", cls)  # type: Exception
    return error


def _translate(exc):
    # type: (Any) -> Exception
    """pyOpenSSL's errors as the stdlib's."""
    if isinstance(exc, SSL.SysCallError):
        code = exc.args[0] if exc.args else 0
        if isinstance(code, int) and code > 0:
            return socket.error(code, os.strerror(code))
        return _eof_error()
    error = _ssl_error("[SSL] %s" % (exc,))  # type: Exception
    return error


# --- waiting for the socket -------------------------------------------------

def _wait(sock, write, timeout):
    # type: (Any, bool, Optional[float]) -> bool
    """Wait until ``sock`` is readable (writable); False on timeout."""
    fd = sock.fileno()
    while True:
        try:
            if hasattr(select, "poll"):
                poller = select.poll()
                poller.register(fd, select.POLLOUT if write else select.POLLIN)
                return bool(poller.poll(None if timeout is None else timeout * 1000.0))
            wanted = [fd]
            if write:
                ready = select.select([], wanted, [], timeout)[1]
            else:
                ready = select.select(wanted, [], [], timeout)[0]
            return bool(ready)
        except (select.error, OSError) as exc:  # EINTR before PEP 475 (3.5)
            if getattr(exc, "errno", None) == errno.EINTR or (
                exc.args and exc.args[0] == errno.EINTR
            ):
                continue
            raise


def _want_error(write):
    # type: (bool) -> Any
    # ssl.SSLWantReadError/SSLWantWriteError: 2.7.9+ and 3.3+.
    name = "SSLWantWriteError" if write else "SSLWantReadError"
    cls = getattr(ssl, name, ssl.SSLError)
    return _ssl_error("The operation did not complete (%s)" % ("write" if write else "read"), cls)


# --- getpeercert(): the stdlib's dict from a cryptography certificate ------

_NAME_OIDS = {
    "2.5.4.3": "commonName",
    "2.5.4.4": "surname",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "countryName",
    "2.5.4.7": "localityName",
    "2.5.4.8": "stateOrProvinceName",
    "2.5.4.9": "streetAddress",
    "2.5.4.10": "organizationName",
    "2.5.4.11": "organizationalUnitName",
    "2.5.4.12": "title",
    "2.5.4.13": "description",
    "2.5.4.15": "businessCategory",
    "2.5.4.16": "postalAddress",
    "2.5.4.17": "postalCode",
    "2.5.4.42": "givenName",
    "2.5.4.43": "initials",
    "2.5.4.44": "generationQualifier",
    "2.5.4.46": "dnQualifier",
    "2.5.4.65": "pseudonym",
    "2.5.4.97": "organizationIdentifier",
    "0.9.2342.19200300.100.1.1": "userId",
    "0.9.2342.19200300.100.1.25": "domainComponent",
    "1.2.840.113549.1.9.1": "emailAddress",
    "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionLocalityName",
    "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionStateOrProvinceName",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _name(name):
    # type: (Any) -> Tuple[Any, ...]
    rdns = []
    for rdn in name.rdns:
        rdns.append(tuple(
            (_NAME_OIDS.get(attr.oid.dotted_string, attr.oid.dotted_string), attr.value)
            for attr in rdn
        ))
    return tuple(rdns)


def _asn1_time(when):
    # type: (Any) -> str
    # ASN1_TIME_print's format, in English whatever the locale.
    return "%s %2d %02d:%02d:%02d %d GMT" % (
        _MONTHS[when.month - 1], when.day, when.hour, when.minute, when.second, when.year
    )


def _ip_text(packed_or_obj):
    # type: (Any) -> str
    packed = getattr(packed_or_obj, "packed", packed_or_obj)
    octets = bytearray(packed)
    if len(octets) == 4:
        return "%d.%d.%d.%d" % tuple(octets)
    # CPython prints IPv6 entries as eight uncompressed upper-case groups.
    return ":".join("%X" % ((octets[i] << 8) | octets[i + 1]) for i in range(0, 16, 2))


def _general_name(entry):
    # type: (Any) -> Tuple[str, Any]
    if isinstance(entry, x509.DNSName):
        return ("DNS", entry.value)
    if isinstance(entry, x509.IPAddress):
        return ("IP Address", _ip_text(entry.value))
    if isinstance(entry, x509.RFC822Name):
        return ("email", entry.value)
    if isinstance(entry, x509.UniformResourceIdentifier):
        return ("URI", entry.value)
    if isinstance(entry, x509.DirectoryName):
        return ("DirName", _name(entry.value))
    if isinstance(entry, x509.RegisteredID):
        return ("Registered ID", entry.value.dotted_string)
    return ("othername", "<unsupported>")


def _extension(cert, cls):
    # type: (Any, Any) -> Any
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def _time(cert, name):
    # type: (Any, str) -> Any
    # cryptography 42+ deprecates the naive attributes for *_utc ones.
    value = getattr(cert, name + "_utc", None)
    if value is None:
        value = getattr(cert, name)
    return value


def decode_certificate(cert):
    # type: (Any) -> Dict[str, Any]
    """The stdlib's ``getpeercert()`` dict for a cryptography certificate."""
    serial = "%X" % abs(cert.serial_number)
    if len(serial) % 2:
        serial = "0" + serial
    if cert.serial_number < 0:
        serial = "-" + serial
    result = {
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "version": cert.version.value + 1,
        "serialNumber": serial,
        "notBefore": _asn1_time(_time(cert, "not_valid_before")),
        "notAfter": _asn1_time(_time(cert, "not_valid_after")),
    }  # type: Dict[str, Any]
    san = _extension(cert, x509.SubjectAlternativeName)
    if san is not None:
        result["subjectAltName"] = tuple(_general_name(entry) for entry in san)
    aia = _extension(cert, x509.AuthorityInformationAccess)
    if aia is not None:
        for key, method in (
            ("OCSP", _x509_oid.AuthorityInformationAccessOID.OCSP),
            ("caIssuers", _x509_oid.AuthorityInformationAccessOID.CA_ISSUERS),
        ):
            uris = tuple(
                d.access_location.value
                for d in aia
                if d.access_method == method
                and isinstance(d.access_location, x509.UniformResourceIdentifier)
            )
            if uris:
                result[key] = uris
    crl = _extension(cert, x509.CRLDistributionPoints)
    if crl is not None:
        uris = tuple(
            name.value
            for point in crl
            for name in (point.full_name or ())
            if isinstance(name, x509.UniformResourceIdentifier)
        )
        if uris:
            result["crlDistributionPoints"] = uris
    return result


# --- the socket ----------------------------------------------------------

class PyOpenSSLSocket(object):
    """A TLS socket over a pyOpenSSL ``Connection``, with the stdlib's API."""

    def __init__(self, sock, connection, context, server_side, server_hostname,
                 suppress_ragged_eofs):
        # type: (Any, Any, PyOpenSSLContext, bool, Optional[str], bool) -> None
        self._sock = sock
        self._connection = connection
        self.context = context
        self.server_side = server_side
        self.server_hostname = server_hostname
        self.suppress_ragged_eofs = suppress_ragged_eofs
        self._handshake_done = False
        self._closed = False
        self._io_refs = 0  # makefile() objects still open
        self._verify_failure = None  # type: Optional[Tuple[int, int]]

    # socket attributes that need no TLS
    family = property(lambda self: self._sock.family)
    type = property(lambda self: self._sock.type)
    proto = property(lambda self: self._sock.proto)

    def fileno(self):
        # type: () -> int
        return self._sock.fileno()  # type: ignore[no-any-return]

    def gettimeout(self):
        # type: () -> Optional[float]
        return self._sock.gettimeout()  # type: ignore[no-any-return]

    def settimeout(self, value):
        # type: (Optional[float]) -> None
        self._sock.settimeout(value)

    def setblocking(self, flag):
        # type: (bool) -> None
        self._sock.setblocking(flag)

    def getpeername(self):
        # type: () -> Any
        return self._sock.getpeername()

    def getsockname(self):
        # type: () -> Any
        return self._sock.getsockname()

    def setsockopt(self, *args):
        # type: (*Any) -> Any
        return self._sock.setsockopt(*args)

    def getsockopt(self, *args):
        # type: (*Any) -> Any
        return self._sock.getsockopt(*args)

    # the retry loop every OpenSSL call goes through
    def _io(self, func, *args):
        # type: (Callable[..., Any], *Any) -> Any
        timeout = self._sock.gettimeout()
        while True:
            try:
                return func(*args)
            except SSL.WantReadError:
                write = False
            except SSL.WantWriteError:
                write = True
            if timeout == 0.0:
                raise _want_error(write)
            if not _wait(self._sock, write, timeout):
                raise socket.timeout("The %s operation timed out" % (
                    "handshake" if not self._handshake_done else "read" if not write else "write"
                ))

    def do_handshake(self):
        # type: () -> None
        """Handshake, then (client, ``check_hostname``) check the host name."""
        try:
            self._io(self._connection.do_handshake)
        except SSL.Error as exc:
            if self._verify_failure is not None:
                raise _verify_error(*self._verify_failure)
            raise _translate(exc)
        self._handshake_done = True
        if not self.server_side and self.context.check_hostname:
            try:
                match_hostname(
                    self.getpeercert(),
                    self.server_hostname,
                    hostname_checks_common_name=self.context.hostname_checks_common_name,
                )
            except Exception:  # CertificateError: no data may be sent
                self._real_close()
                raise

    def _verified(self, code, depth):
        # type: (int, int) -> None
        if self._verify_failure is None:
            self._verify_failure = (code, depth)

    def recv(self, bufsize, flags=0):
        # type: (int, int) -> bytes
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv() on %s" % type(self))
        try:
            return self._io(self._connection.recv, bufsize)  # type: ignore[no-any-return]
        except SSL.ZeroReturnError:
            return b""
        except SSL.Error as exc:
            if _is_ragged_eof(exc) and self.suppress_ragged_eofs:
                return b""
            raise _translate(exc)

    read = recv

    def recv_into(self, buffer, nbytes=None, flags=0):
        # type: (Any, Optional[int], int) -> int
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv_into() on %s" % type(self))
        if nbytes is None or nbytes <= 0:
            nbytes = len(buffer)
        try:
            return self._io(self._connection.recv_into, buffer, nbytes)  # type: ignore[no-any-return]
        except SSL.ZeroReturnError:
            return 0
        except SSL.Error as exc:
            if _is_ragged_eof(exc) and self.suppress_ragged_eofs:
                return 0
            raise _translate(exc)

    def send(self, data, flags=0):
        # type: (Any, int) -> int
        if flags:
            raise ValueError("non-zero flags not allowed in calls to send() on %s" % type(self))
        if not isinstance(data, bytes):
            data = memoryview(data).tobytes()
        try:
            return self._io(self._connection.send, data)  # type: ignore[no-any-return]
        except SSL.Error as exc:
            raise _translate(exc)

    write = send

    def sendall(self, data, flags=0):
        # type: (Any, int) -> None
        if not isinstance(data, bytes):
            data = memoryview(data).tobytes()
        sent = 0
        while sent < len(data):
            sent += self.send(data[sent:sent + 16384], flags)

    def pending(self):
        # type: () -> int
        return self._connection.pending()  # type: ignore[no-any-return]

    def getpeercert(self, binary_form=False):
        # type: (bool) -> Any
        if not self._handshake_done:
            raise ValueError("handshake not done yet")
        cert = self._connection.get_peer_certificate()
        if cert is None:
            return None
        if binary_form:
            return crypto.dump_certificate(crypto.FILETYPE_ASN1, cert)
        if self.context.verify_mode == CERT_NONE:
            return {}
        return decode_certificate(cert.to_cryptography())

    def version(self):
        # type: () -> Optional[str]
        if not self._handshake_done:
            return None
        return self._connection.get_protocol_version_name()  # type: ignore[no-any-return]

    def cipher(self):
        # type: () -> Optional[Tuple[str, str, int]]
        if not self._handshake_done:
            return None
        return (
            self._connection.get_cipher_name(),
            self._connection.get_cipher_version(),
            self._connection.get_cipher_bits(),
        )

    def compression(self):
        # type: () -> None
        return None  # OP_NO_COMPRESSION

    def selected_alpn_protocol(self):
        # type: () -> Optional[str]
        get = getattr(self._connection, "get_alpn_proto_negotiated", None)
        value = get() if get is not None else None
        return value.decode("ascii") if value else None

    def shutdown(self, how):
        # type: (int) -> None
        self._sock.shutdown(how)

    def makefile(self, mode="r", buffering=None, encoding=None, errors=None, newline=None):
        # type: (str, Optional[int], Optional[str], Optional[str], Optional[str]) -> Any
        """A file object over this socket, as ``socket.makefile``.

        The socket is really closed once it and every file made from it
        are closed, as with the stdlib's sockets (http.client closes the
        socket while the response still reads from its file).
        """
        if not hasattr(socket, "SocketIO"):  # Python 2
            self._io_refs += 1
            bufsize = -1 if buffering is None else buffering
            return socket._fileobject(self, mode, bufsize, close=True)  # type: ignore[attr-defined]
        if not set(mode) <= set("rwb"):
            raise ValueError("invalid mode %r (only r, w, b allowed)" % (mode,))
        writing = "w" in mode
        reading = "r" in mode or not writing
        rawmode = ("r" if reading else "") + ("w" if writing else "")
        raw = socket.SocketIO(self, rawmode)  # type: ignore[arg-type]
        self._io_refs += 1
        if buffering is None or buffering < 0:
            buffering = io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if "b" not in mode:
                raise ValueError("unbuffered streams must be binary")
            return raw
        if reading and writing:
            buffer = io.BufferedRWPair(raw, raw, buffering)  # type: Any
        elif reading:
            buffer = io.BufferedReader(raw, buffering)
        else:
            buffer = io.BufferedWriter(raw, buffering)
        if "b" in mode:
            return buffer
        text = io.TextIOWrapper(buffer, encoding, errors, newline)
        text.mode = mode  # type: ignore[misc]
        return text

    def _decref_socketios(self):
        # type: () -> None
        self._io_refs -= 1
        if self._closed and self._io_refs <= 0:
            self._real_close()

    def close(self):
        # type: () -> None
        if sys.version_info[0] == 2:
            # 2.7's socket._fileobject(close=True) calls close() when it is
            # closed: the last of the socket and its files really closes.
            if self._io_refs > 0:
                self._io_refs -= 1
            else:
                self._real_close()
            return
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def _real_close(self):
        # type: () -> None
        self._closed = True
        self._sock.close()

    def __enter__(self):
        # type: () -> PyOpenSSLSocket
        return self

    def __exit__(self, *args):
        # type: (*Any) -> None
        self.close()

    def __repr__(self):
        # type: () -> str
        return "<secureshim pyopenssl socket fd=%d server_hostname=%r>" % (
            self.fileno(), self.server_hostname
        )


# --- the context ---------------------------------------------------------

class PyOpenSSLContext(CompatContext):
    """``ssl.SSLContext``'s API over pyOpenSSL (see the module docstring).

    Settings are applied to the pyOpenSSL ``Context`` as they are made. A
    change that pyOpenSSL cannot apply in place (clearing options, or
    lowering the minimum version without ``set_min_proto_version``) builds
    a new one and replays the certificates loaded so far.
    """

    tier = "pyopenssl"

    def __init__(self, protocol=None):
        # type: (Optional[int]) -> None
        CompatContext.__init__(self, protocol)
        self.hostname_checks_common_name = True
        self._ciphers = CIPHERS
        self._loads = []  # type: List[Tuple[Any, ...]]
        self._applied_options = 0
        self._build()

    def _build(self):
        # type: () -> None
        self._ctx = SSL.Context(getattr(SSL, "TLS_METHOD", SSL.SSLv23_METHOD))
        self._ctx.set_mode(_MODE_ACCEPT_MOVING_WRITE_BUFFER)
        self._ctx.set_cipher_list(self._ciphers.encode("ascii"))
        self._applied_options = 0
        self._apply_versions()
        self._apply_verify()
        for load in self._loads:
            self._replay(load)

    def _apply_verify(self):
        # type: () -> None
        self._ctx.set_verify(_VERIFY_FLAGS[self._verify_mode], _verify_callback)

    def _apply_versions(self):
        # type: () -> None
        if hasattr(self._ctx, "set_min_proto_version"):  # pyOpenSSL 20.1+? (1.1.0+ OpenSSL)
            wanted = self._options
            low, high = self._minimum_version, self._maximum_version
            self._ctx.set_min_proto_version(0 if low == _tls_base.MINIMUM_SUPPORTED else low)
            self._ctx.set_max_proto_version(0 if high == _tls_base.MAXIMUM_SUPPORTED else high)
        else:
            wanted = self._options | self.disabled_version_options()
        if self._applied_options & ~wanted:
            # pyOpenSSL cannot clear options: start again.
            self._build()
            return
        self._ctx.set_options(wanted)
        self._applied_options = wanted

    def set_ciphers(self, ciphers):
        # type: (str) -> None
        try:
            self._ctx.set_cipher_list(_tls_base.ascii_bytes(ciphers))
        except SSL.Error:
            raise ssl.SSLError("No cipher can be selected.")
        self._ciphers = ciphers

    def set_alpn_protocols(self, protocols):
        # type: (List[str]) -> None
        self._remember(("alpn", [_tls_base.ascii_bytes(p) for p in protocols]))

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        # type: (Any, Any, Any) -> None
        self._remember(("chain", certfile, keyfile, password))

    def _load_locations(self, cafile, capath):
        # type: (Optional[str], Optional[str]) -> None
        # load_verify_locations has checked both as the stdlib does; a
        # capath that is no directory is no error for OpenSSL either.
        self._remember(("locations", cafile, capath))

    def _load_pem(self, blocks):
        # type: (List[str]) -> None
        self._remember(("certs", crypto.FILETYPE_PEM, [b.encode("ascii") for b in blocks]))

    def _load_der(self, blocks):
        # type: (List[bytes]) -> None
        self._remember(("certs", crypto.FILETYPE_ASN1, blocks))

    def _remember(self, load):
        # type: (Tuple[Any, ...]) -> None
        self._replay(load)
        self._loads.append(load)

    def _replay(self, load):
        # type: (Tuple[Any, ...]) -> None
        kind = load[0]
        try:
            if kind == "locations":
                self._ctx.load_verify_locations(load[1], load[2])
            elif kind == "certs":
                store = self._ctx.get_cert_store()
                for data in load[2]:
                    try:
                        store.add_cert(crypto.load_certificate(load[1], data))
                    except crypto.Error as exc:
                        if "already in hash table" not in str(exc):
                            raise
            elif kind == "chain":
                certfile, keyfile, password = load[1:]
                if password is not None:
                    secret = password() if callable(password) else password
                    if not isinstance(secret, bytes):
                        secret = secret.encode("utf-8")
                    self._ctx.set_passwd_cb(lambda *args: secret)
                self._ctx.use_certificate_chain_file(certfile)
                self._ctx.use_privatekey_file(keyfile or certfile)
                self._ctx.check_privatekey()
            elif kind == "alpn":
                self._ctx.set_alpn_protos(load[1])
        except (SSL.Error, crypto.Error) as exc:
            raise ssl.SSLError("[SSL] %s" % (exc,))

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True,
                    suppress_ragged_eofs=True, server_hostname=None, session=None):
        # type: (Any, bool, bool, bool, Any, Any) -> PyOpenSSLSocket
        hostname = self.check_wrap_arguments(server_side, server_hostname)
        connection = SSL.Connection(self._ctx, sock)
        wrapped = PyOpenSSLSocket(
            sock, connection, self, server_side, hostname, suppress_ragged_eofs
        )
        connection.set_app_data(wrapped)
        if server_side:
            connection.set_accept_state()
        else:
            if hostname and not _tls_base.is_ip_literal(hostname):
                connection.set_tlsext_host_name(hostname.encode("ascii"))
            connection.set_connect_state()
        if do_handshake_on_connect:
            try:
                wrapped.do_handshake()
            except Exception:
                wrapped._real_close()
                raise
        return wrapped


def _verify_callback(connection, cert, code, depth, ok):
    # type: (Any, Any, int, int, int) -> bool
    if not ok:
        wrapped = connection.get_app_data()
        if wrapped is not None:
            wrapped._verified(code, depth)
    return bool(ok)


def pyopenssl_create_default_context(purpose=_tls_base.Purpose.SERVER_AUTH, cafile=None, capath=None,
                                     cadata=None):
    # type: (Any, Any, Any, Any) -> PyOpenSSLContext
    """``create_default_context`` over pyOpenSSL: TLS 1.2+, SNI, and for
    ``Purpose.SERVER_AUTH`` certificate and host name verification."""
    return _tls_base.default_context(  # type: ignore[no-any-return]
        PyOpenSSLContext, purpose, cafile, capath, cadata
    )
