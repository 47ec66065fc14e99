"""``python -m secureshim check HOST[:PORT]``: one real, verified handshake.

The handshake uses secureshim's default context (the stdlib's where this
build has none), so it tells whether *this interpreter* can reach the
server securely. When it fails, a second connection that verifies nothing
fetches the certificate, and, when the protocol was refused, a third one
finds the newest protocol the server speaks, so the failure gets a precise
reason: ``expired``, ``not yet valid``, ``wrong host``, ``untrusted``,
``protocol too old``, ``timeout``, ``dns``, ``connection``, ``handshake``.
Every connection has the same bounded timeout.
"""
from __future__ import absolute_import, division, print_function

import os
import socket
import tempfile
import time
import warnings

from . import _diagnostics
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple  # noqa: F401

DEFAULT_PORT = 443
DEFAULT_TIMEOUT = 10.0

# OpenSSL's X509_V_ERR_* codes (SSLCertVerificationError.verify_code, 3.7+).
_EXPIRED = 10
_NOT_YET_VALID = 9
_WRONG_HOST = (62, 64)  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
_UNTRUSTED = (2, 18, 19, 20, 21, 27)

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


def parse_target(text):
    # type: (str) -> Tuple[str, int]
    """``"host"``, ``"host:port"``, ``"[v6]"`` or ``"[v6]:port"`` -> (host, port)."""
    text = text.strip()
    if not text:
        raise UsageError("no host given")
    port_text = None  # type: Optional[str]
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise UsageError("unclosed '[' in %r" % text)
        host, rest = text[1:end], text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise UsageError("unexpected %r after ']' in %r" % (rest, text))
            port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host = text  # a bare IPv6 literal, or a name without port
    if not host:
        raise UsageError("no host given in %r" % text)
    if port_text is None:
        return host, DEFAULT_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError("bad port %r: expected a number from 1 to 65535" % port_text)
    return host, int(port_text)


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
    }  # type: Dict[str, Any]
    try:
        ctx, result["context"] = _context(cafile)
    except (ssl.SSLError, IOError, OSError) as exc:
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
        _explain(result, exc, host, port, name, timeout)
        return result
    except _certificate_errors() as exc:  # a ValueError before 3.7
        raw.close()
        _explain(result, exc, host, port, name, timeout)
        return result
    except (socket.error, OSError) as exc:
        raw.close()
        result["failure"] = "connection"
        result["detail"] = "connection closed during the handshake (%s); does the server speak TLS on this port?" % exc
        return result
    try:
        cert = tls.getpeercert()
        cipher = tls.cipher()
        result["tls_version"] = tls.version() if hasattr(tls, "version") else (cipher[1] if cipher else None)
    finally:
        tls.close()
    if cipher:
        result["cipher"] = {"name": cipher[0], "protocol": cipher[1], "bits": cipher[2]}
    result["certificate"] = describe_certificate(cert) if cert else None
    matched = _match(cert, name) if cert else None
    # The handshake verified the name (check_hostname); secureshim's
    # match_hostname is a second opinion where this build has it.
    result["hostname_match"] = True if matched is None else matched
    result["ok"] = bool(result["hostname_match"])
    if not result["ok"]:
        result["failure"], result["detail"] = "wrong host", "match_hostname refuses %r" % name
    return result


_OLD_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")


def _explain(result, exc, host, port, name, timeout):
    # type: (Dict[str, Any], Any, str, int, str, float) -> None
    ssl = _ssl()
    is_cert_error = isinstance(exc, _certificate_errors()) and not isinstance(exc, ssl.SSLError)
    reason = getattr(exc, "reason", None)
    if reason == "CERTIFICATE_VERIFY_FAILED" or is_cert_error or hasattr(exc, "verify_code"):
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
    paint = _diagnostics.Painter(colour)
    target = "%s:%d" % (result["host"], result["port"])
    if result["server_hostname"] != result["host"]:
        target += " (server name %s)" % result["server_hostname"]
    status = paint("OK", "OK") if result["ok"] else paint("FAILED: %s" % result["failure"], "INSECURE")
    rows = [("result", status)]  # type: List[Tuple[str, str]]
    if result["detail"]:
        rows.append(("reason", result["detail"]))
    if result["tls_version"]:
        rows.append(("tls version", result["tls_version"]))
    elif result["server_max_version"]:
        rows.append(("server speaks", result["server_max_version"]))
    if result["cipher"]:
        rows.append(("cipher", "%s (%s bits)" % (result["cipher"]["name"], result["cipher"]["bits"])))
    cert = result["certificate"]
    if cert:
        rows.append(("subject", cert["subject"] or "-"))
        rows.append(("issuer", cert["issuer"] or "-"))
        rows.append(("names", ", ".join(cert["sans"]) or "-"))
        expiry = cert["not_after"] or "-"
        if cert["days_left"] is not None:
            expiry += " (expired)" if cert["expired"] else " (%d days left)" % cert["days_left"]
        rows.append(("expires", expiry))
    if result["hostname_match"] is not None:
        rows.append(("hostname", "matches %s" % result["server_hostname"] if result["hostname_match"]
                     else "does NOT match %s" % result["server_hostname"]))
    rows.append(("context", "%s (minimum %s)" % (result["context"], result["minimum_version"] or "per options")))
    return "\n".join(_diagnostics._rows("check %s" % target, rows, paint)) + "\n"

