"""What the ``pyopenssl`` and ``legacy`` TLS tiers share.

Both provide an object with the stdlib ``SSLContext`` API on interpreters
whose ``ssl`` module has no ``SSLContext`` (2.7.0-2.7.8). The constants
are the stdlib's own where it has them; the old module lacks most, and
then the values are OpenSSL's and CPython's, which are stable.
"""
from __future__ import absolute_import, division, print_function

import collections
import os
import ssl

from . import _ssl_names, _trust
from ._cint import c_long as _c_long
from ._compat import PY2, exact, text_type
from ._match_hostname import _parse_ip
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Optional, Tuple  # noqa: F401

# ssl.PROTOCOL_TLS: 2.7.13+ and 3.6+ (before, PROTOCOL_SSLv23, the same
# value). PROTOCOL_TLS_CLIENT/_SERVER: 2.7.13+ and 3.6+, CPython's values.
PROTOCOL_TLS = getattr(ssl, "PROTOCOL_TLS", getattr(ssl, "PROTOCOL_SSLv23", 2))
PROTOCOL_TLS_CLIENT = getattr(ssl, "PROTOCOL_TLS_CLIENT", 16)
PROTOCOL_TLS_SERVER = getattr(ssl, "PROTOCOL_TLS_SERVER", 17)

CERT_NONE = ssl.CERT_NONE
CERT_OPTIONAL = ssl.CERT_OPTIONAL
CERT_REQUIRED = ssl.CERT_REQUIRED

# ssl.OP_*: 2.7.9+ and 3.2+; OpenSSL's values otherwise.
OP_NO_SSLv2 = getattr(ssl, "OP_NO_SSLv2", 0x01000000)
OP_NO_SSLv3 = getattr(ssl, "OP_NO_SSLv3", 0x02000000)
OP_NO_TLSv1 = getattr(ssl, "OP_NO_TLSv1", 0x04000000)
OP_NO_TLSv1_1 = getattr(ssl, "OP_NO_TLSv1_1", 0x10000000)
OP_NO_TLSv1_2 = getattr(ssl, "OP_NO_TLSv1_2", 0x08000000)
OP_NO_TLSv1_3 = getattr(ssl, "OP_NO_TLSv1_3", 0x20000000)
OP_NO_COMPRESSION = getattr(ssl, "OP_NO_COMPRESSION", 0x00020000)

# ssl.TLSVersion (3.7+) values, which are the protocol's version numbers.
MINIMUM_SUPPORTED = -2
MAXIMUM_SUPPORTED = -1
SSLv3 = 0x0300
TLSv1 = 0x0301
TLSv1_1 = 0x0302
TLSv1_2 = 0x0303
TLSv1_3 = 0x0304
VERSION_NAMES = {
    "SSLv3": SSLv3,
    "TLSv1": TLSv1,
    "TLSv1.1": TLSv1_1,
    "TLSv1.2": TLSv1_2,
    "TLSv1.3": TLSv1_3,
}
_OP_NO_VERSION = (
    (SSLv3, OP_NO_SSLv3),
    (TLSv1, OP_NO_TLSv1),
    (TLSv1_1, OP_NO_TLSv1_1),
    (TLSv1_2, OP_NO_TLSv1_2),
    (TLSv1_3, OP_NO_TLSv1_3),
)

# The cipher string of both tiers: forward-secret AEAD first, no
# anonymous, null, export, MD5, RC4, 3DES or DSS suites. OpenSSL 1.1.0+
# also gets security level 2 (RSA and DH keys of 2048 bits or more,
# no SHA-1 signatures); older OpenSSL has no security levels.
_BASE_CIPHERS = (
    "ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:DH+CHACHA20:ECDH+AES256:DH+AES256:"
    "ECDH+AES128:DH+AES:ECDH+HIGH:DH+HIGH:RSA+AESGCM:RSA+AES:"
    "!aNULL:!eNULL:!EXPORT:!MD5:!RC4:!3DES:!DSS"
)


