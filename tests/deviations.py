"""Every known, deliberate difference between a secureshim tier and the stdlib.

The one table: tests/test_fuzz_stdlib.py reads it to expect these outcomes
(and only these) where a tier and the stdlib of the running interpreter
disagree, and docs/equivalence.md reproduces it (a test keeps the two equal;
``python -m tests.deviations`` prints the Markdown to paste there).

Each entry: the primitive, the tiers it concerns, the interpreters where it
applies (a description and a test of the running one), the input class (a
description and a predicate over the call's arguments), what the stdlib
does and what secureshim does (a description and the outcome: an exception
class name, ``"ok"``, or ``"hang"`` for a stdlib call that never returns,
which the fuzz suite then does not make), and why.

The rule behind them: ``native`` is the stdlib's own function; the other
tiers follow CPython 3.10+'s C function where CPython versions disagree.
"""
from __future__ import absolute_import, division, print_function

import collections
import hashlib
import sys
import warnings

from .fuzz_values import IndexOnly, is_instance

PY2 = sys.version_info[0] == 2
PYPY = hasattr(sys, "pypy_version_info")
# CPython's pure-Python hashlib.pbkdf2_hmac (2.7.8+ and 3.4-3.11 built
# without OpenSSL's function: pyenv's 2.7.18 and 3.6.15 here).
PBKDF2_FALLBACK = getattr(getattr(hashlib, "pbkdf2_hmac", None), "__module__", None) == "hashlib"

def _stdlib_nul_path_error():
    """What this interpreter's load_verify_locations raises for a path with
    a NUL: ValueError on 3.7+, TypeError on 3.6, nothing on 2.7 (OpenSSL
    gets the path cut at the NUL)."""
    import ssl

    # PROTOCOL_TLS_CLIENT: 2.7.13+, 3.6+ (PROTOCOL_TLS is deprecated in 3.10+).
    context = ssl.SSLContext(getattr(ssl, "PROTOCOL_TLS_CLIENT", getattr(ssl, "PROTOCOL_SSLv23", 2)))
    try:
        context.load_verify_locations(capath=u"/\0")
    except Exception as exc:  # the class is the answer
        return type(exc).__name__
    return "ok"


def _stdlib_misreads_der():
    """2.7 and 3.6 with OpenSSL 3.0 fail on DER cadata ("unknown error")."""
    import datetime
    import ssl

    try:
        from cryptography import x509
    except ImportError:  # Pyodide: no cryptography, and no real ssl to misread
        return False
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from . import tls_helpers  # noqa: F401  (cryptography is there)

    key = ec.generate_private_key(ec.SECP256R1(), default_backend())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, u"probe")])
    now = datetime.datetime(2020, 1, 1)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256(), default_backend())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    try:
        ssl.create_default_context(cadata=der)
    except ssl.SSLError:
        return True
    return False


def _stdlib_pbkdf2(*args):
    """What the stdlib's C pbkdf2_hmac does with these arguments: "ok", the
    exception class's name, or None where there is no C function."""
    if PBKDF2_FALLBACK or not hasattr(hashlib, "pbkdf2_hmac"):
        return None
    try:
        with warnings.catch_warnings():
            # 3.8 and 3.9 warn on a float dklen; the probe wants the outcome.
            warnings.simplefilter("ignore")
            hashlib.pbkdf2_hmac(*args)
    except (TypeError, ValueError) as exc:
        return "TypeError" if isinstance(exc, TypeError) else "ValueError"
    return "ok"


def _names_only_hashlib_knows():
    """Names hashlib.new takes that the stdlib's C pbkdf2_hmac does not find:
    3.7 and 3.8 look names up in OpenSSL only, so CPython's own sha3_*,
    shake_*, blake2b/s (and 3.8's sha512_224/_256) are refused there; 3.9+
    maps them (bpo-38153). Empty where the C function finds every name."""
    names = set()
    for name in getattr(hashlib, "algorithms_available", ()):
        try:
            hashlib.new(name)
        except ValueError:
            continue
        if _stdlib_pbkdf2(name, b"p", b"s", 1) == "ValueError":
            names.add(name)
    # 3.9+'s C function finds SHAKE too and fails only after the checks.
    if not any(name.startswith("sha3_") for name in names):
        return frozenset()
    return frozenset(names)


