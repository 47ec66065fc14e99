from __future__ import absolute_import, division, print_function

import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "vectors")

# WebAssembly runtimes: Pyodide (sys.platform "emscripten", 3.11+ as a
# CPython platform, PEP 776) and WASI. Neither can start a process or a
# thread, and Pyodide's sockets reach nothing; its ssl is a stub without
# OpenSSL, and cryptography, pyOpenSSL and tornado do not install there.
WASM_RUNTIME = {
    "emscripten": "Pyodide (WebAssembly)",
    "wasi": "WASI (WebAssembly)",
}.get(sys.platform)


def wasm_lacks(what):
    """Skip the calling test (or module, at import) where the runtime has no
    ``what``; the reason names the runtime."""
    if WASM_RUNTIME is not None:
        pytest.skip("%s: no %s" % (WASM_RUNTIME, what), allow_module_level=True)


def _skip_where_missing():
    """On a WebAssembly runtime, a test reaching for a process, a thread or
    a socket is skipped at that point with the runtime's reason, instead of
    failing on an OSError or RuntimeError that says nothing about the code
    under test. Elsewhere nothing is replaced."""
    import socket
    import threading

    def refuse(what):
        def refused(*args, **kwargs):
            wasm_lacks(what)
        return refused

    def refuse_socket(sock, *args, **kwargs):
        # The socket exists but can reach nothing: closed first, so that
        # the skip leaves no ResourceWarning behind for a later test.
        sock.close()
        wasm_lacks("sockets")

    subprocess.Popen.__init__ = refuse("subprocess")
    threading.Thread.start = refuse("threads")
    for name in ("bind", "connect", "connect_ex"):
        setattr(socket.socket, name, refuse_socket)
    socket.socketpair = refuse("sockets")


if WASM_RUNTIME is not None:
    _skip_where_missing()


@pytest.fixture(scope="session", autouse=True)
def _runtime_first_use_warnings():
    """Where pbkdf2's python tier is the one chosen (Pyodide: no OpenSSL),
    its first call warns once per process; that warning is asserted here, in
    the text a Pyodide user sees, so that the tests which call the tier
    directly meet the steady state whatever their order, as everywhere
    else. Elsewhere this does nothing."""
    from secureshim import DegradedSecurityWarning, _pbkdf2

    if sys.platform == "emscripten" and _pbkdf2.PRIMITIVE.choose().name == "python":
        with pytest.warns(DegradedSecurityWarning) as record:
            _pbkdf2.PRIMITIVE.get("pbkdf2_hmac")("sha256", b"password", b"salt", 1)
        message = str(record[0].message)
        assert 'Fix: derive keys with the cryptography package that Pyodide ' in message, message
        assert 'pyodide.loadPackage("cryptography")' in message, message
        assert 'pyodide.loadPackage("hashlib")' in message, message


class Result(object):
    def __init__(self, returncode, out, err):
        self.returncode = returncode
        self.out = out
        self.err = err

    def check(self):
        assert self.returncode == 0, "exit %d\nstdout:\n%s\nstderr:\n%s" % (
            self.returncode,
            self.out,
            self.err,
        )
        return self


_BLOCKER = """\
import sys


class _Refuse(object):
    # Importing these top-level names fails, as where they are not installed.
    names = %r

    def find_module(self, name, path=None):  # 2.7's finder protocol
        if name.split(".")[0] in self.names:
            return self

    def find_spec(self, name, path=None, target=None):  # 3.4+
        if name.split(".")[0] in self.names:
            raise ImportError("blocked " + name)

    def load_module(self, name):
        raise ImportError("blocked " + name)


sys.meta_path.insert(0, _Refuse())
# A .pth file may have imported some already; forget those copies.
for _name in list(sys.modules):
    if _name.split(".")[0] in _Refuse.names:
        del sys.modules[_name]
"""


def block_imports(*names):
    """Code for run_python(): importing the top-level packages ``names``
    fails from then on, as in an interpreter that lacks them."""
    return _BLOCKER % (tuple(names),)


def run_python(code, env=None, args=(), cwd=None, prelude=""):
    """Run ``code`` in a fresh interpreter (the one running the tests).

    ``code`` is dedented and runs after ``prelude`` (for example
    :func:`block_imports`). ``env`` entries are added to (or, with value
    None, removed from) the current environment. SECURESHIM_FORCE is
    removed unless given.
    """
    full_env = dict(os.environ)
    full_env.pop("SECURESHIM_FORCE", None)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    proc = subprocess.Popen(
        [sys.executable, "-c", prelude + textwrap.dedent(code)] + list(args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=cwd,
    )
    out, err = proc.communicate()
    return Result(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


@pytest.fixture
def rearm_warnings():
    """Make secureshim's first-use warnings due again around a test."""
    from secureshim import _warn

    armed = set(_warn._armed)
    _warn.rearm()
    yield
    # Warnings the test armed (pbkdf2's per-digest ones) would otherwise be
    # findings in later tests' reports.
    for key in set(_warn._armed) - armed:
        del _warn._armed[key]
        del _warn.pending(key)[:]
    _warn.rearm()


def _import_cryptography_quietly():
    """cryptography warns at import on 2.7 and 3.6 that it will drop them;
    with warnings as errors that would fail whichever test imports it
    first, so it is imported here, once, with that warning ignored."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import cryptography.x509  # noqa: F401
        except ImportError:
            pass


_import_cryptography_quietly()
