"""The benchmark scripts still run, and their contenders still agree.

They measure the performance targets, so a broken one hides a regression.
Each of the six runs here with tiny parameters; the timings are not looked
at (no timed assertions in tests), only the shape of what is printed.
``bench_pbkdf2`` and ``bench_compare_digest`` check that every contender
gives the right answer before timing it, and exit non-zero when one does not.
"""
from __future__ import absolute_import, division, print_function

import hmac
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
    if sys.version_info[0] > 2:  # no communicate(timeout=) on 2.7
        try:
            out = proc.communicate(timeout=300)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError("%s did not finish in 300 s" % name)
    else:
        out = proc.communicate()[0]
    out = out.decode("utf-8", "replace")
    assert proc.returncode == 0, out
    return out


def _times_table(out):
    """``{digest: {column: cell}}`` from bench_pbkdf2's first table."""
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    headers = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[1:4]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(headers, cells))
    return rows


@pytest.fixture(scope="module")
def pbkdf2_output():
    """One small run of bench_pbkdf2, which the tests below read."""
    return run_benchmark("bench_pbkdf2.py", "--iterations", "3", "--rounds", "1")


def test_bench_pbkdf2_runs_and_its_contenders_agree(pbkdf2_output):
    from secureshim import _pbkdf2

    out = pbkdf2_output
    rows = _times_table(out)
    assert sorted(rows) == ["sha1", "sha256", "sha512"]
    for cells in rows.values():
        assert cells["openssl tier" if _pbkdf2.libcrypto_path() else "python tier"] != "n/a"
        assert cells["python tier"].endswith(("s", "ms"))
        # The floor is measured wherever the openssl tier can run.
        assert (cells["compression floor"] != "n/a") == (_pbkdf2.libcrypto_path() is not None)
    assert "largest possible speed-up" in out


def test_bench_pbkdf2_times_the_other_c_libraries_it_finds(pbkdf2_output):
    import ctypes.util

    out = pbkdf2_output
    rows = _times_table(out)
    for library, soname in (("libgcrypt", "gcrypt"), ("nettle", "nettle")):
        if ctypes.util.find_library(soname):
            assert all(cells[library] != "n/a" for cells in rows.values()), out
        else:
            assert library not in rows["sha1"]


@pytest.mark.parametrize("iterations", ["1", "2", "130"])
def test_bench_pbkdf2_accepts_small_iteration_counts(iterations):
    # 1 is the edge of the naive loop (no iteration after the first block).
    out = run_benchmark("bench_pbkdf2.py", "--iterations", iterations, "--rounds", "1")
    assert "%s iterations" % iterations in out


def test_bench_match_hostname_runs():
    out = run_benchmark("bench_match_hostname.py", "--rounds", "1", "--number", "10",
                        "--worst-rounds", "1")
    assert "targets met in" in out
    assert "worst cases within budget:" in out


def _table_rows(out):
    """The first markdown table's rows (header and separator left out)."""
    lines = [line for line in out.splitlines() if line.startswith("|")]
    assert len(lines) >= 3, out
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_bench_compare_digest_runs_and_its_contenders_agree():
    # The script exits non-zero when a contender gives a wrong answer.
    out = run_benchmark("bench_compare_digest.py", "--rounds", "1", "--scale", "0.01")
    rows = _table_rows(out)
    assert [row[0] for row in rows] == ["32", "4096"]
    for row in rows:
        assert row[2].endswith("s") and row[3].endswith("s"), row  # python, zip/XOR
        assert ("nan" in row[4]) == (not hasattr(hmac, "compare_digest")), row


def test_bench_import_runs_and_times_each_command():
    out = run_benchmark("bench_import.py", "--rounds", "1")
    rows = _table_rows(out)
    assert [row[0] for row in rows] == [
        "python -c pass", "import hashlib, hmac, os", "import secureshim", "import ssl",
    ]
    assert rows[1][2] == "+0.0 ms"
    for row in rows:
        assert row[1].endswith(" ms"), row


def test_bench_tls_runs_and_reports_the_paired_ratio():
    out = run_benchmark("bench_tls.py", "--rounds", "1", "--pairs", "3")
    rows = dict((row[0], row) for row in _table_rows(out))
    assert rows["ssl.create_default_context"][2] == "1.000x"
    ours = [row for name, row in rows.items() if name.startswith("secureshim (")]
    assert len(ours) == 1 and "paired median" in ours[0][2], out
    assert ours[0][3].endswith(("met", "NOT MET")), ours


def test_bench_urandom_runs():
    out = run_benchmark("bench_urandom.py")
    rows = _table_rows(out)
    sizes = [row[0] for row in rows]
    assert "4096" in sizes, out
    for row in rows:
        assert row[1].endswith("s"), row
