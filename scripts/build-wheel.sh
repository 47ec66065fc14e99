# Sourced by sid-python.sh and pyodide.sh, which test the built package as
# tox's envs do. build_wheel DIR: build the py2.py3 wheel into DIR (emptied
# first) with the host's pip ($host_python) and print its path.
build_wheel() {
    local dist=$1
    rm -rf "$dist"
    mkdir -p "$dist"
    if ! "$host_python" -m pip wheel -q --no-deps -w "$dist" . >"$dist.log" 2>&1; then
        cat "$dist.log" >&2
        echo "building the wheel failed" >&2
        exit 1
    fi
    ls "$dist"/secureshim-*-py2.py3-none-any.whl
}
