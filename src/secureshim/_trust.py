"""Where CA certificates come from: the platform, certifi, or the caller.

The platform's trust store is what OpenSSL's ``set_default_verify_paths``
loads: ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` when set, else the file and
directory compiled into OpenSSL (``ssl.get_default_verify_paths``, 2.7.9+
and 3.4+). Interpreters without that function get the well-known locations
of the major distributions instead. When the platform provides no CA
certificate at all (python.org's macOS builds before "Install
Certificates.command" has run, minimal containers), certifi's bundle is
used if it is installed, and a :class:`~secureshim.TrustStoreWarning` says
so when it is not.

An empty store is harder to see than it looks: OpenSSL reads a hashed
``capath`` directory lazily, one file per issuer looked up during a
handshake, so ``SSLContext.cert_store_stats()`` reads 0 for a platform whose
certificates all live in such a directory. :func:`dir_has_certs` looks
at the directory itself instead.
"""
from __future__ import absolute_import, division, print_function

import collections
import os
import re
import ssl
import sys
import warnings

from . import _detect
from ._typing import TYPE_CHECKING
from .exceptions import TrustStoreWarning

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Optional, Tuple  # noqa: F401

# CA bundles of the major platforms, for interpreters that cannot ask OpenSSL
# where its own are (before 2.7.9).
WELL_KNOWN_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # RHEL 7+, Fedora
    "/etc/pki/tls/certs/ca-bundle.crt",  # RHEL 6, CentOS 6
    "/etc/ssl/ca-bundle.pem",  # openSUSE, SLES
    "/etc/ssl/cert.pem",  # Alpine, macOS, OpenBSD
    "/usr/local/share/certs/ca-root-nss.crt",  # FreeBSD
    "/usr/local/etc/openssl/cert.pem",  # Homebrew
)
WELL_KNOWN_DIRS = (
    "/etc/ssl/certs",
    "/etc/pki/tls/certs",
    "/system/etc/security/cacerts",  # Android
)

# OpenSSL's hashed-directory entries: <8 hex digits of the subject hash>.<n>
_HASHED = re.compile(r"^[0-9a-f]{8}\.[0-9]+$")
_PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"


class CASource(collections.namedtuple("CASource", "kind location")):
    """Which CA certificates a context trusts: ``(kind, location)``.

    ``kind`` is one of ``"cafile"``, ``"capath"``, ``"cadata"`` (given by
    the caller), ``"platform-file"``, ``"platform-directory"``,
    ``"platform-store"`` (Windows' system store), ``"certifi"`` or
    ``"none"``; ``location`` is the file or directory, or None.
    """

    __slots__ = ()


def _env(name):
    # type: (str) -> Optional[str]
    # OpenSSL reads these itself, with getenv(), whatever python -E says.
    value = os.environ.get(name)
    return value or None


# (path, mtime, size) -> answer: create_default_context asks on every call.
_has_certs_cache = {}  # type: Dict[Tuple[str, float, int], bool]


def _cached(path, compute):
    # type: (str, Callable[[str], bool]) -> bool
    try:
        st = os.stat(path)
    except OSError:
        return False
    key = (path, st.st_mtime, st.st_size)
    answer = _has_certs_cache.get(key)
    if answer is None:
        answer = _has_certs_cache[key] = compute(path)
    return answer


def _scan_dir(directory):
    # type: (str) -> bool
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    return any(_HASHED.match(name) for name in names)


def dir_has_certs(path):
    # type: (Optional[str]) -> bool
    """Does ``path`` (a directory, or an os.pathsep list of them) hold hashed
    certificate entries that OpenSSL would load on demand?"""
    if not path:
        return False
    return any(_cached(directory, _scan_dir) for directory in path.split(os.pathsep))


def _scan_file(path):
    # type: (str) -> bool
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as handle:
            # A bundle's first certificate is near its start; reading the
            # whole file would cost more than OpenSSL's own parse.
            head = handle.read(1 << 16)
    except (IOError, OSError):
        return False
    return _PEM_BEGIN in head


def file_has_certs(path):
    # type: (Optional[str]) -> bool
    """Does the file ``path`` hold a PEM certificate?"""
    if not path:
        return False
    return _cached(path, _scan_file)


def platform_locations():
    # type: () -> Tuple[Optional[str], Optional[str]]
    """Return ``(cafile, capath)`` of the platform's trust store, each None
    when it does not exist."""
    env_file, env_dir = _env("SSL_CERT_FILE"), _env("SSL_CERT_DIR")
    if env_file is not None or env_dir is not None:
        # OpenSSL replaces its compiled-in location by the variable's.
        if _detect.ssl_flags().HAS_DEFAULT_VERIFY_PATHS:
            paths = ssl.get_default_verify_paths()
            return paths.cafile, paths.capath
        cafile = env_file if env_file and os.path.isfile(env_file) else None
        capath = env_dir if env_dir and os.path.isdir(env_dir.split(os.pathsep)[0]) else None
        return cafile, capath
    if _detect.ssl_flags().HAS_DEFAULT_VERIFY_PATHS:
        paths = ssl.get_default_verify_paths()
        if paths.cafile or paths.capath:
            return paths.cafile, paths.capath
    # No way to ask OpenSSL (before 2.7.9), or it knows no location here.
    cafile = next((f for f in WELL_KNOWN_FILES if os.path.isfile(f)), None)
    capath = next((d for d in WELL_KNOWN_DIRS if dir_has_certs(d)), None)
    return cafile, capath