NAMES_ONLY_HASHLIB_KNOWS = _names_only_hashlib_knows()
# 3.7's pbkdf2_hmac converts iterations and dklen with __int__ ("l" format,
# PyLong_AsLong); 3.8+ use __index__ (bpo-36048).
INDEX_REFUSED = _stdlib_pbkdf2("sha256", b"", b"", IndexOnly(1)) == "TypeError"
# 3.7-3.9's C function truncates a float dklen (3.10+: TypeError, bpo-37999).
FLOAT_DKLEN_TAKEN = _stdlib_pbkdf2("sha256", b"", b"", 1, 1.0) == "ok"


NUL_PATH_ERROR = _stdlib_nul_path_error()
ANY_ERROR = ("TypeError", "ValueError", "OverflowError", "BufferError", "UnicodeEncodeError",
             "UnsupportedDigestmodError", "AttributeError")

Deviation = collections.namedtuple(
    "Deviation",
    "primitive tiers where applies input matches stdlib stdlib_outcome ours our_outcome why",
)


def _arg(call, name):
    return call.get(name)


def _int_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, IndexOnly):
        return value.value
    if isinstance(value, int) or (PY2 and isinstance(value, long)):  # noqa: F821
        if is_instance(value, "IntLiar"):
            return 1
        return value
    return None


def _huge_iterations(call):
    value = _int_value(_arg(call, "iterations"))
    return value is not None and value >= 2 ** 31


def _float(call, name):
    return isinstance(_arg(call, name), float)


def _none(call, name):
    return _arg(call, name) is None


def _text_name(call):
    return PY2 and isinstance(_arg(call, "hash_name"), unicode)  # noqa: F821


def _text_password(call):
    return PY2 and any(
        isinstance(_arg(call, name), unicode) for name in ("password", "salt")  # noqa: F821
    )


def _name_only_hashlib_knows(call):
    name = _arg(call, "hash_name")
    return isinstance(name, str) and str.__str__(name) in NAMES_ONLY_HASHLIB_KNOWS


def _index_only_count(call):
    return any(isinstance(_arg(call, name), IndexOnly) for name in ("iterations", "dklen"))


def _nul_path(call):
    for name in ("cafile", "capath"):
        value = _arg(call, name)
        if isinstance(value, bytes) and b"\0" in bytes.__getitem__(value, slice(None)):
            return True
        if isinstance(value, type(u"")) and u"\0" in type(u"").__getitem__(value, slice(None)):
            return True
    return False


def _not_text(call):
    return not isinstance(_arg(call, "hostname"), (str, type(u"")))


def _index_not_int(call):
    value = _arg(call, "n")
    ints = (int, long) if PY2 else (int,)  # noqa: F821
    return hasattr(type(value), "__index__") and not isinstance(value, ints)


def _der_cadata(call):
    value = _arg(call, "cadata")
    if value is None or isinstance(value, type(u"")):
        return False
    try:
        return len(memoryview(value).tobytes()) > 0
    except TypeError:
        return False


