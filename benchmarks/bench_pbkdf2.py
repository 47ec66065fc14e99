"""pbkdf2_hmac: secureshim's tiers against hashlib, passlib and a naive loop.

100,000 iterations of PBKDF2-HMAC-SHA1, -SHA256 and -SHA512, the
contenders interleaved round by round in one process:

- ``hashlib.pbkdf2_hmac``: OpenSSL's C function, or CPython's pure-Python
  fallback on interpreters whose ``_hashlib`` lacks it (pyenv's 2.7.18 and
  3.6.15 here);
- secureshim's ``openssl`` tier (libcrypto through ctypes) and ``python``
  tier;
- passlib 1.7.4's builtin pure-Python backend, the fastest pure-Python
  peer (forced with PASSLIB_PBKDF2_BACKEND, ``from-bytes`` on 3.x,
  ``unpack`` on 2.7; skipped with a note when passlib is not installed:
  ``pip install -r benchmarks/requirements.txt``);
- a naive loop making an ``hmac.new`` object per iteration.

Targets: openssl tier <= 1.05x hashlib's OpenSSL function (3.11); where
hashlib's function is the Python fallback, secureshim.pbkdf2_hmac >= 4x
faster than it; python tier no slower than passlib.

    python benchmarks/bench_pbkdf2.py [--iterations N] [--rounds N]
"""
from __future__ import absolute_import, division, print_function

import argparse
import hashlib
import hmac
import os
import random
import struct
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Before passlib is imported: its builtin backend, not hashlib's.
os.environ["PASSLIB_PBKDF2_BACKEND"] = "unpack" if sys.version_info[0] == 2 else "from-bytes"

import secureshim  # noqa: E402
from _harness import fmt_time, interpreter, table, timer  # noqa: E402
from secureshim import _detect, _pbkdf2  # noqa: E402

DIGESTS = ("sha1", "sha256", "sha512")
PASSWORD = b"correct horse battery staple"
SALT = b"NaCl and pepper!"


def load_passlib():
    """passlib's pbkdf2_hmac with its builtin backend, or (None, why)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from passlib.crypto import digest
    except ImportError as exc:
        return None, "passlib is not installed (%s)" % exc
    backends = list(digest.PBKDF2_BACKENDS)
    if backends[0] != "builtin-" + os.environ["PASSLIB_PBKDF2_BACKEND"]:
        return None, "passlib did not select its builtin backend: %s" % backends

    def passlib_pbkdf2(name, password, salt, iterations):
        with warnings.catch_warnings():
            # 2.7: "inconsistent digest name" (the builtin hashes say SHA1).
            warnings.simplefilter("ignore")
            return digest.pbkdf2_hmac(name, password, salt, iterations)

    return passlib_pbkdf2, "passlib %s, backend %s" % (
        getattr(sys.modules.get("passlib"), "__version__", "?"), backends[0])


def best_of_interleaved(contenders, rounds, seed=0):
    """``{name: seconds}``: the fastest of ``rounds`` calls of each contender.

    Every round calls each contender once, in a shuffled order. A call here
    is long (tens of milliseconds), and on a shared machine other load only
    ever adds time, so the minimum is the estimate it disturbs least (the
    harness's median shifted by up to 30% between runs here).
    """
    rng = random.Random(seed)
    best = {}
    order = list(contenders)
    for _ in range(rounds):
        rng.shuffle(order)
        for name, func in order:
            start = timer()
            func()
            elapsed = timer() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    return best


def naive_pbkdf2(name, password, salt, iterations):
    """One block of PBKDF2 with a fresh hmac object per iteration."""
    constructor = getattr(hashlib, name)
    u = hmac.new(password, salt + struct.pack(">I", 1), constructor).digest()
    total = bytearray(u)
    for _ in range(iterations - 1):
        u = hmac.new(password, u, constructor).digest()
        for k, byte in enumerate(bytearray(u)):
            total[k] ^= byte
    return bytes(total)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    iterations = args.iterations

    stdlib = getattr(hashlib, "pbkdf2_hmac", None)
    stdlib_kind = "OpenSSL" if _detect.PBKDF2_HMAC_OPENSSL else (
        "Python fallback" if stdlib else "missing")
    have_openssl = _pbkdf2.libcrypto_path() is not None
    passlib_pbkdf2, passlib_note = load_passlib()

    print("pbkdf2_hmac on %s, %d iterations, best of %d interleaved rounds"
          % (interpreter(), iterations, args.rounds))
    print("")
    print("- hashlib.pbkdf2_hmac: %s" % stdlib_kind)
    print("- secureshim.pbkdf2_hmac: %s tier" % secureshim.backends()["pbkdf2_hmac"])
    print("- openssl tier: %s" % (_pbkdf2.libcrypto_path() or "cannot run: " + _pbkdf2._libcrypto()[1]))
    print("- passlib: %s" % passlib_note)
    print("")

    timings = []
    for name in DIGESTS:
        contenders = []
        if stdlib is not None:
            contenders.append(("hashlib", lambda n=name: stdlib(n, PASSWORD, SALT, iterations)))
        if have_openssl:
            contenders.append(("openssl", lambda n=name: _pbkdf2.openssl_pbkdf2_hmac(
                n, PASSWORD, SALT, iterations)))
        contenders.append(("python", lambda n=name: _pbkdf2.python_pbkdf2_hmac(
            n, PASSWORD, SALT, iterations)))
        if passlib_pbkdf2 is not None:
            contenders.append(("passlib", lambda n=name: passlib_pbkdf2(
                n, PASSWORD, SALT, iterations)))
        contenders.append(("naive", lambda n=name: naive_pbkdf2(n, PASSWORD, SALT, iterations)))
        expected = _pbkdf2.python_pbkdf2_hmac(name, PASSWORD, SALT, iterations)
        for label, func in contenders:
            assert func() == expected, label
        timings.append((name, best_of_interleaved(contenders, args.rounds)))

    def cell(times, key):
        return fmt_time(times[key]) if key in times else "n/a"

    print(table(
        ["digest", "hashlib (%s)" % stdlib_kind, "openssl tier", "python tier",
         "passlib builtin", "naive hmac.new"],
        [(name, cell(t, "hashlib"), cell(t, "openssl"), cell(t, "python"),
          cell(t, "passlib"), cell(t, "naive")) for name, t in timings],
    ))
    print("")

    def ratio(times, a, b):
        if a not in times or b not in times:
            return "n/a"
        return "%.2fx" % (times[a] / times[b])

    fallback = stdlib_kind == "Python fallback"
    rows = []
    for name, t in timings:
        rows.append((
            name,
            ratio(t, "openssl", "hashlib"),
            ratio(t, "python", "hashlib"),
            ratio(t, "passlib", "hashlib"),
            ratio(t, "naive", "hashlib"),
            ratio(t, "python", "passlib"),
            ratio(t, "hashlib", secureshim.backends()["pbkdf2_hmac"]) if fallback else "n/a",
        ))
    print(table(
        ["digest", "openssl / hashlib", "python / hashlib", "passlib / hashlib",
         "naive / hashlib", "python / passlib", "secureshim speed-up"],
        rows,
    ))
    print("")
    print("Targets: openssl / hashlib <= 1.05 where hashlib is OpenSSL's; "
          "python / passlib <= 1.00; where hashlib is the Python fallback, "
          "secureshim speed-up >= 4x.")


if __name__ == "__main__":
    main()
