"""The ``legacy`` TLS tier: an ``SSLContext``-compatible object over ``ssl.wrap_socket``.

For interpreters whose ``ssl`` module has neither ``SSLContext`` nor, via
pyOpenSSL, a substitute (2.7.0-2.7.8 without pyOpenSSL). The old module
can still verify: ``wrap_socket(cert_reqs=CERT_REQUIRED, ca_certs=FILE)``
makes OpenSSL check the chain during the handshake, and this tier then
checks the host name with ``secureshim.match_hostname`` before it returns
the socket, closing it on a mismatch so no application data is sent.

What it refuses, and what it cannot (the tests assert each):

* refused everywhere: expired and not-yet-valid certificates, self-signed
  certificates, untrusted roots (chain verification), wrong host names
  and IP-literal mismatches (``match_hostname``);
* TLS 1.0 and 1.1 servers: refused only where OpenSSL itself refuses them
  at its default security level (OpenSSL 3.0+), or after the handshake
  where ``SSLSocket.version()`` exists (2.7.9+, so never on the
  interpreters this tier is for); the old module has no
  ``OP_NO_TLSv1``. The same goes for SSLv3 on OpenSSL builds that have it;
* 1024-bit RSA keys: refused where OpenSSL understands ``@SECLEVEL=2`` in
  the cipher string (1.1.0+), not on the OpenSSL 1.0.x such interpreters
  were built with;
* SNI is never sent: ``wrap_socket`` has no ``server_hostname``, so a
  server hosting several names presents its default certificate, and the
  connection fails verification instead of reaching the right site.

The first context issues :class:`~secureshim.InsecurePlatformWarning`, the
first client socket :class:`~secureshim.SNIMissingWarning`. The returned
sockets are the stdlib's own ``SSLSocket`` objects. ``wrap_socket`` always
handshakes at once (``do_handshake_on_connect=False`` is not honoured),
because the host name must be checked before the socket is handed out,
so the socket must already be connected.
"""
from __future__ import absolute_import, division, print_function

import atexit
import contextlib
import errno
import os
import ssl
import tempfile
import warnings

from . import _detect, _tls_base, _trust, _warn
from ._match_hostname import match_hostname
from ._tls_base import CERT_NONE, CompatContext

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Dict, Iterator, List, Optional  # noqa: F401

# ssl.wrap_socket: 2.7.0-3.11 (removed in 3.12). Raises AttributeError, and
# _tls then offers the other tiers.
_wrap_socket = ssl.wrap_socket

CIPHERS = _tls_base.cipher_string(
    getattr(ssl, "OPENSSL_VERSION_INFO", None), getattr(ssl, "OPENSSL_VERSION", None)
)

# Armed by _tls when this tier is the one in use.
_first_use = []  # type: _warn.Pending
_sni_first_use = []  # type: _warn.Pending


def arm_warnings(reason, fix):
    # type: (str, str) -> None
    global _first_use, _sni_first_use
    from .exceptions import InsecurePlatformWarning, SNIMissingWarning

    _first_use = _warn.arm(
        "create_default_context",
        "create_default_context: the legacy tier (ssl.wrap_socket) is in use "
        "because %s; it verifies the certificate chain and the host name, "
        "but cannot refuse TLS 1.0/1.1 servers or 1024-bit keys where the "
        "old ssl module and its OpenSSL cannot, and sends no SNI. Fix: %s."
        % (reason, fix),
        InsecurePlatformWarning,
    )
    _sni_first_use = _warn.arm(
        "create_default_context.sni",
        "create_default_context: the legacy tier cannot send SNI (Server "
        "Name Indication): servers hosting several names present their "
        "default certificate, which fails verification for the others. "
        "Fix: %s." % fix,
        SNIMissingWarning,
    )


@contextlib.contextmanager
def _quiet():
    # type: () -> Iterator[None]
    # Only reached when the tier is forced on an interpreter that has
    # SSLContext, whose ssl.wrap_socket is deprecated (3.7+): the warning is
    # about this tier's choice of API, which the user made by forcing it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


_QUIET = _detect.ssl_flags()["HAS_SSLCONTEXT"]

_temp_files = []  # type: List[str]


@atexit.register
def _remove_temp_files():
    # type: () -> None
    while _temp_files:
        try:
            os.remove(_temp_files.pop())
        except OSError:
            pass


def _read_pem_file(path):
    # type: (str) -> str
    with open(path, "rb") as handle:
        return handle.read().decode("ascii", "replace")


