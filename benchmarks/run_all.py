"""Run every benchmarks/bench_*.py and write docs/benchmarks.md.

    python benchmarks/run_all.py                      # this interpreter
    python benchmarks/run_all.py --python python2.7 --python python3.6 --python python3.11

Each benchmark runs in its own process (so that one's imports and forced
tiers cannot affect another) and prints a markdown table with its ratios
and targets; the tables are collected verbatim, per interpreter, with the
machine they were measured on and the command that regenerates them.
"""
from __future__ import absolute_import, division, print_function

import argparse
import glob
import io
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_OUTPUT = os.path.join(ROOT, "docs", "benchmarks.md")


def benchmarks(only=()):
    """Paths of the bench_*.py scripts, sorted, optionally filtered by topic."""
    paths = sorted(glob.glob(os.path.join(HERE, "bench_*.py")))
    if only:
        paths = [p for p in paths if _topic(p) in only]
    return paths


def _topic(path):
    return os.path.basename(path)[len("bench_"):-len(".py")]


def _title(path):
    """The first line of a benchmark's docstring."""
    with io.open(path, encoding="utf-8") as handle:
        source = handle.read()
    for quote in ('"""', "'''"):
        start = source.find(quote)
        if start >= 0:
            return source[start + 3:].strip().splitlines()[0].strip()
    return _topic(path)


def run_one(python, path, timeout=1800):
    """Run one benchmark; return (exit code, stdout, seconds)."""
    env = dict(os.environ)
    env.pop("SECURESHIM_FORCE", None)
    start = time.time()
    proc = subprocess.Popen(
        [python, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, env=env
    )
    out = proc.communicate()[0].decode("utf-8", "replace")
    return proc.returncode, out.rstrip() + "\n", time.time() - start


def _describe(python):
    """(``"CPython 3.11.7"``, ``"python3.11"``) for an interpreter."""
    code = ("import platform, sys; print(platform.python_implementation() + ' ' + "
            "platform.python_version()); print('python%d.%d' % sys.version_info[:2])")
    out = subprocess.check_output([python, "-c", code]).decode("utf-8").split()
    return " ".join(out[:2]), out[2]


def render(command, results):
    """The markdown document: ``results`` is [(interpreter, [(path, code, out, secs)])]."""
    cores = getattr(os, "cpu_count", lambda: None)()
    lines = [
        "# Benchmarks",
        "",
        "Measured by the scripts in `benchmarks/`. Each runs its contenders "
        "interleaved in one process and reports ratios, which say more than "
        "absolute times on a shared machine; the targets they are held to "
        "are in [targets.md](targets.md). Regenerate this file with:",
        "",
        "```sh",
        command,
        "```",
        "",
        "(each interpreter with `pip install -r benchmarks/requirements.txt`, "
        "for passlib in the pbkdf2 comparison).",
        "",
        "Machine: %s, %s, %s cores; generated %s." % (
            platform.platform(), platform.machine(), cores or "?",
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
        "",
    ]
    for interpreter, runs in results:
        lines.append("## %s" % interpreter)
        lines.append("")
        for path, code, out, seconds in runs:
            lines.append("### %s" % _title(path))
            lines.append("")
            lines.append("`python benchmarks/%s` (%.0f s)" % (os.path.basename(path), seconds))
            lines.append("")
            if code != 0:
                lines.append("**Failed with exit code %d:**" % code)
                lines.append("")
                lines.append("```")
                lines.append(out.rstrip())
                lines.append("```")
            else:
                lines.append(out.rstrip())
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", default=[],
                        help="interpreter to run the benchmarks with (repeatable; "
                             "default: this one)")
    parser.add_argument("--only", action="append", default=[], metavar="TOPIC",
                        help="run only bench_TOPIC.py (repeatable)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT,
                        help="markdown file to write (default: docs/benchmarks.md)")
    args = parser.parse_args(argv)
    pythons = args.python or [sys.executable]
    paths = benchmarks(args.only)
    if not paths:
        parser.error("no benchmark matches %s" % args.only)
    described = [_describe(python) for python in pythons]
    command = "python benchmarks/run_all.py" + "".join(
        " --python %s" % short for _, short in described if args.python
    ) + "".join(" --only %s" % t for t in args.only)
    results = []
    failed = 0
    for python, (interpreter, _) in zip(pythons, described):
        runs = []
        for path in paths:
            print("%s: %s ..." % (interpreter, os.path.basename(path)), file=sys.stderr)
            code, out, seconds = run_one(python, path)
            failed += code != 0
            runs.append((path, code, out, seconds))
            print(out, file=sys.stderr)
        results.append((interpreter, runs))
    document = render(command, results)
    with io.open(args.output, "w", encoding="utf-8") as handle:
        handle.write(document if isinstance(document, type(u"")) else document.decode("utf-8"))
    print("wrote %s" % os.path.relpath(args.output, os.getcwd()), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
