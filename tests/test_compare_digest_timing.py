"""A dudect-style leak test of the python compare_digest tier.

Two classes of input pairs: the inputs differ in their first byte, or in
their last byte. Inputs are prepared in blocks with the classes shuffled,
fresh objects for every sample, then timed one call at a time in a single
loop, so that the code around each timed call is the same for both classes
(separate code paths or result lists per class showed |t| up to 20 with
identical inputs). Welch's t over the timings above |t| = 10 means the time
depends on where the inputs differ. Known leaky comparisons are measured by
the same harness, to show that it sees leaks of the size that matters.
"""
from __future__ import absolute_import, division, print_function

import gc
import math
import os
import random
import sys
import time

import pytest

from secureshim._compare_digest import python_compare_digest

# 2.7 has no perf_counter; its time.time() ticks in microseconds, which
# still resolves the 4 KiB calls and, over many samples, the 32-byte ones.
timer = getattr(time, "perf_counter", time.time)
BLOCK = 1000


def _early_exit(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x != y:
            return False
    return True


def _plain_int_xor(a, b):
    # Leaks through big-int normalisation (see _compare_digest's docstring).
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")) == 0


def _welch_t(xs, ys):
    nx, ny = len(xs), len(ys)
    mx, my = sum(xs) / nx, sum(ys) / ny
    vx = sum((x - mx) ** 2 for x in xs) / (nx - 1)
    vy = sum((y - my) ** 2 for y in ys) / (ny - 1)
    return (mx - my) / math.sqrt(vx / nx + vy / ny)


def measure(func, size, samples, seed):
    """Welch's t between 'differ at first byte' and 'differ at last byte'."""
    rng = random.Random(seed)
    where = (0, size - 1)
    timings = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(samples // BLOCK):
            block = []
            for _ in range(BLOCK):
                cls = rng.randint(0, 1)
                a = os.urandom(size)
                b = bytearray(a)
                b[where[cls]] ^= 0x55
                block.append((cls, a, bytes(b)))
            for cls, a, b in block:
                start = timer()
                func(a, b)
                end = timer()
                timings.append((cls, end - start))
    finally:
        if gc_was_enabled:
            gc.enable()
    # Drop the slowest 5%: interrupts and scheduling, not the code under test.
    cutoff = sorted(t for _, t in timings)[int(len(timings) * 0.95)]
    first = [t for cls, t in timings if cls == 0 and t <= cutoff]
    last = [t for cls, t in timings if cls == 1 and t <= cutoff]
    return _welch_t(first, last)


def test_harness_detects_an_early_exit_loop():
    t = measure(_early_exit, 256, 10000, seed=1)
    assert abs(t) > 10, t


@pytest.mark.skipif(sys.version_info[0] == 2, reason="2.7 has no int.from_bytes")
def test_harness_detects_the_plain_int_xor_leak_at_4k():
    t = measure(_plain_int_xor, 4096, 20000, seed=2)
    assert abs(t) > 10, t


@pytest.mark.parametrize("size,samples", [(32, 60000), (4096, 20000)])
def test_python_tier_time_does_not_depend_on_difference_position(size, samples):
    t = measure(python_compare_digest, size, samples, seed=size)
    assert abs(t) < 10, t