def has_security_levels(version_info, version_text):
    # type: (Optional[Tuple[int, ...]], Optional[str]) -> bool
    """OpenSSL 1.1.0+ understands ``@SECLEVEL=n`` (LibreSSL does not)."""
    if not version_info or "LibreSSL" in (version_text or ""):
        return False
    return tuple(version_info[:2]) >= (1, 1)


def cipher_string(version_info, version_text):
    # type: (Optional[Tuple[int, ...]], Optional[str]) -> str
    if has_security_levels(version_info, version_text):
        return "@SECLEVEL=2:" + _BASE_CIPHERS
    return _BASE_CIPHERS


# --- Purpose -------------------------------------------------------------

SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1"
CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2"

_ASN1Object = collections.namedtuple("_ASN1Object", "nid shortname longname oid")


class _Purpose(object):
    """``ssl.Purpose`` for interpreters without it (before 2.7.9)."""

    SERVER_AUTH = _ASN1Object(129, "serverAuth", "TLS Web Server Authentication", SERVER_AUTH_OID)
    CLIENT_AUTH = _ASN1Object(130, "clientAuth", "TLS Web Client Authentication", CLIENT_AUTH_OID)


# ssl.Purpose: 2.7.9+ and 3.4+.
Purpose = getattr(ssl, "Purpose", _Purpose)  # type: Any


# The class of Purpose's members: ssl._ASN1Object (2.7.9+, 3.4+), else ours.
_ASN1_CLASS = getattr(ssl, "_ASN1Object", _ASN1Object)  # type: Any


def is_server_auth(purpose):
    # type: (Any) -> bool
    """SERVER_AUTH (a client context) or CLIENT_AUTH, as
    ``ssl.create_default_context`` (3.10+) tells them: ``TypeError`` for
    anything but an ``_ASN1Object`` (``None`` included), ``ValueError`` for
    another purpose. The OID is compared as exactly a ``str``, so a subclass
    cannot claim one through its own ``__eq__``."""
    if not isinstance(purpose, _ASN1_CLASS):
        raise TypeError(purpose)
    oid = tuple.__getitem__(purpose, 3)
    oid = exact(oid, str) if isinstance(oid, str) else None
    if oid == SERVER_AUTH_OID:
        return True
    if oid == CLIENT_AUTH_OID:
        return False
    raise ValueError(purpose)


def default_context(context_class, purpose, cafile, capath, cadata):
    # type: (Any, Any, Any, Any, Any) -> Any
    """What ``create_default_context`` does, for a compatibility tier's
    ``SSLContext`` class: a client or server context by ``purpose``, trusting
    the given CA material or else the platform's."""
    client = is_server_auth(purpose)
    context = context_class(PROTOCOL_TLS_CLIENT if client else PROTOCOL_TLS_SERVER)
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    return context


# --- load_verify_locations' arguments, checked as the stdlib checks them -------

# The PEM labels OpenSSL's X509_load_cert_crl_file reads from a CA file.
_PEM_LABELS = (
    b"-----BEGIN CERTIFICATE-----",
    b"-----BEGIN TRUSTED CERTIFICATE-----",
    b"-----BEGIN X509 CERTIFICATE-----",
    b"-----BEGIN X509 CRL-----",
)


