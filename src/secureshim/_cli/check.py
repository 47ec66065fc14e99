"""``python -m secureshim check HOST[:PORT]``: one real, verified handshake.

The handshake uses secureshim's default context (the stdlib's where this
build has none), so it tells whether *this interpreter* can reach the
server securely. When it fails, a second connection that verifies nothing
fetches the certificate, and, when the protocol was refused, a third one
finds the newest protocol the server speaks, so the failure gets a precise
reason: ``expired``, ``not yet valid``, ``wrong host``, ``untrusted``,
``x509 strict``, ``protocol too old``, ``timeout``, ``dns``,
``connection``, ``handshake``. Every connection has the same bounded
timeout.

``x509 strict``: Python 3.13+ contexts set ``VERIFY_X509_STRICT``. When
verification fails with it, a second verifying connection without that one
flag tells whether strict mode is the cause; if so, the chain that
connection verified is read (``x509.py``) for what to fix. Such a server is
never reported as good.
"""
from __future__ import absolute_import, division, print_function

import os
import re
import socket
import stat
import tempfile
import time
import warnings

from .. import _diagnostics
from .._diagnostics import INSECURE, OK
from .._match_hostname import _parse_ip
from .._typing import TYPE_CHECKING
from . import x509
from .render import Painter, clean, rows

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple  # noqa: F401

DEFAULT_PORT = 443
DEFAULT_TIMEOUT = 10.0

# OpenSSL's X509_V_ERR_* codes (SSLCertVerificationError.verify_code, 3.7+).
_EXPIRED = 10
_NOT_YET_VALID = 9
_WRONG_HOST = (62, 64)  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
_UNTRUSTED = (2, 18, 19, 20, 21, 27)

# DNS limits (RFC 1035 2.3.4): 63 octets a label, 253 a name.
_MAX_LABEL, _MAX_NAME = 63, 253
_LABEL = re.compile(r"[A-Za-z0-9_-]+\Z")
_ZONE = re.compile(r"[A-Za-z0-9_.-]+\Z")  # an IPv6 zone: fe80::1%eth0
_PORT = re.compile(r"[0-9]{1,5}\Z")

# SSLError.reason values that mean the two sides share no protocol version.
_PROTOCOL_REASONS = (
    "UNSUPPORTED_PROTOCOL",
    "TLSV1_ALERT_PROTOCOL_VERSION",
    "NO_PROTOCOLS_AVAILABLE",
    "WRONG_VERSION_NUMBER",
    "VERSION_TOO_LOW",
    "UNKNOWN_PROTOCOL",
)

_SHORT_NAMES = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "domainComponent": "DC",
}


class UsageError(ValueError):
    """A bad ``HOST[:PORT]`` or option value."""


def show(text):
    # type: (Any) -> str
    """A value from the command line, quoted and short, for a message."""
    text = clean(text)
    if len(text) > 80:
        text = text[:77] + "..."
    return "'%s'" % text


def parse_target(text):
    # type: (str) -> Tuple[str, int]
    """``"host"``, ``"host:port"``, ``"[v6]"`` or ``"[v6]:port"`` -> (host, port).

    The host comes back as an IP literal or as the ASCII (A-label) name
    that the socket and ssl modules would send; anything they would choke
    on raises :class:`UsageError` instead.
    """
    text = clean(text).strip()
    if not text:
        raise UsageError("no host given")
    port_text = None  # type: Optional[str]
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise UsageError("unclosed '[' in %s" % show(text))
        host, rest = text[1:end], text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise UsageError("unexpected %s after ']' in %s" % (show(rest), show(text)))
            port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host = text  # a bare IPv6 literal, or a name without port
    if not host:
        raise UsageError("no host given in %s" % show(text))
    host = valid_host(host)
    if port_text is None:
        return host, DEFAULT_PORT
    if not _PORT.match(port_text) or not 0 < int(port_text) < 65536:
        raise UsageError("bad port %s: expected a number from 1 to 65535" % show(port_text))
    return host, int(port_text)


