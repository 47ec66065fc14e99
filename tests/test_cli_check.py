"""python -m secureshim check HOST[:PORT], against local servers on 127.0.0.1.

Servers: a good one, a TLS 1.0-only one, one with a certificate for another
host, one with an expired certificate, one signed by a CA the client does
not trust, one whose chain breaks RFC 5280 rules that only
VERIFY_X509_STRICT enforces, one that accepts TCP but never answers, and a
closed port.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import re
import socket
import ssl
import stat
import time

import pytest

from secureshim import __main__ as cli
from secureshim._cli import check as _check
from secureshim._cli import main as cli_main

from . import schema_check, tls_helpers
from .conftest import run_python

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_schema():
    with open(os.path.join(ROOT, "docs", "diagnostics.schema.json")) as handle:
        schema = json.load(handle)
    return dict(schema["definitions"]["check"], definitions=schema["definitions"])


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("check")
    ca = tls_helpers.CA(directory)
    other = tls_helpers.CA(directory, name=u"some other CA")
    names = ["localhost", "127.0.0.1"]
    servers = {}
    try:
        servers["good"] = tls_helpers.Server(ca.issue(names))
        servers["tls10"] = tls_helpers.Server(ca.issue(names), tls_version="TLSv1")
        servers["wrong"] = tls_helpers.Server(ca.issue(["wrong.example"]))
        servers["expired"] = tls_helpers.Server(ca.issue(names, days=(-60, -2)))
        servers["untrusted"] = tls_helpers.Server(other.issue(names))
        # Verifies without VERIFY_X509_STRICT, fails with it: the CA's
        # basicConstraints is not critical and it has no keyUsage; the
        # server's certificate has no authorityKeyIdentifier.
        lax = tls_helpers.CA(directory, name=u"lax CA", lax=("bc_not_critical", "no_key_usage"))
        servers["lax"] = tls_helpers.Server(lax.issue(names, lax=("no_aki",)))
        servers["lax_ca"] = lax
        yield ca, servers
    finally:
        tls_helpers.close_all(s for s in servers.values() if isinstance(s, tls_helpers.Server))


def check(capsys, ca, port, *extra):
    """Check 127.0.0.1:PORT as "localhost" (unless ``extra`` says otherwise)."""
    if "--servername" not in extra:
        extra += ("--servername", "localhost")
    code = cli.main(["check", "127.0.0.1:%d" % port, "--cafile", ca.cert_path,
                     "--timeout", "5", "--json"] + list(extra))
    data = json.loads(capsys.readouterr().out)
    schema_check.validate(data, check_schema())
    assert code == (0 if data["ok"] else 1)
    return data


def test_good_server(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["good"].port)
    assert data["ok"] is True and data["failure"] is None
    assert data["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert data["cipher"]["name"] and data["cipher"]["bits"] >= 128
    cert = data["certificate"]
    assert cert["subject"] == "O=secureshim tests, CN=localhost"
    assert cert["issuer"] == "O=secureshim tests, CN=secureshim test CA"
    assert cert["sans"] == ["DNS:localhost", "IP Address:127.0.0.1"]
    assert cert["expired"] is False and 28 <= cert["days_left"] <= 30
    assert data["hostname_match"] is True
    assert data["server_hostname"] == "localhost"


# 2.7's ssl.match_hostname, which its check_hostname calls during the
# handshake, cannot match IP Address entries (no ssl._ipaddress_match; 3.5+
# have it, and 3.7+ leave the check to OpenSSL).
STDLIB_MATCHES_IPS = not (
    hasattr(ssl, "match_hostname")
    and not hasattr(ssl, "_ipaddress_match")
    and not hasattr(ssl.SSLContext, "hostname_checks_common_name")
)


def test_good_server_by_ip_address(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["good"].port, "--servername", "127.0.0.1")
    assert data["server_hostname"] == "127.0.0.1"
    if STDLIB_MATCHES_IPS:
        assert data["ok"], data
        return
    # 2.7: the handshake's own check refuses, secureshim's match_hostname
    # disagrees, and replacing the stdlib's function makes the check pass.
    assert data["failure"] == "wrong host" and data["hostname_match"] is True
    result = run_python(
        """
        import sys
        import secureshim
        assert "ssl.match_hostname" in secureshim.inject_into_stdlib(replace_native=True)
        from secureshim.__main__ import main
        sys.exit(main(sys.argv[1:]))
        """,
        args=["check", "127.0.0.1:%d" % servers["good"].port, "--cafile", ca.cert_path],
    )
    assert result.returncode == 0, result.out + result.err
    assert "hostname     matches 127.0.0.1" in result.out


def test_tls10_only_server_is_protocol_too_old(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["tls10"].port)
    assert data["ok"] is False
    assert data["failure"] == "protocol too old", data
    assert data["server_max_version"] == "TLSv1"
    assert "TLSv1" in data["detail"] and "TLSv1.2" in data["detail"]
    # The probe still shows the certificate.
    assert data["certificate"]["sans"] == ["DNS:localhost", "IP Address:127.0.0.1"]


def test_wrong_host(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["wrong"].port)
    assert data["ok"] is False
    assert data["failure"] == "wrong host", data
    assert data["certificate"]["sans"] == ["DNS:wrong.example"]
    if data["hostname_match"] is not None:  # secureshim's match_hostname agrees
        assert data["hostname_match"] is False


def test_expired(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["expired"].port)
    assert data["ok"] is False
    assert data["failure"] == "expired", data
    assert data["certificate"]["expired"] is True
    assert data["certificate"]["days_left"] < 0


def test_untrusted(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["untrusted"].port)
    assert data["ok"] is False
    assert data["failure"] == "untrusted", data
    assert data["certificate"]["issuer"] == "O=secureshim tests, CN=some other CA"


def test_silent_server_times_out_within_the_bound(capsys):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts TCP (backlog) but never speaks TLS
    try:
        start = time.time()
        code = cli.main(["check", "127.0.0.1:%d" % listener.getsockname()[1],
                         "--timeout", "0.5", "--json"])
        elapsed = time.time() - start
    finally:
        listener.close()
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["failure"] == "timeout"
    assert elapsed < 5


def test_closed_port_is_a_connection_failure(capsys):
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    code = cli.main(["check", "127.0.0.1:%d" % port, "--timeout", "2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["failure"] == "connection"


def test_missing_cafile_is_reported(capsys, tmp_path):
    code = cli.main(["check", "127.0.0.1:1", "--cafile", str(tmp_path / "nope.pem"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["failure"] == "cafile"


def test_text_output_end_to_end(pki):
    ca, servers = pki
    result = run_python(
        "import sys; from secureshim.__main__ import main; sys.exit(main(sys.argv[1:]))",
        args=["check", "127.0.0.1:%d" % servers["wrong"].port, "--cafile", ca.cert_path,
              "--timeout", "5"],
    )
    assert result.returncode == 1
    assert "FAILED: wrong host" in result.out
    assert "DNS:wrong.example" in result.out
    assert "does NOT match 127.0.0.1" in result.out
    assert "\x1b[" not in result.out  # not a terminal
    assert "Traceback" not in result.err
    good = run_python(
        "import sys; from secureshim.__main__ import main; sys.exit(main(sys.argv[1:]))",
        args=["check", "127.0.0.1:%d" % servers["good"].port, "--cafile", ca.cert_path,
              "--servername", "localhost"],
    )
    assert good.returncode == 0
    lines = good.out.splitlines()
    assert lines[0] == "check 127.0.0.1:%d (server name localhost)" % servers["good"].port
    assert lines[1].split() == ["result", "OK"]
    # Aligned: every value starts in the same column.
    columns = set(len(line) - len(line[2:].lstrip(" ").split("  ", 1)[-1].lstrip(" "))
                  for line in lines[1:])
    assert len(columns) == 1, good.out


# VERIFY_X509_STRICT in create_default_context(): 3.13+ (gh-107361).
STRICT_BY_DEFAULT = bool(
    getattr(ssl, "VERIFY_X509_STRICT", 0)
    and ssl.create_default_context().verify_flags & ssl.VERIFY_X509_STRICT
)


def test_strict_mode_is_named_as_the_cause(pki, capsys):
    _, servers = pki
    data = check(capsys, servers["lax_ca"], servers["lax"].port)
    if not STRICT_BY_DEFAULT:
        # Before 3.13 the default context does not enforce these rules:
        # the chain is otherwise sound and verifies.
        assert data["ok"] is True and data["x509_strict"] is None, data
        return
    assert data["ok"] is False, data
    assert data["failure"] == "x509 strict", data
    strict = data["x509_strict"]
    # OpenSSL reports the first rule it checks; which one is its business.
    assert strict["verify_code"] in range(78, 95), strict
    assert strict["verify_message"] in data["detail"]
    assert "VERIFY_X509_STRICT" in data["detail"]
    found = set((item["depth"], item["rfc"]) for item in strict["problems"])
    assert found == set([
        (0, "RFC 5280 section 4.2.1.1"),  # the server's certificate: no AKI
        (1, "RFC 5280 section 4.2.1.9"),  # the CA: basicConstraints not critical
        (1, "RFC 5280 section 4.2.1.3"),  # the CA: no keyUsage
    ]), strict["problems"]
    subjects = dict((item["depth"], item["subject"]) for item in strict["problems"])
    assert subjects == {0: "O=secureshim tests, CN=localhost",
                        1: "O=secureshim tests, CN=lax CA"}
    # The retry verified everything else, including the name.
    assert data["hostname_match"] is True
    assert data["certificate"]["issuer"] == "O=secureshim tests, CN=lax CA"


def test_strict_failure_in_text(pki):
    _, servers = pki
    result = run_python(
        "import sys; from secureshim.__main__ import main; sys.exit(main(sys.argv[1:]))",
        args=["check", "127.0.0.1:%d" % servers["lax"].port, "--cafile",
              servers["lax_ca"].cert_path, "--servername", "localhost"],
    )
    if not STRICT_BY_DEFAULT:
        assert result.returncode == 0, result.out + result.err
        return
    assert result.returncode == 1, result.out + result.err
    assert "FAILED: x509 strict" in result.out
    assert re.search(r"\n  strict, CA 1 +this CA certificate has no keyUsage extension", result.out)
    assert re.search(r"\n  strict, server +there is no authorityKeyIdentifier", result.out)
    assert "see strict below" in result.out


def test_strict_retry_keeps_other_failures(pki, capsys):
    """A chain that also fails without strict mode gets that reason."""
    _, servers = pki
    data = check(capsys, servers["lax_ca"], servers["lax"].port, "--servername", "other.example")
    assert data["ok"] is False
    assert data["failure"] == "wrong host", data
    assert data["x509_strict"] is None


def test_key_exchange_group_where_the_interpreter_tells(pki, capsys):
    ca, servers = pki
    data = check(capsys, ca, servers["good"].port)
    probe = socket.create_connection(("127.0.0.1", servers["good"].port), 5)
    context = ssl.create_default_context(cafile=ca.cert_path)
    tls = context.wrap_socket(probe, server_hostname="localhost")
    try:
        group = getattr(tls, "group", None)  # SSLSocket.group(): 3.15+
        expected = group() if group is not None else None
    finally:
        tls.close()
    assert data["key_exchange_group"] == expected


def test_x509_reader_on_good_and_lax_certificates(tmp_path):
    from cryptography import x509 as cx509

    from secureshim._cli import x509

    good_ca = tls_helpers.CA(tmp_path)
    lax_ca = tls_helpers.CA(tmp_path, name=u"lax", lax=("bc_not_critical", "no_key_usage"))

    def der(pem):
        return cx509.load_pem_x509_certificate(pem, tls_helpers._BACKEND).public_bytes(
            tls_helpers.serialization.Encoding.DER)

    def leaf_der(ca, lax=()):
        with open(ca.issue([u"localhost"], lax=lax).path, "rb") as handle:
            return der(handle.read().split(b"-----END CERTIFICATE-----")[0]
                       + b"-----END CERTIFICATE-----\n")

    assert x509.strict_problems([leaf_der(good_ca), der(good_ca.cert_pem)]) == []
    problems = x509.strict_problems([leaf_der(lax_ca, ("no_aki",)), der(lax_ca.cert_pem)])
    assert [(p["depth"], p["rfc"][-7:]) for p in problems] == [
        (0, "4.2.1.1"), (1, "4.2.1.9"), (1, "4.2.1.3")]
    # Garbage is reported, never an exception.
    for junk in (b"", b"\x30", b"\x30\x84\xff\xff\xff\xff", b"\x04\x00", der(good_ca.cert_pem)[:-9]):
        (problem,) = x509.strict_problems([junk])
        assert problem["problem"].startswith("cannot be read")


def run_cli(args, env=None):
    if str is bytes:  # 2.7's subprocess encodes unicode arguments as ASCII
        args = [arg.encode("utf-8") if not isinstance(arg, str) else arg for arg in args]
    return run_python(
        "import sys; from secureshim.__main__ import main; sys.exit(main(sys.argv[1:]))",
        args=args, env=env,
    )


def assert_usage_error(result, message):
    assert result.returncode == cli_main.USAGE_ERROR == 64, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert message in lines[0] and "Traceback" not in result.err


@pytest.mark.parametrize("args, message", [
    (["check"], "arguments"),  # "too few arguments" on 2.7
    (["check", ""], "no host given"),
    (["check", ":443"], "no host given"),
    (["check", "example.com:99999"], "bad port"),
    (["check", "example.com:0"], "bad port"),
    (["check", "example.com:https"], "bad port"),
    (["check", u"example.com:\u00b2"], "bad port"),  # str.isdigit() says yes
    (["check", "example.com:" + "9" * 5000], "bad port"),  # int() refuses 4301+ digits (3.11+)
    (["check", "[::1"], "unclosed"),
    (["check", "[::1]x"], "unexpected"),
    (["check", "[::g]:443"], "not a valid IPv6 address"),
    (["check", "[fe80::1%e/0]"], "bad IPv6 zone"),
    (["check", "bad..host:443"], "empty label"),
    (["check", "." + "a" * 10], "empty label"),
    (["check", "a" * 64 + ".example"], "longer than 63"),
    (["check", ".".join(["a" * 60] * 5)], "longer than a DNS name"),
    (["check", "exa mple.com"], "letters, digits and hyphens"),
    (["check", "user@example.com"], "letters, digits and hyphens"),
    (["check", u"\u00e9" * 60 + ".example"], "not a valid host name"),  # A-label over 63
    (["check", "example.com", "--servername", "bad..name"], "--servername"),
    (["check", "example.com", "--timeout", "-1"], "timeout"),
    (["check", "example.com", "--timeout", "nan"], "timeout"),
    (["check", "example.com", "--timeout", "inf"], "timeout"),
    (["check", "example.com", "--timeout", "soon"], "seconds"),
    (["check", "example.com", "--bogus"], "unrecognized arguments"),
])
def test_bad_arguments_one_line_usage_exit_code(args, message):
    assert_usage_error(run_cli(args), message)


def test_undecodable_arguments_one_line(tmp_path):
    """Bytes that are not UTF-8 (3.x: surrogate escapes) in a host name."""
    result = run_python(
        """
        import os, sys
        from secureshim.__main__ import main
        host = b"caf\\xe9.example"
        if sys.version_info[0] > 2:
            host = os.fsdecode(host)
        sys.exit(main(["check", host]))
        """,
        env={"LC_ALL": "C.UTF-8"},
    )
    assert_usage_error(result, "\\xe9")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs (os.mkfifo) here")
def test_cafile_that_is_not_a_regular_file_is_refused(tmp_path, capsys):
    fifo = str(tmp_path / "fifo.pem")
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    for path in (fifo, str(tmp_path), os.devnull):
        start = time.time()
        code = cli.main(["check", "127.0.0.1:1", "--cafile", path, "--json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 1 and data["failure"] == "cafile", data
        assert "not a regular file" in data["detail"]
        assert time.time() - start < 5


def test_idna_host_is_converted():
    assert _check.parse_target(u"b\u00fccher.example:8443") == ("xn--bcher-kva.example", 8443)
    assert _check.parse_servername(u"B\u00dcCHER.example") == "xn--bcher-kva.example"
    assert _check.parse_target("[fe80::1%eth0]:443") == ("fe80::1%eth0", 443)


@pytest.mark.parametrize("text, expected", [
    ("example.com", ("example.com", 443)),
    ("example.com:8443", ("example.com", 8443)),
    ("127.0.0.1:1", ("127.0.0.1", 1)),
    ("[::1]", ("::1", 443)),
    ("[::1]:8443", ("::1", 8443)),
    ("::1", ("::1", 443)),
])
def test_parse_target(text, expected):
    assert _check.parse_target(text) == expected
