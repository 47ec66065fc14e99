"""The benchmark scripts still run, and their contenders still agree.

They measure the performance targets, so a broken one hides a regression.
Each runs here with tiny parameters; the timings are not looked at (no timed
assertions in tests). ``bench_pbkdf2`` checks that every contender, the
other C libraries included, derives the same key before timing it.
"""
from __future__ import absolute_import, division, print_function

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_benchmark(name, *args):
    env = dict(os.environ)
    env.pop("SECURESHIM_FORCE", None)
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "benchmarks", name)] + list(args),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=env,
    )
    out = proc.communicate()[0].decode("utf-8", "replace")
    assert proc.returncode == 0, out
    return out


def test_bench_pbkdf2_runs_and_its_contenders_agree():
    out = run_benchmark("bench_pbkdf2.py", "--iterations", "3", "--rounds", "1")
    for digest in ("sha1", "sha256", "sha512"):
        assert "\n| %s | " % digest in out
    assert "compression floor" in out
    assert "largest possible speed-up" in out


@pytest.mark.parametrize("iterations", ["1", "2", "130"])
def test_bench_pbkdf2_accepts_small_iteration_counts(iterations):
    # 1 is the edge of the naive loop (no iteration after the first block).
    out = run_benchmark("bench_pbkdf2.py", "--iterations", iterations, "--rounds", "1")
    assert "%s iterations" % iterations in out


def test_bench_match_hostname_runs():
    out = run_benchmark("bench_match_hostname.py", "--rounds", "1", "--number", "10")
    assert "targets met in" in out
