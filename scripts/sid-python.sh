#!/usr/bin/env bash
# Run the test suite on CPython 3.14 or 3.15 from Debian's unstable suite.
#
#     bash scripts/sid-python.sh setup            # make the root; exit 3 if impossible
#     bash scripts/sid-python.sh test 3.15 [PYTEST ARGS]
#     bash scripts/sid-python.sh python 3.14 benchmarks/run_all.py ...
#
# Debian unstable ships python3.14 and python3.15, built against OpenSSL 3.6
# (pyenv's builds here use OpenSSL 3.0). They run in a chroot made with
# debootstrap from the mirror in this machine's own apt sources, cached
# between runs in $SECURESHIM_SID_ROOT (default /var/cache/secureshim/sid).
# Making it needs root, debootstrap (installed with apt-get when absent) and
# a Debian mirror; when any is missing, "setup" says why and exits 3, and
# scripts/test-matrix.sh goes on without 3.14/3.15, as it does for PyPy.
#
# As tox does for the other interpreters, the tests run against the built
# and installed package: the py2.py3 wheel is built on the host. pip inside
# the root cannot reach the package index with this machine's settings (its
# CA bundle and pip configuration differ), so the test requirements are
# downloaded on the host for the target interpreter's tags and installed
# inside with --no-index.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

cache=${SECURESHIM_CACHE_ROOT:-/var/cache/secureshim}
root=${SECURESHIM_SID_ROOT:-$cache/sid}
versions="3.14 3.15"
# Inside the root: where the repository is bind-mounted, and the venvs.
inner_src=/srv/secureshim
host_python=${SECURESHIM_HOST_PYTHON:-python3.11}

# shellcheck source=scripts/build-wheel.sh
. scripts/build-wheel.sh
say() { echo "sid-python: $*" >&2; }
impossible() { say "cannot set up CPython $versions from Debian unstable: $*"; exit 3; }

# The first Debian mirror of the apt sources (deb822 .sources, then the
# one-line format), read at run time so that no host name is in the repo.
mirror() {
    local file uri
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        uri=$(awk '
            /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
            /^URIs:/ && deb { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }
            /^$/ { deb = 0 }' "$file")
        if [ -n "$uri" ]; then echo "${uri%/}"; return; fi
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):\/\/.*\/debian\/?$/) { print $i; exit } }' "$file")
        if [ -n "$uri" ]; then echo "${uri%/}"; return; fi
    done
}

usable() {
    local v
    for v in $versions; do
        [ -x "$root/usr/bin/python$v" ] || return 1
    done
    [ -f "$root/.secureshim-complete" ]
}

setup() {
    [ "$(id -u)" = 0 ] || impossible "debootstrap, mount and chroot need root"
    if usable; then return 0; fi
    if ! command -v debootstrap >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 || impossible "no debootstrap and no apt-get to install it"
        say "installing debootstrap with apt-get"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq debootstrap >/dev/null; } \
            || impossible "apt-get could not install debootstrap"
    fi
    local url
    url=$(mirror)
    [ -n "$url" ] || impossible "no Debian mirror in /etc/apt/sources.list(.d)"
    say "debootstrap sid from $url into $root"
    rm -rf "$root.partial"
    mkdir -p "$(dirname "$root")"
    local start=$SECONDS
    if ! debootstrap --variant=minbase \
            --include=python3.14,python3.15,python3.14-venv,python3.15-venv,ca-certificates \
            sid "$root.partial" "$url" >"$cache/debootstrap.log" 2>&1; then
        tail -n 5 "$cache/debootstrap.log" >&2
        rm -rf "$root.partial"
        impossible "debootstrap failed (log: $cache/debootstrap.log)"
    fi
    touch "$root.partial/.secureshim-complete"
    rm -rf "$root"
    mv "$root.partial" "$root"
    say "root ready in $((SECONDS - start)) s"
}

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" || true
    done
    mounted=()
}

bind() {  # bind SOURCE TARGET-IN-ROOT
    mkdir -p "$root$2"
    mount --bind "$1" "$root$2"
    mounted+=("$root$2")
}