def filesystem_path(value, what):
    # type: (Any, str) -> Any
    """``value`` as ``SSLContext.load_verify_locations`` converts a path
    (``PyUnicode_FSConverter``): text, bytes or (3.6+) an ``os.PathLike``,
    else ``TypeError``; an embedded NUL is a ``ValueError`` (3.x; 2.7's
    ``ssl`` handed OpenSSL the name cut at the NUL, a deviation the tests
    list). A subclass is copied to exactly its base type first, so its own
    methods cannot change the path that is checked and opened."""
    fspath = getattr(os, "fspath", None)  # os.fspath, os.PathLike: 3.6+
    if fspath is not None:
        try:
            value = fspath(value)
        except TypeError:
            raise TypeError("%s should be a valid filesystem path" % what)
    if isinstance(value, bytes):
        value = exact(value, bytes)
        nul = b"\0"  # type: Any
    elif isinstance(value, text_type):
        value = exact(value, text_type)
        nul = u"\0"
    else:
        raise TypeError("%s should be a valid filesystem path" % what)
    if nul in value:
        raise ValueError("embedded null byte")
    return value


def cadata_contents(cadata):
    # type: (Any) -> Tuple[Any, bytes]
    """``(pem, b"")`` for text ``cadata``, ``(None, der)`` for a
    bytes-like one; ``TypeError`` for anything else, as the stdlib."""
    if isinstance(cadata, text_type):
        try:
            pem = text_type.encode(exact(cadata, text_type), "ascii")
        except UnicodeEncodeError:
            raise TypeError("cadata should be an ASCII string or a bytes-like object")
        if not pem:
            raise ValueError("Empty certificate data")
        return (pem if PY2 else pem.decode("ascii")), b""
    try:
        view = memoryview(cadata)
    except TypeError:
        raise TypeError("cadata should be an ASCII string or a bytes-like object")
    if view.ndim > 1 or not getattr(view, "c_contiguous", True):
        raise TypeError("cadata should be a contiguous buffer with a single dimension")
    der = view.tobytes()
    if not der:
        raise ValueError("Empty certificate data")
    return None, der


def check_cafile(cafile):
    # type: (Any) -> None
    """Open and read ``cafile`` now, as OpenSSL does during the stdlib's
    ``load_verify_locations``: a missing file or a directory is the same
    ``OSError`` (2.7: ``IOError``) there, and a file without a PEM
    certificate or CRL is an ``ssl.SSLError``."""
    with open(cafile, "rb") as handle:
        data = handle.read()
    if not any(label in data for label in _PEM_LABELS):
        raise ssl.SSLError(
            "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found in %r"
            % (cafile,)
        )


# --- host names ----------------------------------------------------------

def is_ip_literal(host):
    # type: (str) -> bool
    """Whether ``host`` is an IPv4 or IPv6 literal (no SNI is sent for one),
    by the same strict parser ``match_hostname`` uses."""
    return _parse_ip(host) is not None


def ascii_bytes(value):
    # type: (Any) -> bytes
    """Text (or, on 2.7, ``str``) as ASCII bytes, through the base types'
    own methods: a subclass's ``encode`` must not pick what OpenSSL gets."""
    if isinstance(value, bytes):
        return exact(value, bytes)  # type: ignore[no-any-return]
    encoded = text_type.encode(exact(value, text_type), "ascii")  # type: bytes
    return encoded


def encode_hostname(hostname):
    # type: (Any) -> str
    """The A-label form of ``server_hostname``, as the stdlib stores it."""
    # The base types' own methods: a subclass's encode()/decode() must not
    # choose the name that SNI sends and match_hostname checks.
    if isinstance(hostname, bytes):
        hostname = bytes.decode(exact(hostname, bytes), "ascii")
    elif isinstance(hostname, text_type):
        hostname = exact(hostname, text_type)
    if is_ip_literal(hostname):
        return str(hostname)
    return str(text_type.encode(hostname, "idna").decode("ascii"))


# --- the shared context object --------------------------------------------

def _version_value(value):
    # type: (Any) -> int
    number = _c_long(value)
    if number not in (MINIMUM_SUPPORTED, MAXIMUM_SUPPORTED) and not (
        SSLv3 <= number <= TLSv1_3
    ):
        raise ValueError("Unsupported TLS/SSL version 0x%x" % number)
    return number


