"""python -m secureshim check HOST[:PORT], against local servers on 127.0.0.1.

Servers: a good one, a TLS 1.0-only one, one with a certificate for another
host, one with an expired certificate, one signed by a CA the client does
not trust, one that accepts TCP but never answers, and a closed port.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import socket
import ssl
import time

import pytest

from secureshim import __main__ as cli
from secureshim import _check

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
        yield ca, servers
    finally:
        tls_helpers.close_all(servers.values())


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


@pytest.mark.parametrize("args, message", [
    (["check"], "arguments"),  # "too few arguments" on 2.7
    (["check", ""], "no host given"),
    (["check", ":443"], "no host given"),
    (["check", "example.com:99999"], "bad port"),
    (["check", "example.com:0"], "bad port"),
    (["check", "example.com:https"], "bad port"),
    (["check", "[::1"], "unclosed"),
    (["check", "example.com", "--timeout", "-1"], "timeout"),
    (["check", "example.com", "--timeout", "soon"], "seconds"),
    (["check", "example.com", "--bogus"], "unrecognized arguments"),
])
def test_bad_arguments_one_line_exit_2(args, message):
    result = run_python(
        "import sys; from secureshim.__main__ import main; sys.exit(main(sys.argv[1:]))",
        args=args,
    )
    assert result.returncode == 2, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert message in lines[0] and "Traceback" not in result.err


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