def parse_servername(text):
    # type: (Optional[str]) -> Optional[str]
    """``--servername``: None, or a host name or IP literal (see :func:`valid_host`)."""
    if text is None:
        return None
    return valid_host(clean(text).strip(), "--servername")


def valid_host(text, what="host"):
    # type: (str, str) -> str
    """An IP literal as it is, or a DNS name as ASCII; else UsageError.

    Names go through the stdlib's IDNA codec, the conversion that
    ``socket`` and ``ssl`` apply (and raise UnicodeError from) on 3.x.
    """
    address = text.partition("%")[0] if ":" in text else text
    if _parse_ip(address) is not None:
        zone = text[len(address) + 1:]
        if address != text and not _ZONE.match(zone):
            raise UsageError("bad IPv6 zone %s in %s" % (show(zone), show(text)))
        return str(text)
    if ":" in text:
        raise UsageError("%s %s is not a valid IPv6 address" % (what, show(text)))
    name = text[:-1] if text.endswith(".") else text
    if len(name) > _MAX_NAME:
        raise UsageError("%s is longer than a DNS name can be (%d characters)"
                         % (what, _MAX_NAME))
    labels = name.split(".")
    for label in labels:
        if not label:
            raise UsageError("%s %s has an empty label" % (what, show(text)))
        if len(label) > _MAX_LABEL:
            raise UsageError("%s %s has a label longer than %d characters"
                             % (what, show(text), _MAX_LABEL))
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise UsageError("%s %s is not a valid host name (%s)" % (what, show(text), exc))
    if len(ascii_name) > _MAX_NAME:
        raise UsageError("%s %s is longer than a DNS name can be (%d characters as ASCII)"
                         % (what, show(text), _MAX_NAME))
    for label in ascii_name.split("."):
        if not _LABEL.match(label):
            raise UsageError("%s %s: %s is not letters, digits and hyphens"
                             % (what, show(text), show(label)))
    return str(ascii_name)


def _ssl():
    # type: () -> Any
    import ssl

    return ssl


def _name(rdns):
    # type: (Any) -> Optional[str]
    if not rdns:
        return None
    parts = []
    for rdn in rdns:
        for key, value in rdn:
            parts.append("%s=%s" % (_SHORT_NAMES.get(key, key), value))
    return ", ".join(parts)


def _cert_time(text):
    # type: (str) -> float
    ssl = _ssl()
    converter = getattr(ssl, "cert_time_to_seconds", None)
    if converter is not None:
        return float(converter(text))
    import calendar

    return float(calendar.timegm(time.strptime(text, "%b %d %H:%M:%S %Y GMT")))


def describe_certificate(cert, now=None):
    # type: (Dict[str, Any], Optional[float]) -> Dict[str, Any]
    """The parts of a ``getpeercert()`` dict that people look at."""
    now = time.time() if now is None else now
    not_after = cert.get("notAfter")
    not_before = cert.get("notBefore")
    expires = _cert_time(not_after) if not_after else None
    starts = _cert_time(not_before) if not_before else None
    return {
        "subject": _name(cert.get("subject")),
        "issuer": _name(cert.get("issuer")),
        "sans": ["%s:%s" % (kind, value) for kind, value in cert.get("subjectAltName", ())],
        "not_before": not_before,
        "not_after": not_after,
        "expired": expires is not None and expires < now,
        "not_yet_valid": starts is not None and starts > now,
        "days_left": int((expires - now) / 86400) if expires is not None else None,
    }


def _decode_der(der):
    # type: (bytes) -> Optional[Dict[str, Any]]
    """Parse a DER certificate with the ssl module's own decoder."""
    ssl = _ssl()
    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None or not der:
        return None
    handle, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(ssl.DER_cert_to_PEM_cert(der))
        return dict(decode(path))
    except (ssl.SSLError, ValueError):
        return None
    finally:
        os.remove(path)


