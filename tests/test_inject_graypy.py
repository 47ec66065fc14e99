"""The wrap_socket injection proof: unmodified graypy 2.1.0 on Python 3.12+.

graypy 2.1.0's ``GELFTLSHandler(host, port, validate=True, ca_certs=...)``
makes its socket with ``ssl.wrap_socket(plain_socket, ca_certs=...,
cert_reqs=CERT_REQUIRED, ...)`` and connects it afterwards. Python 3.12
removed ``ssl.wrap_socket`` (gh-94199), so as shipped no log record ever
leaves. After ``secureshim.inject_into_stdlib()`` records reach a Graylog
stand-in with a trusted certificate (over TLS 1.2 or newer), and a
certificate from another CA is refused during the handshake. (graypy checks
no host name, and ``wrap_socket`` has none to check: that is graypy's gap,
which the docs point out.)

The server is a thread of the test process on 127.0.0.1 that reads
null-terminated GELF frames; each client runs in a fresh interpreter.
"""
from __future__ import absolute_import, division, print_function

import json

import pytest

from .conftest import run_python, wasm_lacks

# Before the import check: the runtime's reason is the true one there,
# whatever the requirements pin.
wasm_lacks("subprocesses and sockets (each client is a fresh interpreter)")
pytest.importorskip(
    "graypy", reason="graypy 2.1.0 is pinned only for Python 3.12+, which lacks ssl.wrap_socket"
)

from . import tls_helpers  # noqa: E402
from .tls_frames import frame_servers, read_until  # noqa: E402

CLIENT = """
import json, logging, ssl, sys
port, cafile, inject = sys.argv[1:4]
had = hasattr(ssl, "wrap_socket")
changed = None
if inject == "inject":
    import secureshim
    changed = secureshim.inject_into_stdlib()
import graypy

handler = graypy.GELFTLSHandler("127.0.0.1", int(port), validate=True, ca_certs=cafile)
out = {"had": had, "changed": changed}
# graypy's own socket factory, to see what it raises (logging would only
# print it through handleError)...
try:
    handler.makeSocket().close()
    out["socket"] = "ok"
except Exception as exc:
    out["error"] = type(exc).__name__
    out["message"] = str(exc)
# ...and a record through logging, as an application sends it.
logger = logging.getLogger("secureshim-test")
logger.propagate = False
logger.addHandler(handler)
logger.error("hello from graypy")
handler.close()
print(json.dumps(out))
"""


def gelf_frames(tls):
    return read_until(tls, b"\x00")


@pytest.fixture(scope="module")
def graylogs(tmp_path_factory):
    ca, servers = frame_servers(str(tmp_path_factory.mktemp("graypy")), gelf_frames)
    yield ca, servers
    tls_helpers.close_all(servers.values())


def send(ca, server, inject):
    result = run_python(CLIENT, args=[str(server.port), ca.cert_path, inject]).check()
    return json.loads(result.out.strip().splitlines()[-1]), result.err


def test_as_shipped_graypy_fails_on_the_missing_ssl_wrap_socket(graylogs):
    ca, servers = graylogs
    out, err = send(ca, servers["good"], "no")
    assert out["had"] is False
    assert out["error"] == "AttributeError", out
    assert "wrap_socket" in out["message"]
    assert "AttributeError" in err  # logging's handleError report
    assert servers["good"].records.empty()


def test_after_injection_graypy_delivers_records_over_tls_1_2_or_newer(graylogs):
    ca, servers = graylogs
    out, _ = send(ca, servers["good"], "inject")
    assert out.get("socket") == "ok", out
    assert "ssl.wrap_socket" in out["changed"]
    first = servers["good"].next_record()  # makeSocket's own connection
    assert first["handshake"] and first["version"] in ("TLSv1.2", "TLSv1.3"), first
    record = servers["good"].next_record()
    assert record["error"] is None, record
    assert record["version"] in ("TLSv1.2", "TLSv1.3")
    frame = json.loads(record["data"].rstrip(b"\x00").decode("utf-8"))
    assert frame["short_message"] == "hello from graypy"


def test_after_injection_a_certificate_from_another_ca_is_refused(graylogs):
    ca, servers = graylogs
    out, err = send(ca, servers["other_ca"], "inject")
    assert out["error"] == "SSLCertVerificationError", out
    assert "certificate verify failed" in out["message"]
    for _ in range(2):  # makeSocket's attempt, then logging's
        record = servers["other_ca"].next_record()
        assert not record["handshake"] and record["data"] == b""
