#!/usr/bin/env bash
# Runs every test of the workspace. Tests read the reference models from ../shared/ (skipped with a
# message when it is absent, a failure under CI=true). The genuine Xilinx ap_* headers, the oracle of
# the header conformance suite and of the firmware's bit-exactness, come from the hls4ml wheel on
# PyPI, fetched into a cache outside the repository by .ci/fetch-ap-types.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AP_TYPES_INCLUDE:-}" ]; then
  if inc=$(bash .ci/fetch-ap-types.sh); then
    export AP_TYPES_INCLUDE="$inc"
  elif [ "${CI:-}" = true ]; then
    echo "error: cannot fetch the genuine ap_* headers (hls4ml wheel from PyPI)" >&2
    exit 1
  else
    echo "SKIPPED: the genuine ap_* headers could not be fetched; comparisons against them will not run" >&2
  fi
fi
# The hls4ml wheel itself: its Tcl scripts are replayed through the Tcl recorder of the dry-run tests.
if [ -z "${HLS4ML_WHEEL:-}" ] && [ -n "${AP_TYPES_INCLUDE:-}" ]; then
  cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}"
  wheel=$(find "$cache/wheels" -name 'hls4ml-1.3.0-*.whl' -print -quit 2>/dev/null || true)
  [ -n "$wheel" ] && export HLS4ML_WHEEL="$wheel"
fi
# tclsh runs the generated Tcl through the recorder of the dry-run tests (Debian package `tcl`).
if ! command -v tclsh >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing tcl (tclsh) for the Tcl dry-run tests" >&2
    apt-get install -y -qq tcl >&2 || { apt-get update -qq >&2 && apt-get install -y -qq tcl >&2; } || true
  fi
  command -v tclsh >/dev/null 2>&1 || echo "SKIPPED: no tclsh; the Tcl dry-run tests will not run (they fail under CI=true)" >&2
fi
# A Python with numpy for the tests of the generated Python drivers.
if [ -z "${HLS4ML_PYTHON:-}" ]; then
  if py=$(bash .ci/python-env.sh); then
    export HLS4ML_PYTHON="$py"
  elif [ "${CI:-}" = true ]; then
    echo "error: cannot prepare a Python with numpy (PyPI)" >&2
    exit 1
  else
    echo "SKIPPED: no Python with numpy; the Python driver tests will not run" >&2
  fi
fi
# Debian's XRT (libxrt1, no card) for the Alveo backend's tests: opening a card must fail cleanly.
if ! bash scripts/setup-xrt.sh >/dev/null; then
  if [ "${CI:-}" = true ]; then
    echo "error: cannot install Debian's libxrt1 for the Alveo backend's tests" >&2
    exit 1
  fi
  echo "SKIPPED: no libxrt1; the Alveo backend's tests against XRT will not run" >&2
fi
cargo test --workspace --release "$@"