def certifi_where():
    # type: () -> Optional[str]
    """certifi's CA bundle, or None when certifi is not installed."""
    try:
        import certifi
    except ImportError:
        return None
    where = certifi.where()  # type: str
    return where if os.path.isfile(where) else None


def _windows_store():
    # type: () -> bool
    # ssl.enum_certificates: 2.7.9+ and 3.4+ on Windows.
    return sys.platform == "win32" and hasattr(ssl, "enum_certificates")


def default_source():
    # type: () -> CASource
    """Where the default trust of a verifying context comes from."""
    if _windows_store():
        return CASource("platform-store", None)
    cafile, capath = platform_locations()
    if file_has_certs(cafile):
        return CASource("platform-file", cafile)
    if dir_has_certs(capath):
        return CASource("platform-directory", capath)
    where = certifi_where()
    if where is not None:
        return CASource("certifi", where)
    return CASource("none", None)


def ca_source(cafile=None, capath=None, cadata=None):
    # type: (Optional[str], Optional[str], Any) -> CASource
    """Report which CA certificates ``create_default_context`` trusts.

    With the same ``cafile``/``capath``/``cadata`` arguments as
    :func:`secureshim.create_default_context`, returns a :class:`CASource`
    ``(kind, location)``: the caller's ``cafile``, ``capath`` or
    ``cadata``; else the platform's file, directory or system store; else
    ``certifi`` (the fallback when the platform provides no CA
    certificates at all); else ``none``. For the diagnostics command.
    """
    if cafile:
        return CASource("cafile", cafile)
    if capath:
        return CASource("capath", capath)
    if cadata:
        return CASource("cadata", None)
    return default_source()


def warn_no_store(stacklevel=3):
    # type: (int) -> None
    warnings.warn(
        "create_default_context: no CA certificates found: the platform "
        "provides none (SSL_CERT_FILE, SSL_CERT_DIR and OpenSSL's default "
        "locations are empty) and certifi is not installed, so every "
        "verified connection will fail. Fix: install the platform's CA "
        "bundle (e.g. ca-certificates) or certifi, or pass cafile=.",
        TrustStoreWarning,
        stacklevel=stacklevel + 1,
    )


def ensure_native_store(context):
    # type: (Any) -> None
    """After ``load_default_certs``: fall back to certifi on an empty store.

    The platform's file and directory are looked at first (a stat each,
    their contents cached): ``cert_store_stats()`` costs 0.8 ms on a fresh
    context, 4% of the whole call, and reads 0 for a lazily loaded
    directory anyway. Only when both are empty is the store itself asked
    (Windows' system store, or certificates loaded some other way).
    """
    cafile, capath = platform_locations()
    if file_has_certs(cafile) or dir_has_certs(capath):
        return
    if context.cert_store_stats()["x509"]:
        return
    where = certifi_where()
    if where is not None:
        context.load_verify_locations(cafile=where)
    else:
        warn_no_store(stacklevel=3)


def split_der(data):
    # type: (bytes) -> List[bytes]
    """Split concatenated DER certificates (``cadata`` as bytes)."""
    data = bytes(data)
    out = []  # type: List[bytes]
    pos = 0
    while pos < len(data):
        if data[pos:pos + 1] != b"\x30" or pos + 2 > len(data):
            raise ssl.SSLError("not enough data: cadata does not contain a certificate")
        first = bytearray(data[pos + 1:pos + 2])[0]
        if first < 0x80:
            length, header = first, 2
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or pos + 2 + count > len(data):
                raise ssl.SSLError("cadata: bad DER length")
            length = 0
            for byte in bytearray(data[pos + 2:pos + 2 + count]):
                length = (length << 8) | byte
            header = 2 + count
        end = pos + header + length
        if end > len(data):
            raise ssl.SSLError("not enough data: cadata ends inside a certificate")
        out.append(data[pos:end])
        pos = end
    if not out:
        raise ssl.SSLError("not enough data: cadata does not contain a certificate")
    return out


def split_pem(text):
    # type: (str) -> List[str]
    """The PEM certificates in ``text`` (``cadata`` as a string)."""
    blocks = re.findall(
        r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S
    )
    if not blocks:
        raise ssl.SSLError("no start line: cadata does not contain a certificate")
    return [block + "\n" for block in blocks]
