#!/usr/bin/env bash
# Run the whole test matrix: CPython 2.7 and 3.6-3.13 from pyenv (tox),
# PyPy when pypy3 is installed, CPython 3.14 and 3.15 from Debian unstable
# in a chroot (scripts/sid-python.sh), Pyodide under Node
# (scripts/pyodide.sh), plus the lint, typing and packaging environments.
#
#     bash scripts/test-matrix.sh                     # everything
#     bash scripts/test-matrix.sh -e py311,py315      # some envs
#     bash scripts/test-matrix.sh -e pyodide -- tests/test_pbkdf2.py
#
# Arguments go to tox; after "--", to pytest. -e (or TOXENV) picks envs,
# tox's and the three others' (py314, py315, pyodide) alike. A full run
# includes PyPy, 3.14, 3.15 and Pyodide where they can be set up here and
# says so where they cannot; once set up, an env that fails fails the run.
#
# tox cannot find pyenv's interpreters through its shims, so every installed
# version's bin directory goes on PATH; a missing interpreter is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

root=$(pyenv root)
wanted="2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13"
for minor in $wanted; do
    dir=$(ls -d "$root"/versions/"$minor".* 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$dir" ] || [ ! -x "$dir/bin/python$minor" ]; then
        echo "test-matrix: Python $minor is not installed with pyenv" >&2
        exit 1
    fi
    PATH="$dir/bin:$PATH"
done
export PATH

# tox 3 (tox 4 cannot create 2.7 environments), in a venv of its own.
venv=.venv-tox
if [ ! -x "$venv/bin/tox" ]; then
    python3.11 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q "tox<4" "virtualenv<20.22"
fi

# Split the arguments: tox's own, the envs asked for, pytest's after "--".
tox_args=()
pytest_args=()
requested=${TOXENV:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --) shift; pytest_args=("$@"); break ;;
        -e|--env) requested="${requested:+$requested,}${2:?-e needs a value}"; shift 2 ;;
        --env=*) requested="${requested:+$requested,}${1#--env=}"; shift ;;
        -e*) requested="${requested:+$requested,}${1#-e}"; shift ;;
        *) tox_args+=("$1"); shift ;;
    esac
done
unset TOXENV

outside="py314 py315 pyodide"  # envs run by this script, not tox
tox_envs=""
extra_envs=""
if [ -n "$requested" ]; then
    for env in ${requested//,/ }; do
        case " $outside " in
            *" $env "*) extra_envs="$extra_envs $env" ;;
            *) tox_envs="${tox_envs:+$tox_envs,}$env" ;;
        esac
    done
else
    tox_envs=$("$venv/bin/tox" -l | paste -sd, -)
    case "$tox_envs" in
        *py311*) ;;
        *) echo "test-matrix: tox -l listed no CPython envs: '$tox_envs'" >&2; exit 1 ;;
    esac
    # PyPy is supported where it can be installed (Debian's pypy3, not
    # pyenv): a full run includes it when it is on PATH.
    if command -v pypy3 >/dev/null 2>&1; then
        tox_envs="$tox_envs,pypy3"
    else
        echo "test-matrix: pypy3 is not on PATH; PyPy is not tested" \
             "(apt-get install pypy3 pypy3-venv)" >&2
    fi
    extra_envs=$outside
fi

failed=()
passed=()
not_set_up=()
record() {  # record ENV STATUS
    case "$2" in
        0) passed+=("$1") ;;
        3) not_set_up+=("$1") ;;
        *) failed+=("$1") ;;
    esac
}

# The chroot's debootstrap (minutes, mostly download and dpkg) and
# Pyodide's npm install run in the background while tox runs; their output
# is shown when their envs' turn comes.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
sid_setup=""
pyodide_setup=""
case " $extra_envs " in
    *" py314 "*|*" py315 "*)
        bash scripts/sid-python.sh setup >"$logs/sid" 2>&1 & sid_setup=$! ;;
esac
case " $extra_envs " in
    *" pyodide "*) bash scripts/pyodide.sh setup >"$logs/pyodide" 2>&1 & pyodide_setup=$! ;;
esac
setup_status() {  # setup_status PID LOG: wait for a background setup once
    local status=0
    if [ ! -f "$2.status" ]; then
        wait "$1" || status=$?
        cat "$2" >&2
        echo $status >"$2.status"
    fi
    return "$(cat "$2.status")"
}

if [ -n "$tox_envs" ]; then
    status=0
    "$venv/bin/tox" -e "$tox_envs" "${tox_args[@]}" ${pytest_args[@]+-- "${pytest_args[@]}"} \
        || status=$?
    record "tox ($tox_envs)" "$([ $status = 3 ] && echo 1 || echo $status)"
fi

for env in $extra_envs; do
    echo "test-matrix: $env" >&2
    status=0
    case "$env" in
        py314|py315)
            setup_status "$sid_setup" "$logs/sid" || status=$?
            if [ $status = 0 ]; then
                bash scripts/sid-python.sh test "3.${env#py3}" ${pytest_args[@]+"${pytest_args[@]}"} \
                    || status=$?
                [ $status != 3 ] || status=1
            fi
            ;;
        pyodide)
            setup_status "$pyodide_setup" "$logs/pyodide" || status=$?
            if [ $status = 0 ]; then
                bash scripts/pyodide.sh test ${pytest_args[@]+"${pytest_args[@]}"} || status=$?
                [ $status != 3 ] || status=1
            fi
            ;;
    esac
    record "$env" "$status"
done

echo >&2
echo "test-matrix: passed: ${passed[*]:-none}" >&2
if [ ${#not_set_up[@]} -gt 0 ]; then
    echo "test-matrix: NOT TESTED (cannot be set up on this machine; see above): ${not_set_up[*]}" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "test-matrix: FAILED: ${failed[*]}" >&2
    exit 1
fi
