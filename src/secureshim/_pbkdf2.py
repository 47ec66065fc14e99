"""pbkdf2_hmac: hashlib's OpenSSL function, libcrypto through ctypes, or Python.

Tiers, best first:

``native``
    ``hashlib.pbkdf2_hmac`` when it is ``_hashlib``'s C function, that is
    OpenSSL's ``PKCS5_PBKDF2_HMAC`` (2.7.8+ and 3.4+ built against an
    OpenSSL that has it), or PyPy's, which calls the same OpenSSL function
    through cffi. CPython's own pure-Python fallback, which 2.7.8+ and
    3.4-3.11 put in ``hashlib`` when ``_hashlib`` lacks the function, does
    not count: it is about 4x slower than OpenSSL.
``openssl``
    The same libcrypto function called through ``ctypes``: the libcrypto
    that the interpreter's ``_hashlib`` or ``_ssl`` links, else the system
    one. As fast as ``native`` (ctypes releases the GIL around the call),
    and there on interpreters whose ``hashlib`` cannot use it (before
    2.7.8, the Python fallback, 3.12+ built without OpenSSL but running
    where a libcrypto exists).
``python``
    secureshim's own PBKDF2 over ``hashlib`` digest objects, for any digest
    that ``hashlib.new`` knows. The HMAC key schedule (the inner and outer
    states after the padded key) is computed once and ``copy()``-ed per
    iteration, and the XOR of the U_i is not done one digest at a time:
    the digests of a chunk are joined, turned into one integer and folded
    in halves, so the per-iteration Python work is the six digest-object
    calls and an ``append``. Warns at first use: still 2-3x slower than
    OpenSSL on CPython (10x or more on PyPy, whose digest objects go
    through cffi), so a time budget buys fewer iterations.

Errors: the ``native`` tier is the interpreter's own function, so its
errors are the stdlib's by identity (PyPy's differ from CPython's for some
bad input; docs/pbkdf2.md lists how). The ``openssl`` and ``python`` tiers
follow one reference on every interpreter, CPython's C function (3.10+):
the same argument types, checks in the same order and the same exception
types. Both are always defined, so they can be tested beside the native
one on every interpreter.
"""
from __future__ import absolute_import, division, print_function

import hashlib
import os
import struct
import sys
import threading
from binascii import hexlify, unhexlify
from itertools import repeat

from . import _detect, _tier, _warn
from ._buffer import PEP688, simple_buffer
from ._cint import INT_MAX as _INT_MAX
from ._cint import c_long as _c_long
from ._compat import PY2, exact
from ._typing import TYPE_CHECKING
from .exceptions import DegradedSecurityWarning

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Optional, Tuple, Type  # noqa: F401



# The class of the stdlib's "unsupported hash type" error: a ValueError,
# or _hashlib.UnsupportedDigestmodError, its subclass, which the C function
# raises on 3.11+ (3.10 has the class but raises a plain ValueError there).
# Asked of the C function itself on the first unknown name.
_unsupported_class = []  # type: List[Type[ValueError]]


def _unsupported(name):
    # type: (object) -> ValueError
    if not _unsupported_class:
        cls = ValueError  # type: Type[ValueError]
        if _detect.PBKDF2_HMAC_OPENSSL:
            try:
                hashlib.pbkdf2_hmac("secureshim-no-such-digest", b"", b"", 1)
            except ValueError as exc:
                cls = type(exc)
        _unsupported_class.append(cls)
    return _unsupported_class[0]("unsupported hash type %s" % (name,))


def _no_hmac(name):
    # type: (str) -> ValueError
    # A plain ValueError, as the C function's failing OpenSSL call gives.
    return ValueError(
        "pbkdf2_hmac: digest %s has no fixed output size, so no HMAC can be "
        "built on it" % (name,)
    )


