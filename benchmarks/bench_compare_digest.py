"""compare_digest: the python tier against native and the classic zip/XOR loop.

Targets (3.11): python tier <= 8x native at 32 bytes and <= 3x native at
4 KiB, and >= 3x faster than the zip/XOR loop.

    python benchmarks/bench_compare_digest.py
"""
from __future__ import absolute_import, division, print_function

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


def main():
    native = getattr(hmac, "compare_digest", None)
    rows = []
    for size in (32, 4096):
        a = os.urandom(size)
        b = bytes(bytearray(a))  # equal content, distinct object
        contenders = [
            ("python", lambda a=a, b=b: python_compare_digest(a, b)),
            ("zip/XOR loop", lambda a=a, b=b: zip_xor(a, b)),
        ]
        if native is not None:
            contenders.append(("native", lambda a=a, b=b: native(a, b)))
        number = 20000 if size == 32 else 2000
        times = interleave(contenders, number)
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
