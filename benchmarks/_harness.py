# -*- coding: utf-8 -*-
"""Side-by-side timing: contenders interleaved round by round in one process.

Each round times every contender once, in a shuffled order, so that machine
load drifts over all of them alike; the per-call time kept is the median of
the rounds. Ratios are taken between medians measured in the same run.
"""
from __future__ import absolute_import, division, print_function

import random
import sys
import time

timer = getattr(time, "perf_counter", time.time)


def interleave(contenders, number, rounds=15, seed=0):
    """Return ``{name: seconds per call}`` for ``[(name, func), ...]``.

    ``func`` takes no argument; each round calls it ``number`` times.
    """
    rng = random.Random(seed)
    samples = dict((name, []) for name, _ in contenders)
    order = list(contenders)
    for _, func in order:  # warm-up
        func()
    for _ in range(rounds):
        rng.shuffle(order)
        for name, func in order:
            start = timer()
            for _ in range(number):
                func()
            samples[name].append((timer() - start) / number)
    return dict((name, sorted(times)[len(times) // 2]) for name, times in samples.items())


def fmt_time(seconds):
    if seconds < 1e-6:
        return "%.0f ns" % (seconds * 1e9)
    if seconds < 1e-3:
        return "%.2f µs" % (seconds * 1e6) if sys.version_info[0] > 2 else "%.2f us" % (seconds * 1e6)
    return "%.2f ms" % (seconds * 1e3)


def interpreter():
    import platform

    return "%s %s" % (platform.python_implementation(), platform.python_version())


def table(headers, rows):
    """A markdown table as a string."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)