def _probe_context(old_protocols):
    # type: (bool) -> Any
    """A context that verifies nothing, to look at what the server sends."""
    ssl = _ssl()
    with warnings.catch_warnings():
        # Probing old protocols is the point; 3.10+ deprecates their constants.
        warnings.simplefilter("ignore", DeprecationWarning)
        if hasattr(ssl, "PROTOCOL_TLS_CLIENT"):  # 3.6+
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
        else:
            ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        ctx.verify_mode = ssl.CERT_NONE
        if old_protocols:
            if hasattr(ctx, "minimum_version"):  # 3.7+
                ctx.minimum_version = ssl.TLSVersion.TLSv1
            for flag in ("OP_NO_TLSv1", "OP_NO_TLSv1_1"):
                if hasattr(ssl, flag):
                    ctx.options &= ~getattr(ssl, flag)
            try:
                # OpenSSL 1.1.0+ refuses TLS 1.0/1.1 signatures above level 0.
                ctx.set_ciphers("ALL:@SECLEVEL=0")
            except ssl.SSLError:  # OpenSSL 1.0.x: no security levels
                ctx.set_ciphers("ALL")
    return ctx


def _connect(host, port, timeout):
    # type: (str, int, float) -> Any
    return socket.create_connection((host, port), timeout)


def _probe(host, port, name, timeout, old_protocols):
    # type: (str, int, str, float, bool) -> Optional[Tuple[str, Optional[Dict[str, Any]]]]
    """``(protocol version, certificate dict)`` seen without verification."""
    ssl = _ssl()
    try:
        ctx = _probe_context(old_protocols)
        raw = _connect(host, port, timeout)
    except (ssl.SSLError, socket.error, OSError, ValueError):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an unverified context's warning
            tls = ctx.wrap_socket(raw, server_hostname=name)
    except (ssl.SSLError, socket.error, OSError, ValueError):
        raw.close()
        return None
    try:
        version = tls.version() if hasattr(tls, "version") else None
        return str(version), _decode_der(tls.getpeercert(True))
    finally:
        tls.close()


def _certificate_errors():
    # type: () -> Tuple[Any, ...]
    """What a failed host name check raises: ssl's class and secureshim's."""
    found = [getattr(_ssl(), "CertificateError", None),
             _diagnostics._optional("CertificateError")]
    return tuple(error for error in found if error is not None)


def _context(cafile):
    # type: (Optional[str]) -> Tuple[Any, str]
    ssl = _ssl()
    if cafile is not None and os.path.exists(cafile) and not stat.S_ISREG(os.stat(cafile).st_mode):
        # OpenSSL would wait for ever on a FIFO and read /dev/zero for ever.
        raise IOError("not a regular file")
    factory = _diagnostics._optional("create_default_context")
    source = "secureshim.create_default_context"
    if factory is None:
        factory = ssl.create_default_context
        source = "ssl.create_default_context"
    return factory(cafile=cafile), source


def _match(cert, name):
    # type: (Dict[str, Any], str) -> Optional[bool]
    matcher = _diagnostics._optional("match_hostname")
    error = _diagnostics._optional("CertificateError")
    if matcher is None or error is None:
        return None
    try:
        matcher(cert, name)
    except error:
        return False
    return True


def _verify_failure(exc, cert, name):
    # type: (Any, Optional[Dict[str, Any]], str) -> Tuple[str, str]
    """Reason for a failed verification, from OpenSSL's code or the certificate."""
    code = getattr(exc, "verify_code", None)
    message = getattr(exc, "verify_message", None) or str(exc)
    if code == _EXPIRED:
        return "expired", message
    if code == _NOT_YET_VALID:
        return "not yet valid", message
    if code in _WRONG_HOST:
        return "wrong host", message
    if code in _UNTRUSTED:
        return "untrusted", message
    # No code (before 3.7): look at the certificate itself.
    if cert is not None:
        described = describe_certificate(cert)
        if described["expired"]:
            return "expired", "certificate expired on %s" % cert.get("notAfter")
        if described["not_yet_valid"]:
            return "not yet valid", "certificate is valid from %s" % cert.get("notBefore")
        if _match(cert, name) is False:
            return "wrong host", "certificate does not name %r" % name
    return "untrusted", message