# --------------------------------------------------------------------------
# Argument checks shared by the openssl and python tiers. They run in the
# order of _hashlib.pbkdf2_hmac's: argument conversion (hash_name, password,
# salt, iterations), then the digest lookup, then the value checks.


def _hash_name(hash_name):
    # type: (Any) -> str
    if PY2:
        # 2.7's "s" argument format: str, or unicode in the default (ASCII)
        # encoding; embedded NULs are a TypeError there.
        if isinstance(hash_name, unicode):  # noqa: F821
            hash_name = unicode.encode(exact(hash_name, unicode), "ascii")  # noqa: F821
        if not isinstance(hash_name, str):
            raise TypeError(
                "pbkdf2_hmac() argument 'hash_name' must be string, not %s"
                % type(hash_name).__name__
            )
        hash_name = exact(hash_name, str)
        if "\0" in hash_name:
            raise TypeError(
                "pbkdf2_hmac() argument 'hash_name' must be string without "
                "null bytes"
            )
        return hash_name
    if not isinstance(hash_name, str):
        raise TypeError(
            "pbkdf2_hmac() argument 'hash_name' must be str, not %s"
            % type(hash_name).__name__
        )
    name = exact(hash_name, str)  # type: str
    if "\0" in name:
        raise ValueError("embedded null character")
    return name


def _buffer(value):
    # type: (Any) -> bytes
    """``value``'s bytes, accepting what the C function's ``y*``/``s*`` does."""
    if type(value) is bytes:
        return value
    if PY2:
        if isinstance(value, unicode):  # noqa: F821
            # "s*" encodes unicode in the default encoding; non-ASCII raises
            # UnicodeEncodeError, as there.
            # exact(): a unicode subclass's own encode() must not pick the
            # password that is derived from.
            return unicode.encode(exact(value, unicode), "ascii")  # noqa: F821
        if isinstance(value, (bytes, bytearray)):
            # Their own slot, not bytes(): a subclass's __str__ must not
            # choose the password.
            return memoryview(value).tobytes()
        try:
            return simple_buffer(value)[0]
        except TypeError:
            pass
        try:
            # Objects with only the old buffer interface (array.array).
            return bytes(buffer(value))  # noqa: F821
        except TypeError:
            raise TypeError(
                "must be string or buffer, not %s" % type(value).__name__
            )
    try:
        # PyBUF_SIMPLE, as the C function's y* asks: each exporter's own
        # refusal of a non-contiguous layout (BufferError, numpy's
        # ValueError), any number of dimensions.
        return simple_buffer(value)[0]
    except TypeError:
        if PEP688 and hasattr(type(value), "__buffer__"):
            raise  # the exporter's own TypeError
        # A str (subclass) is refused here, unless it exports a buffer
        # (PEP 688), as the C function's y* format does.
        raise TypeError(
            "a bytes-like object is required, not %r" % type(value).__name__
        )


def _arguments(hash_name, password, salt, iterations):
    # type: (Any, Any, Any, Any) -> Tuple[str, bytes, bytes, int]
    return (
        _hash_name(hash_name),
        _buffer(password),
        _buffer(salt),
        _c_long(iterations),
    )


def _check_values(name, password, salt, iterations, dklen, digest_size):
    # type: (str, bytes, bytes, int, Any, int) -> int
    """Check the values after the digest lookup; return the key length.

    A digest without output (SHAKE, OpenSSL's "null") has no HMAC: refused
    last, after every value check, where the C function's OpenSSL call
    fails (PKCS5_PBKDF2_HMAC of it would loop on nothing)."""
    if len(password) > _INT_MAX:
        raise OverflowError("password is too long.")
    if len(salt) > _INT_MAX:
        raise OverflowError("salt is too long.")
    if iterations < 1:
        raise ValueError("iteration value must be greater than 0.")
    if iterations > _INT_MAX:
        raise OverflowError("iteration value is too great.")
    if dklen is None:
        dklen = digest_size
    else:
        dklen = _c_long(dklen)
    if dklen < 1:
        raise ValueError("key length must be greater than 0.")
    if dklen > _INT_MAX:
        raise OverflowError("key length is too great.")
    if not digest_size:
        raise _no_hmac(name)
    return int(dklen)


