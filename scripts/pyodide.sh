#!/usr/bin/env bash
# Run the test suite (or any Python command) inside Pyodide under Node.
#
#     bash scripts/pyodide.sh setup              # exit 3 if impossible here
#     bash scripts/pyodide.sh test [PYTEST ARGS]
#     bash scripts/pyodide.sh python benchmarks/bench_pbkdf2.py ...
#
# Pyodide is CPython compiled to WebAssembly (PyScript, JupyterLite,
# Cloudflare's Python Workers): no _hashlib (so no hashlib.pbkdf2_hmac), a
# stub ssl, no subprocesses, no sockets, no threads. The npm package is
# installed into $SECURESHIM_CACHE (default .cache/ in the checkout, not
# committed) and run with the machine's Node. As tox does elsewhere, the
# tests import the built wheel, unpacked with the pure-Python test
# requirements (tests/requirements-pyodide.txt) onto a sys.path entry.
# Without Node >= 18 or npm, "setup" says so and exits 3, and
# scripts/test-matrix.sh goes on without Pyodide.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

version=314.0.8  # CPython 3.14.2
python_version=3.14
cache=${SECURESHIM_CACHE:-$repo/.cache}
home=$cache/pyodide-$version
host_python=${SECURESHIM_HOST_PYTHON:-python3.11}

# shellcheck source=scripts/build-wheel.sh
. scripts/build-wheel.sh
say() { echo "pyodide: $*" >&2; }
impossible() { say "cannot set up Pyodide $version: $*"; exit 3; }

setup() {
    [ -f "$home/node_modules/pyodide/pyodide.mjs" ] && return 0
    command -v node >/dev/null 2>&1 || impossible "node is not installed"
    command -v npm >/dev/null 2>&1 || impossible "npm is not installed"
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 18 ] || impossible "node $major is too old (Pyodide needs 18+)"
    say "npm install pyodide@$version into $home"
    mkdir -p "$home"
    if ! npm install --prefix "$home" --no-audit --no-fund --no-save --silent \
            "pyodide@$version" >&2; then
        impossible "npm install pyodide@$version failed"
    fi
}

# The wheel and the test requirements, unpacked into one directory that
# goes on sys.path. The requirements are cached by the files naming them;
# the package is unpacked afresh each run.
site_dir() {
    local key deps site wheel
    key=$(cat tests/requirements-pyodide.txt setup.cfg | sha256sum | cut -c1-12)
    deps=$cache/pyodide-wheels-$key
    wheel=$(build_wheel "$cache/pyodide-dist")
    if [ ! -f "$deps/.complete" ]; then
        say "downloading the test requirements for Pyodide's CPython $python_version"
        rm -rf "$deps"
        if ! "$host_python" -m pip download -q --dest "$deps" --python-version "$python_version" \
                --implementation py --abi none --platform any --only-binary=:all: \
                -r tests/requirements-pyodide.txt "$wheel" >"$deps.log" 2>&1; then
            grep -v "^WARNING: Location" "$deps.log" >&2
            say "pip download failed (log: $deps.log)"
            exit 1
        fi
        rm -f "$deps"/secureshim-*.whl
        touch "$deps/.complete"
    fi
    site=$cache/pyodide-site
    rm -rf "$site"
    mkdir -p "$site"
    "$host_python" - "$site" "$deps"/*.whl "$wheel" <<'PY'
import sys, zipfile
for wheel in sys.argv[2:]:
    zipfile.ZipFile(wheel).extractall(sys.argv[1])
PY
    echo "$site"
}

run() {
    setup
    local site
    site=$(site_dir)
    node scripts/pyodide-run.mjs "$home/node_modules/pyodide" "$site" "$repo" -- "$@"
}

case "${1:-}" in
    setup) setup ;;
    test)
        shift
        if [ $# -eq 0 ]; then set -- -q -ra; fi  # tox.ini's {posargs:-q -ra}
        run -m pytest -p no:cacheprovider "$@"
        ;;
    python) shift; run "$@" ;;
    *) say "usage: $0 setup | test [PYTEST ARGS] | python ARGS"; exit 2 ;;
esac
