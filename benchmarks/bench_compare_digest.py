"""compare_digest: the python tier against native and the classic zip/XOR loop.

Targets (3.11): python tier <= 8x native at 32 bytes and <= 3x native at
4 KiB, and >= 3x faster than the zip/XOR loop.

    python benchmarks/bench_compare_digest.py [--rounds N] [--scale F]
"""
from __future__ import absolute_import, division, print_function

import argparse
import hmac
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _harness import fmt_time, interleave, interpreter, table  # noqa: E402
from secureshim._compare_digest import python_compare_digest  # noqa: E402

PY2 = sys.version_info[0] == 2


def zip_xor(a, b):
    if len(a) != len(b):
        return False
    result = 0
    if PY2:
        for x, y in zip(bytearray(a), bytearray(b)):
            result |= x ^ y
    else:
        for x, y in zip(a, b):
            result |= x ^ y
    return result == 0


def _check_agree(contenders, a):
    """Every contender says True for equal inputs and False for inputs that
    differ in their last byte: a timing of a wrong answer is worthless."""
    flipped = bytearray(a)
    flipped[-1] ^= 1
    other = bytes(flipped)
    for name, func in contenders:
        if func(a, bytes(bytearray(a))) is not True or func(a, other) is not False:
            raise SystemExit("%s does not compare correctly" % name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the calls per round (small for a smoke run)")
    args = parser.parse_args(argv)
    native = getattr(hmac, "compare_digest", None)
    rows = []
    for size in (32, 4096):
        a = os.urandom(size)
        b = bytes(bytearray(a))  # equal content, distinct object
        funcs = [("python", python_compare_digest), ("zip/XOR loop", zip_xor)]
        if native is not None:
            funcs.append(("native", native))
        _check_agree(funcs, a)
        contenders = [(name, lambda f=f, a=a, b=b: f(a, b)) for name, f in funcs]
        number = max(1, int((20000 if size == 32 else 2000) * args.scale))
        times = interleave(contenders, number, rounds=args.rounds)
        vs_native = times["python"] / times["native"] if native else float("nan")
        target = 8.0 if size == 32 else 3.0
        rows.append((
            size,
            fmt_time(times.get("native", float("nan"))),
            fmt_time(times["python"]),
            fmt_time(times["zip/XOR loop"]),
            "%.2fx (target <= %.0fx)" % (vs_native, target),
            "%.1fx faster (target >= 3x)" % (times["zip/XOR loop"] / times["python"]),
        ))
    print("compare_digest on %s" % interpreter())
    print("")
    print(table(
        ["bytes", "native", "python tier", "zip/XOR loop", "python / native", "vs zip/XOR"],
        rows,
    ))


if __name__ == "__main__":
    main()
