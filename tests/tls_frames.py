"""A TLS server on 127.0.0.1 for protocol-level proofs (MQTT, GELF).

``tls_helpers.Server`` with the conversation after the handshake left to
the test: ``converse(tls)`` reads what the client sends, answers, and
returns what it read. Each connection's record (handshake, version, data,
error) goes to ``records``.
"""
from __future__ import absolute_import, division, print_function

import socket
import ssl

from . import tls_helpers


class FrameServer(tls_helpers.Server):
    def __init__(self, leaf, converse):
        self.converse = converse  # before the base class starts the thread
        tls_helpers.Server.__init__(self, leaf)

    def _handle(self, conn):
        conn.settimeout(tls_helpers.TIMEOUT)
        record = {"handshake": False, "version": None, "data": b"", "error": None}
        tls = None
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
            record["handshake"] = True
            record["version"] = tls.version()
            record["data"] = self.converse(tls)
        except (ssl.SSLError, socket.error, OSError, ValueError) as exc:
            record["error"] = repr(exc)
        finally:
            if tls is not None:
                tls.close()
            conn.close()
            self.records.put(record)


def frame_servers(directory, converse, **extra_names):
    """A trusted CA, and servers for ``localhost``: ``good`` (that CA),
    ``other_ca`` (another CA), and one more per ``extra_names`` entry
    (name -> the certificate's names, from the trusted CA)."""
    ca = tls_helpers.CA(directory)
    other = tls_helpers.CA(directory, name=u"another CA")
    servers = {
        "good": FrameServer(ca.issue([u"localhost", u"127.0.0.1"]), converse),
        "other_ca": FrameServer(other.issue([u"localhost", u"127.0.0.1"]), converse),
    }
    for name, names in extra_names.items():
        servers[name] = FrameServer(ca.issue(names), converse)
    return ca, servers


def read_until(tls, end, limit=65536):
    """Read until ``end`` (or EOF, or ``limit`` bytes); return what came."""
    data = b""
    while end not in data and len(data) < limit:
        try:
            chunk = tls.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data
