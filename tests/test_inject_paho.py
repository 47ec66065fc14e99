"""The wrap_socket injection proof: unmodified paho-mqtt 1.2.3 on Python 3.12+.

paho-mqtt 1.2.3's ``Client.reconnect`` wraps its socket with
``ssl.wrap_socket(..., ca_certs=..., cert_reqs=CERT_REQUIRED,
ssl_version=PROTOCOL_TLSv1)`` and then checks the broker's name with
``ssl.match_hostname(self._ssl.getpeercert(), self._host)``. Python 3.12
removed both (gh-94199), so as shipped every TLS connection dies with
AttributeError. After ``secureshim.inject_into_stdlib()`` the same code
connects to a broker with a trusted certificate (over TLS 1.2 or newer,
although paho asks for PROTOCOL_TLSv1), refuses one from another CA during
the handshake, and refuses one for another host through paho's own
``ssl.match_hostname`` call.

The broker is a thread of the test process on 127.0.0.1 that answers
CONNECT with CONNACK; each client runs in a fresh interpreter, because
injection changes ``ssl`` for the whole process.
"""
from __future__ import absolute_import, division, print_function

import json

import pytest

from .conftest import run_python, wasm_lacks

# Before the import check: the runtime's reason is the true one there,
# whatever the requirements pin.
wasm_lacks("subprocesses and sockets (each client is a fresh interpreter)")
pytest.importorskip(
    "paho.mqtt.client",
    reason="paho-mqtt 1.2.3 is pinned only for Python 3.12+, which lacks ssl.wrap_socket",
)

from . import tls_helpers  # noqa: E402
from .tls_frames import frame_servers, read_until  # noqa: E402

CONNACK = b"\x20\x02\x00\x00"  # MQTT 3.1.1: session present 0, return code 0

CLIENT = """
import json, ssl, sys, time
port, cafile, inject = sys.argv[1:4]
had = dict((name, hasattr(ssl, name)) for name in ("wrap_socket", "match_hostname"))
changed = None
if inject == "inject":
    import secureshim
    changed = secureshim.inject_into_stdlib()
import paho.mqtt.client as mqtt

connected = []
client = mqtt.Client(client_id="secureshim-test")
client.on_connect = lambda client, userdata, flags, rc: connected.append(rc)
client.tls_set(cafile)  # paho's defaults: CERT_REQUIRED, PROTOCOL_TLSv1
out = {"had": had, "changed": changed}
try:
    client.connect("localhost", int(port), keepalive=10)
    deadline = time.time() + 10
    while not connected and time.time() < deadline:
        client.loop(timeout=0.2)
    out["connected"] = connected
    client.disconnect()
except Exception as exc:
    out["error"] = type(exc).__name__
    out["message"] = str(exc)
print(json.dumps(out))
"""


def mqtt_connect(tls):
    """Read one CONNECT packet, answer CONNACK, wait for the client to go."""
    data = b""
    while not _complete(data):
        chunk = tls.recv(4096)
        if not chunk:
            return data
        data += chunk
    tls.sendall(CONNACK)
    return data + read_until(tls, b"\xe0\x00")  # DISCONNECT


def _complete(data):
    """A whole MQTT packet: type byte, remaining length (varint), body."""
    length, shift, index = 0, 0, 1
    while index < len(data):
        byte = bytearray(data[index:index + 1])[0]
        length += (byte & 0x7F) << shift
        index += 1
        if not byte & 0x80:
            return len(data) >= index + length
        shift += 7
    return False


@pytest.fixture(scope="module")
def brokers(tmp_path_factory):
    ca, servers = frame_servers(str(tmp_path_factory.mktemp("paho")), mqtt_connect,
                                other_host=[u"wrong.example"])
    yield ca, servers
    tls_helpers.close_all(servers.values())


def connect(ca, server, inject):
    result = run_python(CLIENT, args=[str(server.port), ca.cert_path, inject]).check()
    return json.loads(result.out.strip().splitlines()[-1])


def test_as_shipped_paho_fails_on_the_missing_ssl_wrap_socket(brokers):
    ca, servers = brokers
    out = connect(ca, servers["good"], "no")
    assert out["had"] == {"wrap_socket": False, "match_hostname": False}, out
    assert out["error"] == "AttributeError", out
    assert "wrap_socket" in out["message"]
    # The TCP connection was made; no TLS ever came over it.
    record = servers["good"].next_record()
    assert not record["handshake"] and record["data"] == b"", record


def test_after_injection_paho_connects_over_tls_1_2_or_newer(brokers):
    ca, servers = brokers
    out = connect(ca, servers["good"], "inject")
    assert out.get("connected") == [0], out
    assert {"ssl.wrap_socket", "ssl.match_hostname"} <= set(out["changed"])
    record = servers["good"].next_record()
    assert record["error"] is None, record
    # paho asked for PROTOCOL_TLSv1; secureshim pins that to TLS 1.2+.
    assert record["version"] in ("TLSv1.2", "TLSv1.3")
    assert record["data"].startswith(b"\x10")  # paho's CONNECT
    assert b"secureshim-test" in record["data"]


def test_after_injection_a_certificate_from_another_ca_is_refused(brokers):
    ca, servers = brokers
    out = connect(ca, servers["other_ca"], "inject")
    assert out["error"] == "SSLCertVerificationError", out
    record = servers["other_ca"].next_record()
    assert not record["handshake"]


def test_after_injection_a_certificate_for_another_host_is_refused_by_match_hostname(brokers):
    ca, servers = brokers
    out = connect(ca, servers["other_host"], "inject")
    # The chain is trusted, so the handshake completes; paho's own
    # ssl.match_hostname call (now secureshim's) refuses the name.
    assert out["error"] == "SSLCertVerificationError" or out["error"] == "CertificateError", out
    assert "wrong.example" in out["message"] and "localhost" in out["message"], out
    record = servers["other_host"].next_record()
    assert record["handshake"]
    assert record["data"] == b""  # no CONNECT was sent
