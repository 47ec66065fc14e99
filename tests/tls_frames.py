"""A TLS server on 127.0.0.1 for protocol-level proofs (MQTT, GELF).

Like ``tls_helpers.Server`` but the conversation after the handshake is the
test's: ``converse(tls)`` reads what the client sends, answers, and returns
what it read. Each connection's record (handshake, version, data, error)
goes to ``records``.
"""
from __future__ import absolute_import, division, print_function

import socket
import ssl
import threading

from . import tls_helpers
from .tls_helpers import TIMEOUT, queue


class FrameServer(object):
    def __init__(self, leaf, converse):
        self.context = tls_helpers.server_context(leaf)
        self.converse = converse
        self.records = queue.Queue()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frame-server-%d" % self.port)
        self._thread.daemon = True
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except (socket.error, OSError) as exc:
                self.records.put({"handshake": False, "error": "accept: %r" % (exc,)})
                continue
            self._handle(conn)

    def _handle(self, conn):
        conn.settimeout(TIMEOUT)
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

    def next_record(self):
        return self.records.get(timeout=2 * TIMEOUT)

    def empty(self):
        return self.records.empty()

    def close(self):
        self._stop.set()
        self._thread.join(4 * TIMEOUT)
        self._listener.close()
        if self._thread.is_alive():
            raise RuntimeError("the frame server on port %d did not stop" % self.port)


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
