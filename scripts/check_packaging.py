"""Build the sdist and the universal wheel, then install each into fresh
virtualenvs of the oldest and newest interpreters and run ``python -m
secureshim`` there: what `pip install .` promises on 2.7 and 3.13.

Run by the ``packaging`` tox environment (which provides build and
virtualenv); interpreters are found on PATH as python2.7 and python3.13.
"""
from __future__ import absolute_import, division, print_function

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTERPRETERS = ["python2.7", "python3.13"]


def run(*cmd, **kwargs):
    print("+ " + " ".join(cmd))
    sys.stdout.flush()
    subprocess.check_call(cmd, **kwargs)


def build_lock():
    """The lock scripts/build-wheel.sh takes: setuptools builds in the tree
    (build/, src/*.egg-info), and so does pip installing the tree, so a
    wheel built for 3.14 or Pyodide at the same time could come out empty."""
    tree = os.path.realpath(ROOT) + "\n"  # as `pwd -P | sha256sum` reads it
    name = "secureshim-build-%s.lock" % hashlib.sha256(tree.encode("utf-8")).hexdigest()[:12]
    handle = open(os.path.join(os.environ.get("TMPDIR") or "/tmp", name), "a")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def fresh_venv(where, interpreter):
    run(sys.executable, "-m", "virtualenv", "-q", "-p", interpreter, where)
    return os.path.join(where, "bin", "python")


def main():
    work = tempfile.mkdtemp(prefix="secureshim-packaging-")
    lock = build_lock()
    try:
        dist = os.path.join(work, "dist")
        run(sys.executable, "-m", "build", "--outdir", dist, ROOT)
        wheels = glob.glob(os.path.join(dist, "*.whl"))
        sdists = glob.glob(os.path.join(dist, "*.tar.gz"))
        assert len(wheels) == 1 and len(sdists) == 1, (wheels, sdists)
        wheel = wheels[0]
        assert wheel.endswith("-py2.py3-none-any.whl"), wheel
        names = zipfile.ZipFile(wheel).namelist()
        assert "secureshim/py.typed" in names, names
        # Subpackages too (setup.cfg's packages = find:).
        assert "secureshim/_cli/main.py" in names, names
        assert not [n for n in names if n.startswith("tests/")], names

        for interpreter in INTERPRETERS:
            for label, target in (("wheel", wheel), ("sdist", sdists[0]), ("source tree", ROOT)):
                venv = os.path.join(work, "%s-%s" % (interpreter, label.replace(" ", "-")))
                python = fresh_venv(venv, interpreter)
                run(python, "-m", "pip", "install", "-q", target)
                # The exit code is the verdict: 0 OK, 1 DEGRADED, 2 INSECURE.
                proc = subprocess.Popen(
                    [python, "-m", "secureshim"], cwd=work, stdout=subprocess.PIPE
                )
                out = proc.communicate()[0].decode("utf-8")
                assert proc.returncode in (0, 1, 2), proc.returncode
                assert "compare_digest" in out and "HAS_TLSv1_2" in out, out
                # The console script from setup.cfg's entry point.
                script = os.path.join(os.path.dirname(python), "secureshim")
                version = subprocess.check_output([script, "--version"], cwd=work,
                                                  stderr=subprocess.STDOUT)
                assert version.decode("utf-8").startswith("secureshim "), version
                print("%s from %s: ok" % (interpreter, label))
    finally:
        lock.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