class LegacySSLContext(CompatContext):
    """``ssl.SSLContext``'s API over ``ssl.wrap_socket`` (see the module
    docstring for what it can and cannot enforce)."""

    tier = "legacy"

    def __init__(self, protocol=None):
        # type: (Optional[int]) -> None
        if _first_use:
            _warn.fire(_first_use, stacklevel=3)
        CompatContext.__init__(self, protocol)
        self.hostname_checks_common_name = True
        self._ciphers = CIPHERS
        self._cafiles = []  # type: List[str]
        self._pem = []  # type: List[str]
        self._bundle = None  # type: Optional[str]
        self._certfile = None  # type: Optional[str]
        self._keyfile = None  # type: Optional[str]

    def set_ciphers(self, ciphers):
        # type: (str) -> None
        self._ciphers = ciphers

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        # type: (Any, Any, Any) -> None
        if password is not None:
            raise ValueError(
                "legacy tier: ssl.wrap_socket cannot decrypt private keys; "
                "pass an unencrypted key"
            )
        for path in (certfile, keyfile):
            if path is not None and not os.path.exists(path):
                raise IOError(errno.ENOENT, "No such file or directory", path)
        self._certfile, self._keyfile = certfile, keyfile or certfile

    def _load_locations(self, cafile, capath):
        # type: (Optional[str], Optional[str]) -> None
        # wrap_socket takes one CA file: directories are read into the
        # bundle (OpenSSL's lazy lookup is out of reach of the old API).
        # Both are checked by load_verify_locations: cafile is a readable
        # file with a certificate. A capath that is no directory is no
        # error, as OpenSSL only looks into it during a handshake.
        if cafile is not None:
            self._cafiles.append(cafile)
        if capath is not None and os.path.isdir(capath):
            for name in sorted(os.listdir(capath)):
                path = os.path.join(capath, name)
                if os.path.isfile(path):
                    try:
                        text = _read_pem_file(path)
                    except (IOError, OSError):
                        continue
                    if "-----BEGIN CERTIFICATE-----" in text:
                        self._pem.extend(_trust.split_pem(text))
        self._bundle = None

    def _load_pem(self, blocks):
        # type: (List[str]) -> None
        self._pem.extend(blocks)
        self._bundle = None

    def _load_der(self, blocks):
        # type: (List[bytes]) -> None
        self._pem.extend(ssl.DER_cert_to_PEM_cert(block) for block in blocks)
        self._bundle = None

    def _ca_bundle(self):
        # type: () -> Optional[str]
        if self._bundle is not None:
            return self._bundle
        if not self._pem and len(self._cafiles) == 1:
            self._bundle = self._cafiles[0]
        elif self._pem or self._cafiles:
            fd, path = tempfile.mkstemp(prefix="secureshim-ca-", suffix=".pem")
            _temp_files.append(path)
            with os.fdopen(fd, "w") as handle:
                for cafile in self._cafiles:
                    handle.write(_read_pem_file(cafile))
                    handle.write("\n")
                handle.writelines(self._pem)
            self._bundle = path
        return self._bundle

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True,
                    suppress_ragged_eofs=True, server_hostname=None, session=None):
        # type: (Any, bool, bool, bool, Any, Any) -> Any
        hostname = self.check_wrap_arguments(server_side, server_hostname)
        if not server_side and _sni_first_use:
            _warn.fire(_sni_first_use)
        cert_reqs = self._verify_mode
        ca_certs = self._ca_bundle()
        if cert_reqs != CERT_NONE and ca_certs is None:
            raise ssl.SSLError(
                1,
                "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                "no CA certificates loaded (legacy tier)",
            )
        if server_side and self._certfile is None:
            raise ValueError("certfile must be specified for server-side operations")
        kwargs = dict(
            keyfile=self._keyfile,
            certfile=self._certfile,
            server_side=server_side,
            cert_reqs=cert_reqs,
            ssl_version=_tls_base.PROTOCOL_TLS,
            ca_certs=ca_certs,
            do_handshake_on_connect=False,
            suppress_ragged_eofs=suppress_ragged_eofs,
            ciphers=self._ciphers,
        )  # type: Dict[str, Any]
        if _QUIET:
            with _quiet():
                wrapped = _wrap_socket(sock, **kwargs)
        else:
            wrapped = _wrap_socket(sock, **kwargs)
        try:
            wrapped.do_handshake()
            self._check(wrapped, server_side, hostname)
        except Exception:
            wrapped.close()
            raise
        return wrapped

    def _check(self, wrapped, server_side, hostname):
        # type: (Any, bool, Optional[str]) -> None
        """What the old module cannot do during the handshake, done before
        the socket is returned: the protocol version where the socket can
        tell it, and the host name."""
        version = getattr(wrapped, "version", None)  # SSLSocket.version: 2.7.9+
        if version is not None and not self.version_allowed(version()):
            raise ssl.SSLError(
                1,
                "[SSL: UNSUPPORTED_PROTOCOL] the server negotiated %s, which "
                "this context does not allow (minimum %s)"
                % (version(), _version_name(self._minimum_version)),
            )
        if not server_side and self._check_hostname:
            # Raises CertificateError; wrap_socket closes the socket.
            match_hostname(
                wrapped.getpeercert(),
                hostname,
                hostname_checks_common_name=self.hostname_checks_common_name,
            )


def _version_name(number):
    # type: (int) -> str
    for name, value in _tls_base.VERSION_NAMES.items():
        if value == number:
            return name
    return "any"


def legacy_create_default_context(purpose=_tls_base.Purpose.SERVER_AUTH, cafile=None, capath=None,
                                  cadata=None):
    # type: (Any, Any, Any, Any) -> LegacySSLContext
    """``create_default_context`` over ``ssl.wrap_socket``: chain and host
    name verification for ``Purpose.SERVER_AUTH`` (see the module
    docstring for its limits)."""
    if _first_use:
        _warn.fire(_first_use)
    return _tls_base.default_context(  # type: ignore[no-any-return]
        LegacySSLContext, purpose, cafile, capath, cadata
    )