def check(host, port=DEFAULT_PORT, timeout=DEFAULT_TIMEOUT, cafile=None, servername=None):
    # type: (str, int, float, Optional[str], Optional[str]) -> Dict[str, Any]
    """Connect to ``host:port`` with a verifying context and report.

    ``servername`` is the name sent as SNI and verified (default ``host``).
    Returns a dict (schema in docs/diagnostics.schema.json, ``check``).
    """
    ssl = _ssl()
    name = servername or host
    result = {
        "schema_version": _diagnostics.SCHEMA_VERSION,
        "host": host,
        "port": port,
        "server_hostname": name,
        "ok": False,
        "failure": None,
        "detail": None,
        "tls_version": None,
        "cipher": None,
        "certificate": None,
        "hostname_match": None,
        "server_max_version": None,
        "context": None,
        "minimum_version": None,
        "key_exchange_group": None,
        "x509_strict": None,
    }  # type: Dict[str, Any]
    try:
        ctx, result["context"] = _context(cafile)
    except (ssl.SSLError, IOError, OSError, ValueError) as exc:  # ValueError: a NUL in the path
        result["failure"], result["detail"] = "cafile", "cannot load %s: %s" % (cafile, exc)
        return result
    minimum = getattr(ctx, "minimum_version", None)
    result["minimum_version"] = _diagnostics._version_name(minimum) if minimum is not None else None
    try:
        raw = _connect(host, port, timeout)
    except socket.timeout:
        result["failure"], result["detail"] = "timeout", "no connection within %gs" % timeout
        return result
    except socket.gaierror as exc:
        result["failure"], result["detail"] = "dns", "cannot resolve %r: %s" % (host, exc)
        return result
    except (socket.error, OSError) as exc:
        result["failure"], result["detail"] = "connection", str(exc)
        return result
    try:
        tls = ctx.wrap_socket(raw, server_hostname=name)
    except socket.timeout:
        raw.close()
        result["failure"], result["detail"] = "timeout", "no handshake within %gs" % timeout
        return result
    except ssl.SSLError as exc:
        raw.close()
        _explain(result, exc, host, port, name, timeout, ctx)
        return result
    except _certificate_errors() as exc:  # a ValueError before 3.7
        raw.close()
        _explain(result, exc, host, port, name, timeout, ctx)
        return result
    except (socket.error, OSError) as exc:
        raw.close()
        result["failure"] = "connection"
        result["detail"] = "connection closed during the handshake (%s); does the server speak TLS on this port?" % exc
        return result
    try:
        _record_session(result, tls, name)
    finally:
        tls.close()
    result["ok"] = bool(result["hostname_match"])
    if not result["ok"]:
        result["failure"], result["detail"] = "wrong host", "match_hostname refuses %r" % name
    return result


def _record_session(result, tls, name):
    # type: (Dict[str, Any], Any, str) -> None
    """Protocol, cipher, key exchange group and certificate of a verified
    handshake, and whether the certificate matches ``name``, into
    ``result``."""
    cert = tls.getpeercert()
    cipher = tls.cipher()
    result["tls_version"] = tls.version() if hasattr(tls, "version") else (cipher[1] if cipher else None)
    if cipher:
        result["cipher"] = {"name": cipher[0], "protocol": cipher[1], "bits": cipher[2]}
    group = getattr(tls, "group", None)  # SSLSocket.group(): 3.15+
    if group is not None:
        result["key_exchange_group"] = group()
    result["certificate"] = describe_certificate(cert) if cert else None
    matched = _match(cert, name) if cert else None
    # The handshake verified the name (check_hostname); secureshim's
    # match_hostname is a second opinion where this build has it.
    result["hostname_match"] = True if matched is None else matched


def _strict_flag(ctx):
    # type: (Any) -> int
    """The context's VERIFY_X509_STRICT bit, or 0.

    ``ssl.VERIFY_X509_STRICT`` and ``verify_flags``: 3.4+ and 2.7.9+;
    ``create_default_context()`` sets the flag since 3.13 (gh-107361).
    """
    flag = getattr(_ssl(), "VERIFY_X509_STRICT", 0)
    return int(getattr(ctx, "verify_flags", 0) & flag)


