"""urandom: the fd and getrandom tiers against os.urandom and open-read-close.

Target: at 16 bytes the fd tier is >= 2.5x faster than open-read-close.
The getrandom tier (getrandom(2) through ctypes) has no target: its ratio
to os.urandom is reported.

    python benchmarks/bench_urandom.py
"""
from __future__ import absolute_import, division, print_function

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _harness import fmt_time, interleave, interpreter, table  # noqa: E402
from secureshim._urandom import fd_urandom, getrandom_backend  # noqa: E402


def open_read_close(n):
    # What os.urandom did before 2.7.9: a new descriptor for every call.
    fd = os.open("/dev/urandom", os.O_RDONLY)
    try:
        return os.read(fd, n)
    finally:
        os.close(fd)


def main():
    backend = getrandom_backend()  # None where the kernel refuses getrandom
    rows = []
    for size in (16, 4096):
        contenders = [
            ("fd", lambda size=size: fd_urandom(size)),
            ("os.urandom", lambda size=size: os.urandom(size)),
            ("open-read-close", lambda size=size: open_read_close(size)),
        ]
        if backend is not None:
            contenders.append(("getrandom", lambda size=size: backend.read(size)))
        times = interleave(contenders, number=5000 if size == 16 else 1000)
        speedup = times["open-read-close"] / times["fd"]
        getrandom = times.get("getrandom")
        rows.append((
            size,
            fmt_time(times["fd"]),
            fmt_time(getrandom) if getrandom else "n/a",
            fmt_time(times["os.urandom"]),
            fmt_time(times["open-read-close"]),
            "%.2fx" % (times["fd"] / times["os.urandom"]),
            "%.2fx" % (getrandom / times["os.urandom"]) if getrandom else "n/a",
            "%.2fx faster%s" % (speedup, " (target >= 2.5x)" if size == 16 else ""),
        ))
    print("urandom on %s" % interpreter())
    print("")
    print(table(
        ["bytes", "fd tier", "getrandom tier", "os.urandom", "open-read-close",
         "fd / os.urandom", "getrandom / os.urandom", "fd vs open-read-close"],
        rows,
    ))


if __name__ == "__main__":
    main()