# --------------------------------------------------------------------------
# openssl tier: PKCS5_PBKDF2_HMAC through ctypes.

# Python's names for digests that OpenSSL spells differently, as
# _hashlib maps them (3.9+); any other name goes to OpenSSL as it is, whose
# lookup ignores case and knows aliases such as "SHA-256".
_OPENSSL_NAMES = {
    "sha3_224": "SHA3-224",
    "sha3_256": "SHA3-256",
    "sha3_384": "SHA3-384",
    "sha3_512": "SHA3-512",
    "sha512_224": "SHA512-224",
    "sha512_256": "SHA512-256",
    "blake2b": "BLAKE2B512",
    "blake2s": "BLAKE2S256",
    "shake_128": "SHAKE128",
    "shake_256": "SHAKE256",
}

# Sonames of libcrypto, newest first, tried when no extension module of the
# interpreter leads to one. An unversioned "libcrypto.dylib" is left out on
# purpose: macOS aborts a process that loads the system one.
_SONAMES = (
    "libcrypto.so.3",
    "libcrypto.so.1.1",
    "libcrypto.so.1.0.0",
    "libcrypto.so.10",
    "libcrypto.3.dylib",
    "libcrypto.1.1.dylib",
    "libcrypto-3-x64",
    "libcrypto-3",
    "libcrypto-1_1-x64",
    "libcrypto-1_1",
)