def _without_strict(result, host, port, name, timeout, ctx):
    # type: (Dict[str, Any], str, int, str, float, Any) -> Any
    """Retry the handshake verifying everything but VERIFY_X509_STRICT.

    The retry reuses ``ctx``, the failed check's context, with the flag
    cleared: nothing reads it afterwards, and a new context would load the
    CA store again.

    If it verifies, strict mode alone refused the server: ``result`` gets
    the ``x509 strict`` failure and what the chain lacks, and None is
    returned. Otherwise the retry's own error (the reason that remains
    without strict mode) is returned, or None if it did not get that far.
    """
    ssl = _ssl()
    ctx.verify_flags &= ~_strict_flag(ctx)
    try:
        raw = _connect(host, port, timeout)
    except (socket.error, OSError):
        return None
    try:
        tls = ctx.wrap_socket(raw, server_hostname=name)
    except (ssl.SSLError, socket.error, OSError, ValueError) as exc:
        raw.close()
        return exc if hasattr(exc, "verify_code") or isinstance(exc, _certificate_errors()) else None
    try:
        _record_session(result, tls, name)
        # get_verified_chain(): 3.13+, where strict mode is the default;
        # elsewhere only the server's certificate can be read.
        chain_of = getattr(tls, "get_verified_chain", None)
        chain = list(chain_of()) if chain_of is not None else [tls.getpeercert(True)]
    finally:
        tls.close()
    ders = [_der(entry) for entry in chain]
    problems = x509.strict_problems(ders)
    # One subject per certificate, however many rules it breaks: decoding
    # goes through a temporary PEM file.
    subjects = dict((depth, _subject(ders[depth]))
                    for depth in set(item["depth"] for item in problems))
    for item in problems:
        item["subject"] = subjects[item["depth"]]
    result["x509_strict"]["problems"] = problems
    result["failure"] = "x509 strict"
    fixes = "; ".join("%s: %s (%s)" % (_where(item), item["problem"], item["rfc"])
                      for item in problems)
    result["detail"] = (
        "the chain verifies only without VERIFY_X509_STRICT, which this "
        "context sets (Python 3.13+ default contexts do): %s. %s" % (
            result["x509_strict"]["verify_message"],
            _FIX + fixes if fixes else
            "Reissue the certificates following RFC 5280 (critical basicConstraints "
            "and a keyUsage in CA certificates, key identifiers)"))
    return None


_FIX = "Fix the certificates: "


def _der(cert):
    # type: (Any) -> bytes
    """DER bytes of a chain entry: bytes, or 3.13's ``_ssl.Certificate``."""
    if isinstance(cert, bytes):
        return cert
    return bytes(cert.public_bytes(_ssl().ENCODING_DER))


def _subject(der):
    # type: (bytes) -> Optional[str]
    decoded = _decode_der(der)
    return _name(decoded.get("subject")) if decoded else None


def _where(item):
    # type: (Dict[str, Any]) -> str
    what = "the server's certificate" if item["depth"] == 0 else "the CA certificate"
    return "%s (%s)" % (what, item["subject"]) if item["subject"] else what


_OLD_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")


def _is_cert_error(exc):
    # type: (Any) -> bool
    """A host name mismatch raised by the check, not by OpenSSL."""
    return isinstance(exc, _certificate_errors()) and not isinstance(exc, _ssl().SSLError)


