#!/usr/bin/env bash
# Fetches the Xilinx arbitrary-precision headers (ap_int.h, ap_fixed.h, ...) that ship inside the
# hls4ml wheel on PyPI, for use as the reference ("oracle") in conformance tests.
#
# The wheel and the extracted headers stay in a cache directory outside the repository:
#   ${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}
# On success the include directory is printed on stdout (and nothing else); all diagnostics go to
# stderr. A second run with a populated cache does no network access.
set -euo pipefail

version="1.3.0"
cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}"
wheel_dir="$cache/wheels/hls4ml-$version"
dest="$cache/ap_types/hls4ml-$version"
inner="hls4ml/templates/vivado/ap_types"
include_dir="$dest/$inner"

die() { echo "fetch-ap-types: $*" >&2; exit 1; }

# Fast path: already extracted (the stamp is written only after a complete extraction).
if [[ -f "$dest/.complete" && -f "$include_dir/ap_fixed.h" ]]; then
    echo "$include_dir"
    exit 0
fi

command -v python3 >/dev/null 2>&1 || die "python3 not found (needed to download the hls4ml wheel)"
mkdir -p "$wheel_dir"

# Concurrent runs (parallel tests) take turns; the one that waited finds the work done.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.lock"
    flock 9
    if [[ -f "$dest/.complete" && -f "$include_dir/ap_fixed.h" ]]; then
        echo "$include_dir"
        exit 0
    fi
fi

wheel="$(find "$wheel_dir" -maxdepth 1 -name "hls4ml-$version-*.whl" -print -quit)"
if [[ -z "$wheel" ]]; then
    echo "fetch-ap-types: downloading hls4ml==$version into $wheel_dir" >&2
    # pip's own progress output must not reach stdout.
    if ! python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
            "hls4ml==$version" -d "$wheel_dir" 1>&2; then
        die "could not download hls4ml==$version from PyPI"
    fi
    wheel="$(find "$wheel_dir" -maxdepth 1 -name "hls4ml-$version-*.whl" -print -quit)"
    [[ -n "$wheel" ]] || die "pip reported success but no hls4ml-$version wheel is in $wheel_dir"
fi

# Extract only the ap_types folder, into a temporary directory first so that an interrupted run
# never leaves a half-populated include directory behind.
tmp="$(mktemp -d "$cache/.extract.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if command -v unzip >/dev/null 2>&1; then
    unzip -q "$wheel" "$inner/*" -d "$tmp" 1>&2 || die "unzip failed on $wheel"
else
    python3 - "$wheel" "$inner/" "$tmp" 1>&2 <<'PY' || die "extraction failed on $wheel"
import sys, zipfile
wheel, prefix, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix)]
    if not names:
        sys.exit("no %s in %s" % (prefix, wheel))
    z.extractall(out, names)
PY
fi
[[ -f "$tmp/$inner/ap_fixed.h" ]] || die "$wheel has no $inner/ap_fixed.h"

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp" "$dest"
trap - EXIT
touch "$dest/.complete"
echo "$include_dir"
