"""Why inject before importing: unmodified thrift 0.20.0 on Python 3.12+.

thrift's ``sslcompat`` decides at import how to check host names: ``from
ssl import match_hostname``, and when that fails (3.12 removed it,
gh-94199) ``legacy_validate_callback``, which compares the host name with
the certificate's commonName only. ``TSSLSocket``'s own context leaves
``check_hostname`` off, so that callback is the only name check: a
certificate whose subjectAltName names another host but whose commonName
says ``localhost`` is accepted for ``localhost``. Injecting before
``import thrift`` gives it the real check back; injecting after changes
nothing for it.

The server is a thread of the test process on 127.0.0.1; each client runs
in a fresh interpreter.
"""
from __future__ import absolute_import, division, print_function

import json

import pytest

from .conftest import run_python, wasm_lacks

# Before the import check: the runtime's reason is the true one there,
# whatever the requirements pin.
wasm_lacks("subprocesses and sockets (each client is a fresh interpreter)")
pytest.importorskip(
    "thrift", reason="thrift 0.20.0 is pinned only for Python 3.12+, which lacks ssl.match_hostname"
)

from . import tls_helpers  # noqa: E402

CLIENT = """
import json, ssl, sys, warnings
# thrift 0.20 makes SSLContext(PROTOCOL_SSLv23), deprecated in 3.10+.
warnings.simplefilter("ignore", DeprecationWarning)
port, cafile, when = sys.argv[1:4]
if when == "before":
    import secureshim
    secureshim.inject_into_stdlib()
from thrift.transport import TSSLSocket, sslcompat
if when == "after":
    import secureshim
    secureshim.inject_into_stdlib()
out = {"callback": sslcompat._match_hostname.__name__}
sock = TSSLSocket.TSSLSocket("localhost", int(port), cert_reqs=ssl.CERT_REQUIRED, ca_certs=cafile)
try:
    sock.open()
    out["ok"] = True
    sock.close()
except Exception as exc:
    out["ok"] = False
    out["error"] = type(exc).__name__
    out["message"] = str(exc)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    ca = tls_helpers.CA(tmp_path_factory.mktemp("thrift"))
    good = tls_helpers.Server(ca.issue([u"localhost"]))
    # The subjectAltName names another host; the commonName says localhost.
    cn_only = tls_helpers.Server(ca.issue([u"other.example"], common_name=u"localhost"))
    yield ca, good, cn_only
    tls_helpers.close_all([good, cn_only])


def connect(ca, server, when):
    server.drain()
    result = run_python(CLIENT, args=[str(server.port), ca.cert_path, when]).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    server.next_record()
    return out


def test_as_shipped_thrift_accepts_a_certificate_for_another_host(servers):
    ca, _, cn_only = servers
    out = connect(ca, cn_only, "never")
    assert out["callback"] == "legacy_validate_callback"
    assert out["ok"], out  # the hole the docs describe


def test_injection_before_import_gives_thrift_the_real_check(servers):
    ca, good, cn_only = servers
    out = connect(ca, cn_only, "before")
    assert out["callback"] == "match_hostname"
    assert not out["ok"], out
    assert "other.example" in out["message"] and "localhost" in out["message"], out
    # Control: the right certificate still connects.
    assert connect(ca, good, "before")["ok"]


def test_injection_after_import_is_too_late(servers):
    ca, _, cn_only = servers
    out = connect(ca, cn_only, "after")
    assert out["callback"] == "legacy_validate_callback"
    assert out["ok"], out
