"""Import cost: ``import secureshim`` against ``import hashlib, hmac, os``.

Target, on every interpreter: at most 5 ms more, and none of ssl, ctypes,
subprocess or tempfile imported (the script lists what ``import
secureshim`` adds to ``sys.modules``). Fresh interpreters, interleaved,
median of many runs; ``-S`` is not used, so site's own cost is in both.

    python benchmarks/bench_import.py [--rounds N]
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _harness import interleave, interpreter, table  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def _run(code):
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("SECURESHIM_FORCE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.check_call([sys.executable, "-c", code], env=env)


_HEAVY = ("ssl", "ctypes", "subprocess", "tempfile")

_ADDED = """
import sys
import hashlib, hmac, os
before = set(sys.modules)
import secureshim
added = set(sys.modules) - before
print(", ".join(sorted(m for m in added if m.split(".")[0] in %r)) or "none")
""" % (_HEAVY,)


def _heavy_modules():
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("SECURESHIM_FORCE", None)
    out = subprocess.check_output([sys.executable, "-c", _ADDED], env=env)
    return out.decode("ascii").strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args(argv)
    # Installed packages have bytecode; a source tree under
    # PYTHONDONTWRITEBYTECODE would be timed compiling instead.
    import compileall

    compileall.compile_dir(os.path.join(SRC, "secureshim"), quiet=1)
    contenders = [
        ("python -c pass", lambda: _run("pass")),
        ("import hashlib, hmac, os", lambda: _run("import hashlib, hmac, os")),
        ("import secureshim", lambda: _run("import secureshim")),
        ("import ssl", lambda: _run("import ssl")),
    ]
    times = interleave(contenders, number=1, rounds=args.rounds)
    base = times["import hashlib, hmac, os"]
    rows = [
        (name, "%.1f ms" % (times[name] * 1e3), "%+.1f ms" % ((times[name] - base) * 1e3))
        for name, _ in contenders
    ]
    print("import cost on %s (target: import secureshim <= +5 ms)" % interpreter())
    print("")
    print(table(["command", "median wall time", "vs hashlib, hmac, os"], rows))
    print("")
    print("of %s, import secureshim loads: %s" % (", ".join(_HEAVY), _heavy_modules()))


if __name__ == "__main__":
    main()