class _LibCrypto(object):
    """The few libcrypto functions the openssl tier calls, with their types."""

    def __init__(self, cdll, path):
        # type: (Any, str) -> None
        import ctypes

        self.path = path
        # The handle itself: for a libcrypto built into the executable,
        # ``path`` names the executable, which dlopen cannot open again.
        self.cdll = cdll
        self._ctypes = ctypes
        # Missing symbols raise AttributeError: the caller falls through.
        pbkdf2 = cdll.PKCS5_PBKDF2_HMAC
        pbkdf2.argtypes = [
            ctypes.c_char_p, ctypes.c_int,  # password
            ctypes.c_char_p, ctypes.c_int,  # salt
            ctypes.c_int,  # iterations
            ctypes.c_void_p,  # const EVP_MD *
            ctypes.c_int, ctypes.c_void_p,  # key length, output buffer
        ]
        pbkdf2.restype = ctypes.c_int
        self.pbkdf2 = pbkdf2
        by_name = cdll.EVP_get_digestbyname
        by_name.argtypes = [ctypes.c_char_p]
        by_name.restype = ctypes.c_void_p
        self.by_name = by_name
        # EVP_MD_size became a macro for EVP_MD_get_size in OpenSSL 3.0.
        md_size = getattr(cdll, "EVP_MD_get_size", None)
        if md_size is None:
            md_size = cdll.EVP_MD_size
        md_size.argtypes = [ctypes.c_void_p]
        md_size.restype = ctypes.c_int
        self.md_size = md_size
        get_error = cdll.ERR_get_error
        get_error.argtypes = []
        get_error.restype = ctypes.c_ulong
        self.get_error = get_error
        error_string = cdll.ERR_error_string_n
        error_string.argtypes = [ctypes.c_ulong, ctypes.c_char_p, ctypes.c_size_t]
        error_string.restype = None
        self.error_string = error_string
        # OpenSSL 1.0 finds digests by name only after this; 1.1+ does it
        # by itself and has no such symbol.
        add_digests = getattr(cdll, "OpenSSL_add_all_digests", None)
        if add_digests is not None:
            add_digests.argtypes = []
            add_digests.restype = None
            add_digests()
        # name -> (EVP_MD pointer, digest size); pointers stay valid for the
        # life of the library.
        self.digests = {}  # type: Dict[str, Tuple[int, int]]

    def digest(self, name):
        # type: (str) -> Optional[Tuple[int, int]]
        found = self.digests.get(name)
        if found is not None:
            return found
        # Only names this interpreter's hashlib knows, as the C function
        # (OpenSSL's lookup also takes aliases such as "RSA-SHA256", and
        # finds digests that a provider then refuses to run, such as md4).
        try:
            hashlib.new(name)
        except ValueError:
            # PyPy's hashlib.new (OpenSSL through cffi) leaves the reasons
            # for refusing a digest, such as md4 under OpenSSL 3, in the
            # queue that ours shares; CPython's _hashlib takes them out.
            self.clear_errors()
            raise _unsupported(name)
        openssl_name = _OPENSSL_NAMES.get(name, name)
        encoded = openssl_name if PY2 else openssl_name.encode("utf-8")
        md = self.by_name(encoded)
        if not md:
            # hashlib knows the digest but this libcrypto does not.
            self.clear_errors()
            return None
        # OpenSSL's "null" digest has size 0: found, as the C function finds
        # it, and refused by the value checks (dklen) or by the derivation.
        self.digests[name] = found = (md, max(self.md_size(md), 0))
        return found

    def clear_errors(self):
        # type: () -> str
        """Empty this thread's OpenSSL error queue; return its first entry.

        The queue is shared with ``_ssl`` and ``_hashlib``, which read it
        after their own failures, so nothing may be left in it.
        """
        first = 0
        while True:
            code = self.get_error()
            if not code:
                break
            first = first or code
        if not first:
            return ""
        text = self._ctypes.create_string_buffer(256)
        self.error_string(first, text, len(text))
        return text.value.decode("ascii", "replace")

    def derive(self, md, password, salt, iterations, dklen):
        # type: (int, bytes, bytes, int, int) -> bytes
        out = self._ctypes.create_string_buffer(dklen)
        ok = self.pbkdf2(
            password, len(password), salt, len(salt), iterations, md, dklen, out
        )
        if ok != 1:
            # A digest OpenSSL names but cannot run (legacy provider, XOF).
            reason = self.clear_errors()
            raise ValueError(
                "PKCS5_PBKDF2_HMAC failed: %s" % (reason or "no reason supplied")
            )
        return out.raw


def _extension_paths():
    # type: () -> List[Optional[str]]
    """Files of the interpreter's OpenSSL-linked extension modules.

    Loading one (again) with ``dlopen`` and looking a symbol up in it also
    searches the libraries it links, which is where libcrypto is. ``None``
    stands for the interpreter itself, when the module is built in.
    """
    paths = []  # type: List[Optional[str]]
    for name in ("_hashlib", "_ssl"):
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if path is None:
            path = _find_extension(name)
        if path == "built-in" or (module is not None and path is None):
            # Built into the executable: dlopen(NULL) reaches its symbols.
            if os.name == "posix":
                paths.append(None)
        elif path is not None:
            paths.append(path)
    return paths


def _find_extension(name):
    # type: (str) -> Optional[str]
    """Where ``import name`` would load an extension module from, if it is one."""
    try:
        from importlib.util import find_spec
    except ImportError:  # 2.7: imp has no DeprecationWarning there
        import imp

        try:
            handle, path, description = imp.find_module(name)
        except ImportError:
            return None
        if handle is not None:
            handle.close()
        if description[2] == imp.C_BUILTIN:
            return "built-in"
        return path if description[2] == imp.C_EXTENSION else None
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    return spec.origin


