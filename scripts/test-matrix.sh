#!/usr/bin/env bash
# Run the whole test matrix: CPython 2.7 and 3.6-3.13 from pyenv, PyPy when
# pypy3 is installed, plus the lint, typing and packaging environments.
# Extra arguments go to tox (e.g. -e py311).
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
# PyPy is supported where it can be installed (Debian's pypy3, not pyenv):
# a full run includes it when it is on PATH and says so when it is not.
# A run restricted with -e or TOXENV is left as asked.
restricted=no
for arg in "$@"; do
    case "$arg" in
        --) break ;;  # the rest goes to pytest
        --env|--env=*) restricted=yes ;;
        --*) ;;
        -*e*) restricted=yes ;;  # -e, -eENV, or combined as in -re
    esac
done
if [ "$restricted" = no ] && [ -z "${TOXENV:-}" ]; then
    if command -v pypy3 >/dev/null 2>&1; then
        envs=$("$venv/bin/tox" -l | paste -sd, -)
        case "$envs" in
            *py311*) ;;
            *) echo "test-matrix: tox -l listed no CPython envs: '$envs'" >&2; exit 1 ;;
        esac
        exec "$venv/bin/tox" -e "$envs,pypy3" "$@"
    fi
    echo "test-matrix: pypy3 is not on PATH; PyPy is not tested" \
         "(apt-get install pypy3 pypy3-venv)" >&2
fi
exec "$venv/bin/tox" "$@"