# The test requirements and the package's own dependencies for CPython $1,
# downloaded on the host into a cache keyed by the files that name them, so
# that a change refetches: wheels for the target's tags, and the source of
# the few that publish none (paho-mqtt 1.2.3, thrift 0.20.0), which pip
# builds inside the root.
download_wheels() {  # download_wheels VERSION WHEEL
    local v=$1 wheel=$2 tag=cp${1/./} key dir platforms="" minor attempt missing
    key=$(cat tests/requirements.txt setup.cfg | sha256sum | cut -c1-12)
    dir=$cache/wheels/$tag-$key
    if [ ! -f "$dir/.complete" ]; then
        say "downloading test requirements for CPython $v"
        rm -rf "$dir"
        mkdir -p "$dir"
        # The requirement lines that apply to CPython $v on Linux, markers
        # evaluated for it (pip evaluates them for the host otherwise).
        "$host_python" - "$v" tests/requirements.txt >"$dir.wanted" <<'PY'
import sys
from pip._vendor.packaging.requirements import Requirement
env = {"python_version": sys.argv[1], "python_full_version": sys.argv[1] + ".0",
       "platform_python_implementation": "CPython", "implementation_name": "cpython",
       "sys_platform": "linux", "os_name": "posix", "platform_system": "Linux"}
for line in open(sys.argv[2]):
    line = line.split("#")[0].strip()
    if line:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            req.marker = None
            print(req)
PY
        : >"$dir.sdists"
        # sid's glibc runs every manylinux tag up to 2.34; pip before 22
        # does not expand one --platform into the older tags itself.
        for minor in $(seq 34 -1 5); do
            platforms="$platforms --platform manylinux_2_${minor}_x86_64"
        done
        for attempt in 1 2 3 4 5 6; do
            # shellcheck disable=SC2086
            if "$host_python" -m pip download -q --dest "$dir" \
                    --python-version "$v" --implementation cp --abi "$tag" --abi abi3 --abi none \
                    $platforms --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
                    --platform any --only-binary=:all: \
                    -r "$dir.wanted" "$wheel" pip setuptools wheel >"$dir.log" 2>&1; then
                break
            fi
            missing=$(sed -n 's/^ERROR: No matching distribution found for \([A-Za-z0-9._-]*\).*/\1/p' "$dir.log" | head -n 1)
            if [ -z "$missing" ] || [ "$attempt" = 6 ]; then
                grep -v "^WARNING: Location" "$dir.log" >&2
                say "pip download failed (log: $dir.log)"
                exit 1
            fi
            grep -i "^$missing\([^A-Za-z0-9._-]\|$\)" "$dir.wanted" >>"$dir.sdists"
            grep -v -i "^$missing\([^A-Za-z0-9._-]\|$\)" "$dir.wanted" >"$dir.rest" || true
            mv "$dir.rest" "$dir.wanted"
        done
        if [ -s "$dir.sdists" ]; then
            say "no wheels for $(paste -sd' ' "$dir.sdists"); downloading their source"
            if ! "$host_python" -m pip download -q --dest "$dir" \
                    --no-binary "$(sed 's/[^A-Za-z0-9._-].*//' "$dir.sdists" | paste -sd, -)" \
                    -r "$dir.sdists" >"$dir.log" 2>&1; then
                grep -v "^WARNING: Location" "$dir.log" >&2
                say "pip download failed (log: $dir.log)"
                exit 1
            fi
        fi
        rm -f "$dir"/secureshim-*.whl
        touch "$dir/.complete"
    fi
    echo "$dir"
}

# Run a command inside the root with a clean environment (the host's pip
# settings point at paths that do not exist there).
in_root() {
    chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 PIP_CONFIG_FILE=/dev/null \
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"
}

# Set up the root and CPython $1's venv with the fresh wheel installed, and
# mount what the run needs; unmounted on exit.
prepare() {
    local v=$1 wheels wheel key
    case " $versions " in *" $v "*) ;; *) say "unknown version $v (one of: $versions)"; exit 2 ;; esac
    setup
    wheel=$(build_wheel "$cache/dist")
    wheels=$(download_wheels "$v" "$wheel")
    trap unmount_all EXIT
    bind /proc /proc
    bind /dev /dev
    bind /dev/pts /dev/pts  # pty tests (openpty)
    if mountpoint -q /dev/shm; then bind /dev/shm /dev/shm; fi
    bind "$repo" "$inner_src"
    bind "$wheels" /srv/wheels
    bind "$(dirname "$wheel")" /srv/dist
    # One venv per version, remade when the requirements change (as tox
    # does); the package itself is reinstalled from the fresh wheel.
    key=$(basename "$wheels")
    venv=/opt/venv-$v
    if [ ! -f "$root$venv/.secureshim-$key" ]; then
        rm -rf "$root$venv"
        in_root "python$v" -m venv "$venv"
        in_root "$venv/bin/python" -m pip install -q \
            --no-index --find-links /srv/wheels -r "$inner_src/tests/requirements.txt"
        touch "$root$venv/.secureshim-$key"
    fi
    # The fresh wheel replaces the last run's; then its dependencies.
    in_root "$venv/bin/python" -m pip install -q \
        --no-index --find-links /srv/wheels --force-reinstall --no-deps \
        "/srv/dist/$(basename "$wheel")"
    in_root "$venv/bin/python" -m pip install -q \
        --no-index --find-links /srv/wheels "/srv/dist/$(basename "$wheel")"
}

# Run a command in the checkout inside the root, with the venv first on
# PATH and the environment tox passes (CI, HYPOTHESIS_PROFILE,
# SECURESHIM_SLOW_VECTORS).
run_in_venv() {
    local status=0
    in_root PATH="$venv/bin:/usr/bin:/bin" PYTHONDONTWRITEBYTECODE=1 CI="${CI:-}" \
        HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-}" \
        SECURESHIM_SLOW_VECTORS="${SECURESHIM_SLOW_VECTORS:-}" \
        sh -c 'cd "$0" && exec "$@"' "$inner_src" "$@" || status=$?
    unmount_all
    trap - EXIT
    return $status
}

test_version() {
    local v=$1
    shift
    prepare "$v"
    if [ $# -eq 0 ]; then set -- -q -ra; fi  # tox.ini's {posargs:-q -ra}
    run_in_venv python -m pytest -p no:cacheprovider "$@"
}

case "${1:-}" in
    setup) setup ;;
    mirror) mirror ;;
    test) shift; [ $# -ge 1 ] || { say "usage: test VERSION [PYTEST ARGS]"; exit 2; }; test_version "$@" ;;
    python)
        shift
        [ $# -ge 1 ] || { say "usage: python VERSION [ARGS]"; exit 2; }
        v=$1
        shift
        prepare "$v"
        run_in_venv python "$@"
        ;;
    *) say "usage: $0 setup | mirror | test VERSION [PYTEST ARGS] | python VERSION [ARGS]"; exit 2 ;;
esac