def _open_libcrypto():
    # type: () -> Tuple[Optional[_LibCrypto], str]
    """Load libcrypto's PBKDF2 through ctypes: (library, "") or (None, why)."""
    try:
        import ctypes
        import ctypes.util
    except ImportError as exc:
        return None, "ctypes cannot be imported (%s)" % exc
    candidates = list(_extension_paths())  # type: List[Optional[str]]
    candidates.extend(_SONAMES)
    if sys.platform != "darwin":
        found = ctypes.util.find_library("crypto")
        if found:
            candidates.append(found)
    tried = []
    for candidate in candidates:
        try:
            cdll = ctypes.CDLL(candidate)
        except OSError:
            continue
        try:
            return _LibCrypto(cdll, candidate or sys.executable), ""
        except AttributeError as exc:
            tried.append("%s: %s" % (candidate or sys.executable, exc))
    if tried:
        return None, "no libcrypto with PKCS5_PBKDF2_HMAC (%s)" % "; ".join(tried)
    return None, "no libcrypto found"


_lock = threading.Lock()
_loaded = []  # type: List[Tuple[Optional[_LibCrypto], str]]


def _libcrypto():
    # type: () -> Tuple[Optional[_LibCrypto], str]
    """The loaded library (or why there is none), looked for once."""
    if not _loaded:
        with _lock:
            if not _loaded:
                _loaded.append(_open_libcrypto())
    return _loaded[0]


def libcrypto_path():
    # type: () -> Optional[str]
    """The file the ``openssl`` tier calls libcrypto through, or None."""
    lib = _libcrypto()[0]
    return lib.path if lib is not None else None


def _openssl(hash_name, password, salt, iterations, dklen, python_fallback):
    # type: (str, Any, Any, int, Optional[int], bool) -> bytes
    name, password, salt, iterations = _arguments(
        hash_name, password, salt, iterations
    )
    lib, why = _libcrypto()
    if lib is None:
        raise RuntimeError(
            "pbkdf2_hmac: the openssl tier cannot run here: %s" % why
        )
    found = lib.digest(name)
    if found is None:
        if not python_fallback:
            # hashlib knows the name (or lib.digest raised): the C function
            # would have found it and checked the values first.
            size = hashlib.new(name).digest_size
            _check_values(name, password, salt, iterations, dklen, size)
            raise _unsupported(name)
        _warn.fire(
            _warn.armed(
                "pbkdf2_hmac." + name,
                _warn.message(
                    "pbkdf2_hmac",
                    "this libcrypto has no %s digest, so secureshim's python "
                    "tier (pure Python: 2-3x slower than OpenSSL on CPython, "
                    "10x or more on PyPy) derives %s keys" % (name, name),
                    "use a digest OpenSSL provides, such as sha256",
                ),
                DegradedSecurityWarning,
            ),
            stacklevel=3,
        )
        return python_pbkdf2_hmac(name, password, salt, iterations, dklen)
    md, size = found
    dklen = _check_values(name, password, salt, iterations, dklen, size)
    return lib.derive(md, password, salt, iterations, dklen)


def openssl_pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None):
    # type: (str, Any, Any, int, Optional[int]) -> bytes
    """Password-based key derivation function 2, HMAC as pseudorandom function.

    secureshim's ``openssl`` tier: libcrypto's ``PKCS5_PBKDF2_HMAC``
    through ``ctypes``, with the arguments and errors of
    ``hashlib.pbkdf2_hmac``. Raises ``RuntimeError`` when libcrypto cannot
    be loaded here (no ctypes, no libcrypto, no such function), and
    "unsupported hash type" for a digest hashlib knows but libcrypto does not
    (the public function derives those with the python tier instead).
    """
    return _openssl(hash_name, password, salt, iterations, dklen, False)


def _openssl_then_python(hash_name, password, salt, iterations, dklen=None):
    # type: (str, Any, Any, int, Optional[int]) -> bytes
    """``pbkdf2_hmac`` on the openssl tier: libcrypto, and the python tier
    (with a warning) for digests hashlib has but libcrypto lacks."""
    return _openssl(hash_name, password, salt, iterations, dklen, True)


# --------------------------------------------------------------------------
# python tier.

