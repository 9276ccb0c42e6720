#!/usr/bin/env bash
# Runs every test of the workspace. Tests read the reference models from ../shared/ (skipped with a
# message when it is absent, a failure under CI=true). The ap_* conformance test fetches the hls4ml
# wheel from PyPI into a cache outside the repository (.ci/fetch-ap-types.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --release "$@"
