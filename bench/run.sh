#!/usr/bin/env bash
# The benchmark against hls4ml 1.3.0, in one command:
#   bash bench/run.sh            # the whole run (about 30-40 minutes on 2 cores)
#   bash bench/run.sh --quick    # fewer models and samples, a few minutes
#   bash bench/run.sh --help     # every option
# It prepares a Python with hls4ml 1.3.0, numpy, h5py and pyyaml from PyPI in a virtual environment
# kept outside the repository, ${HLS4ML_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-bench}/venv
# (a second run does no network access), builds bench/rust (`hls4ml-bench`) in release mode, and runs
# bench/bench.py, which prints the tables. Needs python3 with venv, g++ and a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

cache="${HLS4ML_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-bench}"
venv="$cache/venv"
die() { echo "bench: $*" >&2; exit 1; }

if [[ ! -x "$venv/bin/python" || ! -f "$venv/.complete" ]]; then
    command -v python3 >/dev/null 2>&1 || die "python3 not found"
    mkdir -p "$cache"
    echo "bench: preparing hls4ml 1.3.0 in $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" || die "could not create a virtual environment in $venv (Debian: apt-get install python3-venv)"
    # hls4ml's Keras 2 JSON + H5 path needs no TensorFlow: h5py reads the weights, pyyaml its config.
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        "hls4ml==1.3.0" numpy h5py pyyaml || die "could not install hls4ml 1.3.0 from PyPI"
    touch "$venv/.complete"
fi

command -v g++ >/dev/null 2>&1 || die "g++ not found (hls4ml compiles its C simulation with it)"
echo "bench: building bench/rust (release)" >&2
cargo build --release --quiet -p hls4ml-bench || die "could not build hls4ml-bench"
bin="${CARGO_TARGET_DIR:-$repo/target}/release/hls4ml-bench"
[[ -x "$bin" ]] || die "$bin not found after the build"

exec "$venv/bin/python" bench/bench.py --bin "$bin" "$@"
