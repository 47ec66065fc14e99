"""Every known, deliberate difference between a secureshim tier and the stdlib.

The one table: tests/test_fuzz_stdlib.py reads it to expect these outcomes
(and only these) where a tier and the stdlib of the running interpreter
disagree, and docs/equivalence.md reproduces it (a test keeps the two equal:
``python -m tests.deviations`` prints the Markdown).

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

from .fuzz_values import IndexOnly, is_instance

PY2 = sys.version_info[0] == 2
PYPY = hasattr(sys, "pypy_version_info")
# CPython's pure-Python hashlib.pbkdf2_hmac (2.7.8+ and 3.4-3.11 built
# without OpenSSL's function: pyenv's 2.7.18 and 3.6.15 here).
PBKDF2_FALLBACK = getattr(getattr(hashlib, "pbkdf2_hmac", None), "__module__", None) == "hashlib"

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


def _str_password(call):
    return not PY2 and any(isinstance(_arg(call, name), str) for name in ("password", "salt"))


def _nul_path(call):
    value = _arg(call, "cafile")
    return isinstance(value, (bytes, type(u""))) and (b"\0" if isinstance(value, bytes) else u"\0") in value


TABLE = [
    Deviation(
        "pbkdf2_hmac", ("openssl", "python"),
        "CPython's pure-Python fallback is hashlib.pbkdf2_hmac (2.7.8+, 3.4-3.11 without OpenSSL's function)",
        PBKDF2_FALLBACK,
        "iterations >= 2**31 (valid C long)",
        _huge_iterations,
        "runs for ever (2**31 loops of Python)", "hang",
        "OverflowError (\"iteration value is too great.\")", "OverflowError",
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
        lambda call: _arg(call, "iterations") is None or _float(call, "iterations")
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