TABLE = [
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython's pure-Python fallback is hashlib.pbkdf2_hmac (2.7.8+, 3.4-3.11 without OpenSSL's function)",
        PBKDF2_FALLBACK,
        "iterations >= 2**31 (valid C long)",
        _huge_iterations,
        "runs for ever (2**31 loops of Python)", "hang",
        "OverflowError (\"iteration value is too great.\"), or the error of an "
        "argument checked before", ANY_ERROR,
        "CPython 3.10+'s C function refuses what it cannot pass to OpenSSL's int; "
        "a KDF call that never returns is no answer.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython's pure-Python fallback is hashlib.pbkdf2_hmac",
        PBKDF2_FALLBACK,
        "dklen a float",
        lambda call: _float(call, "dklen"),
        "TypeError from slicing, or a key", "TypeError",
        "TypeError (dklen must be an integer)", "TypeError",
        "Same type where the fallback raises; where it derives (2.7), 3.10+'s C function refuses.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython 2.7's pure-Python fallback",
        PBKDF2_FALLBACK and PY2,
        "iterations None, a float, or text",
        lambda call: _none(call, "iterations") or _float(call, "iterations")
        or isinstance(_arg(call, "iterations"), (type(u""), str)),
        "ValueError or a key (2.7 compares None and text with ints)", "ValueError",
        "TypeError (iterations must be an integer)", "TypeError",
        "3.10+'s C function converts iterations with __index__.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython 2.7's pure-Python fallback",
        PBKDF2_FALLBACK and PY2,
        "hash_name a unicode string",
        _text_name,
        "TypeError (the fallback wants str)", "TypeError",
        "the name, encoded as ASCII, as 2.7's C function's s format does", "ok",
        "2.7's C function takes unicode names; secureshim follows the C function.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython 2.7's pure-Python fallback",
        PBKDF2_FALLBACK and PY2,
        "password or salt a unicode string",
        _text_password,
        "its internal UCS-4 bytes are used", "ok",
        "encoded as ASCII (UnicodeEncodeError for non-ASCII), as 2.7's C function's s* format",
        "ok",
        "2.7's C function takes unicode passwords in the default encoding.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython's pure-Python fallback is hashlib.pbkdf2_hmac",
        PBKDF2_FALLBACK,
        "bad input, in the fallback's eyes or in C's",
        lambda call: True,
        "its own checks in its own order (the digest first): it refuses some buffers "
        "C takes and takes some C refuses (a strided memoryview)", ANY_ERROR + ("ok",),
        "what CPython 3.10+'s C function does: the same refusal, or a key where C "
        "takes the argument (tests/test_pbkdf2.py pins each error); where both "
        "derive, the same key",
        ANY_ERROR + ("ok",),
        "secureshim's tiers follow one reference everywhere; the fallback exists only "
        "where secureshim replaces it.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython's pure-Python fallback is hashlib.pbkdf2_hmac",
        PBKDF2_FALLBACK,
        "password or salt a bytes or bytearray subclass whose methods lie (__add__, __len__...)",
        lambda call: any(is_instance(_arg(call, name), "HostileBytes")
                         or is_instance(_arg(call, name), "HostileBytearray")
                         for name in ("password", "salt")),
        "a key derived from what the overridden methods return", ("ok",) + ANY_ERROR,
        "the key of the bytes the buffer holds, as the C function reads them", ("ok*",) + ANY_ERROR,
        "The value checked is the buffer's, never what a subclass claims (issue #11).",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython 3.7 and 3.8 (their C function looks names up in OpenSSL only; 3.9+ maps "
        "Python's spellings, bpo-38153)",
        bool(NAMES_ONLY_HASHLIB_KNOWS),
        "hash_name a name hashlib.new takes from CPython's own modules and OpenSSL spells "
        "otherwise (`sha3_*`, `shake_*`, `blake2b`, `blake2s`; on 3.8 `sha512_224`, `sha512_256`)",
        _name_only_hashlib_knows,
        "ValueError (\"unsupported hash type\"), once the arguments are converted", "ValueError",
        "what 3.9+'s C function does: the key (SHAKE: ValueError), or the value checks' "
        "error (OverflowError for iterations >= 2**31...)",
        ("ok", "ValueError", "OverflowError", "TypeError"),
        "Both tiers take every name hashlib.new takes, as 3.9+ does; one name set per interpreter.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython 3.7-3.9 (their C function truncates a float dklen; 3.10+ refuses it, bpo-37999)",
        FLOAT_DKLEN_TAKEN,
        "dklen a float",
        lambda call: _float(call, "dklen"),
        "a key of the truncated length, or its ValueError/OverflowError (a DeprecationWarning "
        "on 3.8 and 3.9)", ("ok", "ValueError", "OverflowError"),
        "TypeError (dklen must be an integer)", "TypeError",
        "3.10+'s C function converts dklen with __index__.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython 3.7 (iterations and dklen go through __int__; 3.8+ use __index__, bpo-36048)",
        INDEX_REFUSED,
        "iterations or dklen an object with __index__ that is not an int",
        _index_only_count,
        "TypeError (\"an integer is required\")", "TypeError",
        "what 3.10+ does with the value: the key, or its ValueError/OverflowError, or the "
        "error of another argument", ("ok", "ValueError", "OverflowError", "TypeError"),
        "3.10+'s C function converts integers with __index__, as every version since 3.8.",
    ),
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "PyPy (its pbkdf2_hmac is Python over cffi, with its own checks: docs/pbkdf2.md#pypy)",
        PYPY,
        "bad input, in PyPy's eyes or in C's",
        lambda call: True,
        "its own checks in its own order (digest and values before the types), and it takes "
        "some arguments C refuses (an int password, a strided memoryview, a name cut at a NUL)",
        ANY_ERROR + ("ok",),
        "what CPython 3.10+'s C function does; where both derive, the same key",
        ANY_ERROR + ("ok",),
        "The native tier is PyPy's function; secureshim's own tiers keep one reference.",
    ),
    Deviation(
        "urandom", ("fd", "getrandom"),
        "PyPy (its os.urandom is Python code: `n < 0`, then the read)",
        PYPY,
        "n not an int (a float, an `__index__` object, text...), or below a C ssize_t (< -2**63)",
        lambda call: not isinstance(_arg(call, "n"), int) or _arg(call, "n") < -2 ** 63,
        "whatever its comparison and read make of it: ValueError for a negative float or "
        "int, TypeError for what `<` refuses", ANY_ERROR + ("ok",),
        "CPython's: __index__ (TypeError for a float or text), then OverflowError beyond "
        "a Py_ssize_t", ("ok", "OverflowError", "ValueError", "TypeError"),
        "CPython's rule: the Py_ssize_t conversion comes before the sign check.",
    ),
    Deviation(
        "urandom", ("fd", "getrandom"),
        "CPython 2.7",
        PY2,
        "n an object with __index__ that is not an int",
        _index_not_int,
        "TypeError (2.7's n format wants an int)", "TypeError",
        "what 3.x does: the bytes, or OverflowError/ValueError for the value", ("ok", "OverflowError", "ValueError"),
        "3.x's conversion, the one every later version keeps.",
    ),
    Deviation(
        "match_hostname", ("python",),
        "every interpreter with ssl.match_hostname (before 3.12)",
        True,
        "hostname not text (bytes, a buffer, an int, None...)",
        _not_text,
        "a mismatch, or whatever its string operations raise", ("answer", "TypeError", "AttributeError", "ValueError"),
        "TypeError (hostname must be str)", "TypeError",
        "A hostname is text; docs/match_hostname.md lists this deviation.",
    ),
    Deviation(
        "create_default_context", ("legacy", "pyopenssl"),
        "interpreters whose load_verify_locations does not raise ValueError for a NUL in a path "
        "(2.7: OpenSSL gets the path cut at the NUL; 3.6: TypeError)",
        NUL_PATH_ERROR != "ValueError",
        "cafile or capath with an embedded NUL",
        _nul_path,
        "TypeError (3.6), or OpenSSL opens the path cut at the NUL (2.7)",
        ("ok", "TypeError", "IOError", "IsADirectoryError"),
        "ValueError (\"embedded null byte\")", "ValueError",
        "CPython 3.7+'s rule; a path cut at the NUL could open another file.",
    ),
    Deviation(
        "create_default_context", ("native", "legacy", "pyopenssl"),
        "2.7 and 3.6 with OpenSSL 3.0 (they misread the end of DER data)",
        _stdlib_misreads_der(),
        "cadata: DER certificates as bytes or a buffer",
        _der_cadata,
        "SSLError (\"unknown error\")", "SSLError",
        "the certificates, loaded as PEM; then what the stdlib does with cafile and capath",
        ("ok", "SSLError", "FileNotFoundError", "IsADirectoryError", "IOError", "TypeError",
         "ValueError"),
        "A working context where the stdlib's is broken; invalid DER is still an SSLError.",
    ),
]


def applicable(primitive, tier, call):
    """The entries that cover this call on this interpreter."""
    return [
        entry for entry in TABLE
        if entry.primitive == primitive and tier in entry.tiers and entry.applies
        and entry.matches(call)
    ]


def render():
    """The table as Markdown, as docs/equivalence.md holds it."""
    lines = [
        "| primitive | tiers | interpreters | input | stdlib | secureshim | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in TABLE:
        lines.append("| `%s` | %s | %s | %s | %s | %s | %s |" % (
            entry.primitive, ", ".join("`%s`" % tier for tier in entry.tiers),
            entry.where, entry.input, entry.stdlib, entry.ours, entry.why,
        ))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render())