def _explain(result, exc, host, port, name, timeout, ctx):
    # type: (Dict[str, Any], Any, str, int, str, float, Any) -> None
    is_cert_error = _is_cert_error(exc)
    reason = getattr(exc, "reason", None)
    verify_failed = reason == "CERTIFICATE_VERIFY_FAILED" or hasattr(exc, "verify_code")
    if verify_failed and _strict_flag(ctx):
        result["x509_strict"] = {
            "verify_code": getattr(exc, "verify_code", None),
            "verify_message": getattr(exc, "verify_message", None) or str(exc),
            "problems": [],
        }
        remaining = _without_strict(result, host, port, name, timeout, ctx)
        if result["failure"] == "x509 strict":
            return
        # Not (only) strict mode: explain by what remains without it.
        result["x509_strict"] = None
        if remaining is not None:
            exc = remaining
            is_cert_error = _is_cert_error(exc)
    if verify_failed or is_cert_error:
        probed = _probe(host, port, name, timeout, old_protocols=False)
        cert = probed[1] if probed else None
        if cert:
            result["certificate"] = describe_certificate(cert)
            result["hostname_match"] = _match(cert, name)
        if is_cert_error:
            result["failure"], result["detail"] = "wrong host", str(exc)
        else:
            result["failure"], result["detail"] = _verify_failure(exc, cert, name)
        return
    if "timed out" in str(exc):  # 2.7 raises SSLError for a handshake timeout
        result["failure"], result["detail"] = "timeout", "no handshake within %gs" % timeout
        return
    # Any other refusal: does the server speak only protocols that the
    # default context no longer accepts? (OpenSSL may complain about the
    # protocol, or first about the old signature algorithms it needs.)
    probed = _probe(host, port, name, timeout, old_protocols=True)
    if probed is not None and probed[0] in _OLD_PROTOCOLS:
        result["failure"] = "protocol too old"
        result["server_max_version"] = probed[0]
        if probed[1]:
            result["certificate"] = describe_certificate(probed[1])
        result["detail"] = (
            "the server's newest protocol is %s; the default context requires %s or newer"
            % (probed[0], (result["minimum_version"] or "TLSv1_2").replace("_", "."))
        )
        return
    result["failure"] = "handshake"
    if reason in _PROTOCOL_REASONS:
        result["detail"] = "no common protocol version (%s)" % exc
    else:
        result["detail"] = str(exc)


def render(result, colour=False):
    # type: (Dict[str, Any], bool) -> str
    paint = Painter(colour)
    target = "%s:%d" % (result["host"], result["port"])
    if result["server_hostname"] != result["host"]:
        target += " (server name %s)" % result["server_hostname"]
    status = paint("OK", OK) if result["ok"] else paint("FAILED: %s" % result["failure"], INSECURE)
    items = [("result", status)]  # type: List[Tuple[str, str]]
    if result["detail"]:
        items.append(("reason", result["detail"]))
    if result["tls_version"]:
        items.append(("tls version", result["tls_version"]))
    elif result["server_max_version"]:
        items.append(("server speaks", result["server_max_version"]))
    if result["cipher"]:
        items.append(("cipher", "%s (%s bits)" % (result["cipher"]["name"], result["cipher"]["bits"])))
    if result["key_exchange_group"]:
        items.append(("key exchange", result["key_exchange_group"]))
    cert = result["certificate"]
    if cert:
        items.append(("subject", cert["subject"] or "-"))
        items.append(("issuer", cert["issuer"] or "-"))
        items.append(("names", ", ".join(cert["sans"]) or "-"))
        expiry = cert["not_after"] or "-"
        if cert["days_left"] is not None:
            expiry += " (expired)" if cert["expired"] else " (%d days left)" % cert["days_left"]
        items.append(("expires", expiry))
    if result["hostname_match"] is not None:
        items.append(("hostname", "matches %s" % result["server_hostname"] if result["hostname_match"]
                      else "does NOT match %s" % result["server_hostname"]))
    strict = result["x509_strict"]
    if strict and strict["problems"]:
        items[1] = ("reason", result["detail"].split(_FIX)[0] + _FIX + "see strict below.")
        for item in strict["problems"]:
            items.append(("strict, %s" % ("server" if item["depth"] == 0 else "CA %d" % item["depth"]),
                          "%s (%s)" % (item["problem"], item["rfc"])))
    items.append(("context", "%s (minimum %s)" % (result["context"], result["minimum_version"] or "per options")))
    return "\n".join(rows("check %s" % target, items, paint)) + "\n"
