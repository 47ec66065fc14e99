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

# Two lanes, on machines with two cores or more: the CPython envs from
# pyenv in one, everything else (PyPy, lint, typing, packaging, then 3.14,
# 3.15 and Pyodide, whose setups start at once) in the other, which runs in
# the background and prints its output when it ends. One lane after the
# other took over 30 minutes; two take about half. Each lane keeps one
# interpreter at a time, so the timing tests share the machine with one
# other suite, not many.
lane_a=""   # tox envs named pyNN: pyenv's CPython
lane_b=""   # the other tox envs
cpython=()
for env in ${tox_envs//,/ }; do
    case "$env" in
        py[0-9]*) cpython+=("$env") ;;
        *) lane_b="${lane_b:+$lane_b,}$env" ;;
    esac
done
# The second lane's own work (PyPy, lint, typing, packaging, 3.14, 3.15
# and Pyodide) took about 12.5 minutes, a CPython env about 2.3: with four
# CPython envs or more, the last two go to the second lane, after its tox
# envs, which evens the lanes out at about 17 minutes each.
moved=0
if [ ${#cpython[@]} -ge 4 ]; then moved=2; fi
for i in "${!cpython[@]}"; do
    if [ "$i" -lt $(( ${#cpython[@]} - moved )) ]; then
        lane_a="${lane_a:+$lane_a,}${cpython[$i]}"
    else
        lane_b="${lane_b:+$lane_b,}${cpython[$i]}"
    fi
done

logs=$(mktemp -d)
lane_b_pid=""
kill_tree() {  # kill_tree PID: the background lane, its tox and pytest
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
    kill "$1" 2>/dev/null || true
}
cleanup() {
    if [ -n "$lane_b_pid" ]; then kill_tree "$lane_b_pid"; fi
    rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

: >"$logs/results"
record() {  # record ENV STATUS: 0 passed, 3 could not be set up, else failed
    printf '%s\t%s\n' "$2" "$1" >>"$logs/results"
}

# Every tox env installs one wheel, built here once: two tox runs building
# their own sdists in the tree at the same time could pack a broken one.
# build_wheel (scripts/build-wheel.sh) takes the lock that the wheel builds
# of sid-python.sh and pyodide.sh, and check_packaging.py, take too.
install_args=()
if [ -n "$tox_envs" ]; then
    host_python="$venv/bin/python"
    # shellcheck source=scripts/build-wheel.sh
    . scripts/build-wheel.sh
    unset SECURESHIM_WHEEL  # this run's own wheel, never an inherited one
    SECURESHIM_WHEEL=$(build_wheel "$PWD/.tox/matrix-dist")
    export SECURESHIM_WHEEL  # sid-python.sh and pyodide.sh install it too
    install_args=(--installpkg "$SECURESHIM_WHEEL")
fi

run_tox() {  # run_tox WORKDIR ENVS
    local status=0
    "$venv/bin/tox" --workdir "$1" -e "$2" ${install_args[@]+"${install_args[@]}"} ${tox_args[@]+"${tox_args[@]}"} \
        ${pytest_args[@]+-- "${pytest_args[@]}"} || status=$?
    record "tox ($2)" "$([ $status = 3 ] && echo 1 || echo $status)"
}

run_lane_b() {
    # The chroot's debootstrap (minutes, mostly download and dpkg) and
    # Pyodide's npm install run while the tox envs of this lane run.
    local sid_setup="" pyodide_setup="" env status
    case " $extra_envs " in
        *" py314 "*|*" py315 "*)
            bash scripts/sid-python.sh setup >"$logs/sid" 2>&1 & sid_setup=$! ;;
    esac
    case " $extra_envs " in
        *" pyodide "*) bash scripts/pyodide.sh setup >"$logs/pyodide" 2>&1 & pyodide_setup=$! ;;
    esac
    if [ -n "$lane_b" ]; then run_tox .tox/lane-b "$lane_b"; fi
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
}
setup_status() {  # setup_status PID LOG: wait for a background setup once
    local status=0
    if [ ! -f "$2.status" ]; then
        wait "$1" || status=$?
        cat "$2" >&2
        echo $status >"$2.status"
    fi
    return "$(cat "$2.status")"
}

has_lane_b=""
if [ -n "$lane_b" ] || [ -n "$extra_envs" ]; then has_lane_b=1; fi
if [ -n "$lane_a" ] && [ -n "$has_lane_b" ] && [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
    echo "test-matrix: running ${lane_b:+$lane_b }$extra_envs in the background;" \
         "their output follows that of $lane_a" >&2
    run_lane_b >"$logs/lane-b" 2>&1 &
    lane_b_pid=$!
    run_tox .tox "$lane_a"
    wait "$lane_b_pid" || true
    lane_b_pid=""
    cat "$logs/lane-b" >&2
else
    if [ -n "$lane_a" ]; then run_tox .tox "$lane_a"; fi
    if [ -n "$has_lane_b" ]; then run_lane_b; fi
fi

passed=()
failed=()
not_set_up=()
while IFS=$'\t' read -r status env; do
    case "$status" in
        0) passed+=("$env") ;;
        3) not_set_up+=("$env") ;;
        *) failed+=("$env") ;;
    esac
done <"$logs/results"

echo >&2
echo "test-matrix: passed: ${passed[*]:-none}" >&2
if [ ${#not_set_up[@]} -gt 0 ]; then
    echo "test-matrix: NOT TESTED (cannot be set up on this machine; see above): ${not_set_up[*]}" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "test-matrix: FAILED: ${failed[*]}" >&2
    exit 1
fi