_IPAD = bytes(bytearray(x ^ 0x36 for x in range(256)))
_OPAD = bytes(bytearray(x ^ 0x5C for x in range(256)))
_pack_block = struct.Struct(">I").pack

# Digests per XOR fold. Larger chunks fold with fewer big-int passes but
# keep more digest objects alive; 1024 (20-64 kB of digests) measured best
# on 2.7, 3.6 and 3.11 (64 and 4096 were 3-10% slower).
_CHUNK = 1024

if PY2:

    def _to_int(data):
        # type: (bytes) -> int
        return int(hexlify(data), 16)

    def _to_bytes(value, size):
        # type: (int, int) -> bytes
        return unhexlify(b"%0*x" % (2 * size, value))

else:
    _from_bytes = int.from_bytes

    def _to_int(data):
        # type: (bytes) -> int
        return _from_bytes(data, "big")

    def _to_bytes(value, size):
        # type: (int, int) -> bytes
        return value.to_bytes(size, "big")


def _xor_fold(value, bits, count):
    # type: (int, int, int) -> int
    """XOR of the ``count`` words of ``bits`` bits that make up ``value``.

    Halving the number of words each round costs a few big-int operations
    in C over the whole chunk instead of a Python step per word.
    """
    result = 0
    while count > 1:
        if count & 1:
            result ^= value & ((1 << bits) - 1)
            value >>= bits
            count -= 1
        count >>= 1
        half = count * bits
        value = (value >> half) ^ (value & ((1 << half) - 1))
    return result ^ value