def version_enum(number):
    # type: (int) -> Any
    # ssl.TLSVersion: 3.7+; plain ints before.
    enum = getattr(ssl, "TLSVersion", None)
    return enum(number) if enum is not None else number


class CompatContext(object):
    """The ``SSLContext`` attributes both compatibility tiers share.

    Defaults follow CPython 3.10+: TLS 1.2 minimum, no compression, and
    for ``PROTOCOL_TLS_CLIENT`` certificate and hostname verification.
    Subclasses apply the settings to their backend.
    """

    #: The tier name, as in ``secureshim.backends()``.
    tier = ""

    def __init__(self, protocol=None):
        # type: (Optional[int]) -> None
        if protocol is None:
            protocol = PROTOCOL_TLS
        # PROTOCOL_TLSv1/_1/_2 (the old module's, or restored ones): that
        # version or TLS 1.2, whichever is newer, never an older protocol.
        pinned = _ssl_names.pinned_minimum(protocol)
        if pinned is not None:
            protocol = PROTOCOL_TLS
        # As the stdlib's SSLContext(protocol): __index__, so a float is a
        # TypeError and an int subclass is its value, whatever its __eq__.
        protocol = _c_long(protocol)
        if protocol not in (PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER):
            raise ValueError(
                "%s tier: only PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER "
                "and PROTOCOL_TLSv1* (as TLS 1.2+) are supported, got %r"
                % (self.tier, protocol)
            )
        self.protocol = protocol
        self._verify_mode = CERT_NONE  # type: int
        self._check_hostname = False
        self._options = OP_NO_SSLv2 | OP_NO_SSLv3 | OP_NO_COMPRESSION
        self._minimum_version = max(TLSv1_2, pinned or TLSv1_2)
        self._maximum_version = MAXIMUM_SUPPORTED
        # http.client (3.8+) sets it when it is not None; no PHA here.
        self.post_handshake_auth = None  # type: Optional[bool]
        self.ca_source = None  # type: Optional[_trust.CASource]
        if protocol == PROTOCOL_TLS_CLIENT:
            self._verify_mode = CERT_REQUIRED
            self._check_hostname = True

    # verify_mode and check_hostname keep the stdlib's invariants.
    @property
    def verify_mode(self):
        # type: () -> Any
        enum = getattr(ssl, "VerifyMode", None)
        return enum(self._verify_mode) if enum is not None else self._verify_mode

    @verify_mode.setter
    def verify_mode(self, value):
        # type: (Any) -> None
        value = _c_long(value)
        if value not in (CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED):
            raise ValueError("invalid value for verify_mode")
        if value == CERT_NONE and self._check_hostname:
            raise ValueError(
                "Cannot set verify_mode to CERT_NONE when check_hostname is enabled."
            )
        self._verify_mode = value
        self._apply_verify()

    @property
    def check_hostname(self):
        # type: () -> bool
        return self._check_hostname

    @check_hostname.setter
    def check_hostname(self, value):
        # type: (Any) -> None
        value = bool(value)
        if value and self._verify_mode == CERT_NONE:
            self._verify_mode = CERT_REQUIRED  # as CPython 3.7+ does
            self._apply_verify()
        self._check_hostname = value

    @property
    def options(self):
        # type: () -> int
        return self._options

    @options.setter
    def options(self, value):
        # type: (int) -> None
        self._options = _c_long(value)
        self._apply_versions()

    @property
    def minimum_version(self):
        # type: () -> Any
        return version_enum(self._minimum_version)

    @minimum_version.setter
    def minimum_version(self, value):
        # type: (Any) -> None
        self._minimum_version = _version_value(value)
        self._apply_versions()

    @property
    def maximum_version(self):
        # type: () -> Any
        return version_enum(self._maximum_version)

    @maximum_version.setter
    def maximum_version(self, value):
        # type: (Any) -> None
        self._maximum_version = _version_value(value)
        self._apply_versions()

    def version_allowed(self, name):
        # type: (Optional[str]) -> bool
        """Is the negotiated protocol ``name`` (``SSLSocket.version()``)
        within the minimum, the maximum and the OP_NO_* options?"""
        number = VERSION_NAMES.get(name or "")
        if number is None:
            return name is None
        if self._minimum_version != MINIMUM_SUPPORTED and number < self._minimum_version:
            return False
        if self._maximum_version != MAXIMUM_SUPPORTED and number > self._maximum_version:
            return False
        for version, flag in _OP_NO_VERSION:
            if version == number and self._options & flag:
                return False
        return True

    def disabled_version_options(self):
        # type: () -> int
        """The minimum and maximum versions as OP_NO_* flags, for OpenSSL
        builds without SSL_CTX_set_min_proto_version (before 1.1.0)."""
        flags = 0
        for version, flag in _OP_NO_VERSION:
            if self._minimum_version != MINIMUM_SUPPORTED and version < self._minimum_version:
                flags |= flag
            if self._maximum_version != MAXIMUM_SUPPORTED and version > self._maximum_version:
                flags |= flag
        return flags

    def load_default_certs(self, purpose=None):
        # type: (Any) -> None
        """Load the platform's CA certificates, else certifi's (see
        ``secureshim.ca_source``); warn when there are none at all."""
        if purpose is not None:
            is_server_auth(purpose)
        source = _trust.default_source()
        if source.kind == "platform-file" or source.kind == "platform-directory":
            cafile, capath = _trust.platform_locations()
            self._load_locations(
                cafile if _trust.file_has_certs(cafile) else None,
                capath if _trust.dir_has_certs(capath) else None,
            )
        elif source.kind == "certifi":
            self._load_locations(source.location, None)
        else:
            _trust.warn_no_store(stacklevel=3)
        if self.ca_source is None:
            self.ca_source = source

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        # type: (Any, Any, Any) -> None
        # The stdlib's order (3.10+): the paths' types, then cadata (its
        # type, then its certificates), then the files.
        if cafile is None and capath is None and cadata is None:
            raise TypeError("cafile, capath and cadata cannot be all omitted")
        if cafile is not None:
            cafile = filesystem_path(cafile, "cafile")
        if capath is not None:
            capath = filesystem_path(capath, "capath")
        if cadata is not None:
            pem, der = cadata_contents(cadata)
            if pem is not None:
                self._load_pem(_trust.split_pem(pem))
            else:
                self._load_der(_trust.split_der(der))
        if cafile is not None:
            check_cafile(cafile)
        if cafile is not None or capath is not None:
            self._load_locations(cafile, capath)
        if self.ca_source is None:
            self.ca_source = _trust.ca_source(cafile, capath, cadata)

    def _apply_verify(self):
        # type: () -> None
        pass

    def _apply_versions(self):
        # type: () -> None
        pass

    def _load_locations(self, cafile, capath):
        # type: (Optional[str], Optional[str]) -> None
        raise NotImplementedError

    def _load_pem(self, blocks):
        # type: (Any) -> None
        raise NotImplementedError

    def _load_der(self, blocks):
        # type: (Any) -> None
        raise NotImplementedError

    def check_wrap_arguments(self, server_side, server_hostname):
        # type: (bool, Any) -> Optional[str]
        """The stdlib's argument checks; returns the encoded host name."""
        if server_side:
            if server_hostname:
                raise ValueError("server_hostname can only be specified in client mode")
            if self.protocol == PROTOCOL_TLS_CLIENT:
                raise ValueError("Cannot create a server socket with a PROTOCOL_TLS_CLIENT context")
            return None
        if self.protocol == PROTOCOL_TLS_SERVER:
            raise ValueError("Cannot create a client socket with a PROTOCOL_TLS_SERVER context")
        if self._check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        if server_hostname is None:
            return None
        return encode_hostname(server_hostname)
