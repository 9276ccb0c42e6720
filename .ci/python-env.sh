#!/usr/bin/env bash
# Prepares a Python with numpy for the tests of the generated Python drivers, in a virtual
# environment kept in the cache outside the repository:
#   ${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/venv
# On success the interpreter's path is printed on stdout (and nothing else). A second run with a
# populated cache does no network access.
set -euo pipefail

cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}"
venv="$cache/venv"
die() { echo "python-env: $*" >&2; exit 1; }

if [[ -x "$venv/bin/python" && -f "$venv/.complete" ]]; then
    echo "$venv/bin/python"
    exit 0
fi
command -v python3 >/dev/null 2>&1 || die "python3 not found"
mkdir -p "$cache"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.venv.lock"
    flock 9
    if [[ -x "$venv/bin/python" && -f "$venv/.complete" ]]; then
        echo "$venv/bin/python"
        exit 0
    fi
fi
rm -rf "$venv"
python3 -m venv "$venv" 1>&2 || die "could not create a virtual environment in $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet numpy 1>&2 \
    || die "could not install numpy from PyPI"
touch "$venv/.complete"
echo "$venv/bin/python"