def _derive(inner, outer, salt, iterations, dklen):
    # type: (Any, Any, bytes, int, int) -> bytes
    """PBKDF2 from the HMAC states after the inner and outer padded key."""
    size = outer.digest_size
    bits = size * 8
    icopy, ocopy = inner.copy, outer.copy
    blocks = []
    for index in range(1, -(-dklen // size) + 1):
        i = icopy()
        i.update(salt + _pack_block(index))
        o = ocopy()
        o.update(i.digest())
        u = o.digest()
        total = _to_int(u)
        left = iterations - 1
        while left:
            count = left if left < _CHUNK else _CHUNK
            left -= count
            chunk = []  # type: List[bytes]
            append = chunk.append
            for _ in repeat(None, count):
                i = icopy()
                i.update(u)
                o = ocopy()
                o.update(i.digest())
                u = o.digest()
                append(u)
            total ^= _xor_fold(_to_int(b"".join(chunk)), bits, count)
        blocks.append(_to_bytes(total, size))
    return b"".join(blocks)[:dklen]


def python_pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None):
    # type: (str, Any, Any, int, Optional[int]) -> bytes
    """Password-based key derivation function 2, HMAC as pseudorandom function.

    secureshim's pure-Python tier, with the arguments and errors of
    ``hashlib.pbkdf2_hmac``, for any digest ``hashlib.new`` knows (and
    names as ``hashlib.new`` does). What ``secureshim.pbkdf2_hmac`` is when
    neither OpenSSL's function nor libcrypto can be reached; its first call
    then issues a :class:`~secureshim.DegradedSecurityWarning`.
    """
    if _first_use:
        _warn.fire(_first_use)
    name, password, salt, iterations = _arguments(
        hash_name, password, salt, iterations
    )
    try:
        inner = hashlib.new(name)
    except ValueError:
        # hashlib.new's own ValueError, as the C function's class (3.10+).
        raise _unsupported(name)
    size = inner.digest_size
    dklen = _check_values(name, password, salt, iterations, dklen, size)
    block_size = inner.block_size
    if len(password) > block_size:
        password = hashlib.new(name, password).digest()
    key = password.ljust(block_size, b"\0")
    inner.update(key.translate(_IPAD))
    outer = hashlib.new(name)
    outer.update(key.translate(_OPAD))
    return _derive(inner, outer, salt, iterations, dklen)


# --------------------------------------------------------------------------
# The tiers, best first.

# Filled when the python tier is chosen; its first call then warns.
_first_use = _warn.pending("pbkdf2_hmac")


def _openssl_probe():
    # type: () -> bool
    # Loading libcrypto imports ctypes; the chooser asks only when the native
    # tier cannot run or the openssl tier is forced.
    return _libcrypto()[0] is not None


def _python_reason():
    # type: () -> str
    if _on_pyodide():
        return "Pyodide's hashlib has no pbkdf2_hmac (no OpenSSL under WebAssembly)"
    if _detect.HAS_PBKDF2_HMAC:
        stdlib = "hashlib.pbkdf2_hmac here is CPython's pure-Python fallback"
    else:
        stdlib = "this interpreter has no hashlib.pbkdf2_hmac"
    return "%s and libcrypto cannot be called through ctypes: %s" % (
        stdlib, _libcrypto()[1])


def _on_pyodide():
    # type: () -> bool
    # Pyodide: no native libcrypto exists under WebAssembly, so installing
    # OpenSSL does nothing; OpenSSL compiled to WebAssembly comes only as
    # Pyodide packages (314.x ships no "hashlib" one).
    return sys.platform == "emscripten" and not _detect.HAS_PBKDF2_HMAC


def _python_fix():
    # type: () -> str
    if _on_pyodide():
        # The option every Pyodide has comes first: cryptography is in
        # 314.0.8's package set, a "hashlib" package is not (earlier
        # releases, for CPython 3.13, shipped one).
        return (
            "derive keys with the cryptography package that Pyodide "
            'distributes (pyodide.loadPackage("cryptography"); its PBKDF2HMAC '
            "runs OpenSSL compiled to WebAssembly) or with WebCrypto's "
            "PBKDF2; or, where your Pyodide ships OpenSSL's hashlib as a "
            'package (314.0.8 does not), pyodide.loadPackage("hashlib") '
            "before importing secureshim. Installing OpenSSL with pip or apt "
            "does nothing under WebAssembly"
        )
    return (
        "use a Python built against OpenSSL >= 1.0, or make libcrypto "
        "loadable (install OpenSSL's shared library, e.g. the libssl3 or "
        "openssl-libs package)"
    )


PRIMITIVE = _tier.Primitive("pbkdf2_hmac", (
    _tier.Tier(
        "native",
        probe=lambda: _detect.PBKDF2_HMAC_OPENSSL,
        bind=lambda: hashlib.pbkdf2_hmac,
        what="hashlib.pbkdf2_hmac, OpenSSL's PKCS5_PBKDF2_HMAC",
        why="hashlib.pbkdf2_hmac is OpenSSL's PKCS5_PBKDF2_HMAC",
    ),
    _tier.Tier(
        "openssl",
        probe=_openssl_probe,
        bind=lambda: _openssl_then_python,
        what="libcrypto's PKCS5_PBKDF2_HMAC called through ctypes",
        why=lambda: (
            "hashlib's own function is CPython's pure-Python fallback here; "
            "secureshim calls libcrypto's PKCS5_PBKDF2_HMAC"
            if _detect.HAS_PBKDF2_HMAC
            else "hashlib has no pbkdf2_hmac; secureshim calls libcrypto's "
            "PKCS5_PBKDF2_HMAC"
        ),
    ),
    _tier.Tier(
        "python",
        probe=_tier.always,
        bind=lambda: python_pbkdf2_hmac,
        what="secureshim's pure-Python PBKDF2",
        why="no OpenSSL PBKDF2 is reachable; secureshim's pure-Python HMAC loop",
        label="secureshim's python tier (pure Python)",
        weakness="it is 2-3x slower than OpenSSL on CPython (10x or more on "
        "PyPy), so the same time budget buys fewer iterations and weaker keys",
        degraded=True,
        reason=_python_reason,
        fix=_python_fix,
    ),
))
