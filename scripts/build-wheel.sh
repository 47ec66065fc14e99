# Sourced by sid-python.sh and pyodide.sh, which test the built package as
# tox's envs do. build_wheel DIR: build the py2.py3 wheel into DIR (emptied
# first) with the host's pip ($host_python) and print its path. setuptools
# builds in the tree (build/, src/*.egg-info), so two builds at once can
# pack an empty wheel: a lock keeps them one at a time. test-matrix.sh and
# scripts/check_packaging.py take the same lock (a file named by a hash of
# the tree's physical path) for their builds.
#
# test-matrix.sh builds the wheel once and exports its path as
# SECURESHIM_WHEEL; then every build_wheel of the run returns that wheel
# instead of building the same one again.
build_wheel() {
    local dist=$1 lock
    if [ -n "${SECURESHIM_WHEEL:-}" ]; then
        echo "$SECURESHIM_WHEEL"
        return
    fi
    lock=${TMPDIR:-/tmp}/secureshim-build-$(pwd -P | sha256sum | cut -c1-12).lock
    rm -rf "$dist"
    mkdir -p "$dist"
    if ! flock "$lock" "$host_python" -m pip wheel -q --no-deps -w "$dist" . >"$dist.log" 2>&1; then
        cat "$dist.log" >&2
        echo "building the wheel failed" >&2
        exit 1
    fi
    if ! "$host_python" -c 'import sys, zipfile; sys.exit(not any(n.startswith("secureshim/__init__") for n in zipfile.ZipFile(sys.argv[1]).namelist()))' "$dist"/secureshim-*.whl; then
        echo "the built wheel has no secureshim package" >&2
        exit 1
    fi
    ls "$dist"/secureshim-*-py2.py3-none-any.whl
}
