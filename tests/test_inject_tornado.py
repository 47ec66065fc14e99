"""The injection proof: unmodified tornado 6.3.3 on Python 3.12+.

tornado 6.3.3's ``SSLIOStream.connect(address, server_hostname=...)``
verifies the host name with ``ssl.match_hostname`` after the handshake
(``SSLIOStream._verify_cert``), so on Python 3.12, which removed that
function (gh-94199), every verified connection dies with AttributeError.
(Its AsyncHTTPClient does not reach that path.) After
``secureshim.inject_into_stdlib()`` the same code connects, and a
certificate for another host is still refused, now by secureshim's
match_hostname.

Each scenario runs in a fresh interpreter: injection changes ``ssl`` for
the whole process. The TLS server is a thread of the test process on
127.0.0.1 with certificates made here.
"""
from __future__ import absolute_import, division, print_function

import json

import pytest

from .conftest import run_python, wasm_lacks

# Before the import check: the runtime's reason is the true one there,
# whatever the requirements pin.
wasm_lacks("subprocesses and sockets (each client is a fresh interpreter)")
pytest.importorskip(
    "tornado", reason="tornado 6.3.3 needs Python 3.8+ (pinned only there)"
)

from . import tls_helpers  # noqa: E402

GREETING = b"hello from secureshim tests\n"

CLIENT = """
import asyncio, json, logging, socket, ssl, sys
logged = []
class Keep(logging.Handler):
    def emit(self, record):
        logged.append(record.getMessage())
logging.getLogger("tornado").addHandler(Keep())
logging.getLogger("tornado").propagate = False
logging.getLogger("asyncio").disabled = True  # the re-raised AttributeError
port, cafile, hostname, mode, inject = sys.argv[1:6]
had_match_hostname = hasattr(ssl, "match_hostname")
changed = None
if inject == "inject":
    import secureshim
    changed = secureshim.inject_into_stdlib()
from tornado.iostream import SSLIOStream, StreamClosedError

if mode == "context":
    # Verify the chain but leave the host name to tornado, which asks
    # ssl.match_hostname: the only host name check is the injected one.
    options = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    options.check_hostname = False
    options.verify_mode = ssl.CERT_REQUIRED
    options.load_verify_locations(cafile)
else:
    # tornado's dict form (its documented ssl_options).
    options = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": cafile}

async def main():
    stream = SSLIOStream(socket.socket(), ssl_options=options)
    try:
        await asyncio.wait_for(
            stream.connect(("127.0.0.1", int(port)), server_hostname=hostname), 10)
        data = await asyncio.wait_for(stream.read_until(b"\\n"), 10)
    except StreamClosedError as exc:  # closed by tornado, maybe with a cause
        error = exc.real_error
        return {"ok": False, "error": type(error).__name__ if error else None,
                "message": str(error)}
    except Exception as exc:  # what tornado's handshake future raised
        return {"ok": False, "error": type(exc).__name__, "message": str(exc)}
    finally:
        stream.close()
    return {"ok": True, "data": data.decode()}

result = asyncio.run(main())
result.update(had_match_hostname=had_match_hostname, changed=changed, logged=logged,
              is_secureshim=inject == "inject" and
              ssl.match_hostname is __import__("secureshim").match_hostname)
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    ca = tls_helpers.CA(tmp_path_factory.mktemp("tornado"))
    # The server speaks first: the client reads one line and closes.
    with tls_helpers.Server(ca.issue(["localhost", "127.0.0.1"]), greeting=GREETING) as good:
        with tls_helpers.Server(ca.issue(["wrong.example"]), greeting=GREETING) as wrong:
            yield ca, good, wrong


def connect(ca, server, hostname, mode, inject):
    result = run_python(
        CLIENT, args=[str(server.port), ca.cert_path, hostname, mode, inject]
    ).check()
    return json.loads(result.out.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["context", "dict"])
def test_without_injection_fails_exactly_where_match_hostname_is_gone(servers, mode):
    ca, good, _ = servers
    out = connect(ca, good, "localhost", mode, "no")
    if out["had_match_hostname"]:  # 3.8-3.11: the stdlib still has it
        assert out["ok"], out
    else:  # 3.12+: proves the test reaches tornado's match_hostname call
        assert not out["ok"]
        assert out["error"] == "AttributeError", out
        assert "match_hostname" in out["message"]


@pytest.mark.parametrize("mode", ["context", "dict"])
def test_after_injection_unmodified_tornado_connects(servers, mode):
    ca, good, _ = servers
    out = connect(ca, good, "localhost", mode, "inject")
    assert out["ok"], out
    assert out["data"] == GREETING.decode()
    # (3.12+ also gets ssl.wrap_socket and RAND_pseudo_bytes; tornado uses neither.)
    assert ("ssl.match_hostname" in out["changed"]) == (not out["had_match_hostname"])
    assert out["is_secureshim"] == (not out["had_match_hostname"])


def test_after_injection_a_wrong_host_certificate_is_refused(servers):
    # "context" mode: OpenSSL checks the chain only, so the refusal comes
    # from the injected ssl.match_hostname.
    ca, _, wrong = servers
    wrong.drain()
    out = connect(ca, wrong, "localhost", "context", "inject")
    assert not out["ok"], out
    # The handshake itself succeeded, on the one connection made.
    assert wrong.next_record()["handshake"]
    assert wrong.records.empty()
    # tornado logs match_hostname's CertificateError and closes the stream.
    assert out["error"] is None
    refusals = [line for line in out["logged"] if line.startswith("Invalid SSL certificate")]
    assert len(refusals) == 1, out["logged"]
    assert "localhost" in refusals[0] and "wrong.example" in refusals[0]


def test_after_injection_the_right_name_on_the_wrong_server_is_refused_by_openssl(servers):
    ca, _, wrong = servers
    out = connect(ca, wrong, "localhost", "dict", "inject")
    assert not out["ok"], out
    assert out["error"] == "SSLCertVerificationError", out
