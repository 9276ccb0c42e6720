#!/usr/bin/env bash
# Cross-builds the board app (package jet-tagger-app, examples/jet_tagger_app) for the boards' CPUs
# and runs the built programs under qemu-user:
#   armv7-unknown-linux-gnueabihf  (pynq-z2)  qemu-arm -L /usr/arm-linux-gnueabihf
#   aarch64-unknown-linux-gnu      (zcu102)   qemu-aarch64 -L /usr/aarch64-linux-gnu
# The app's build.rs compiles the C simulation with the cc crate, so its C++ is cross-compiled too.
# Its programs: `jet-tagger-app` (the bundled samples on the emulator and a virtual board, which must
# agree bit for bit) and `smoke` (the board smoke test: .bit/.bin, .hwh, registers on a stand-in
# /dev/mem, the FPGA manager's files, a virtual-board prediction); each exits non-zero on a failure.
#
# Usage: scripts/cross-build.sh [BIN...]
#   BIN...                  the package's binaries to build and run (default: all of them)
#   HLS4ML_CROSS_TARGETS    the targets (default: both above, space-separated)
#   HLS4ML_CROSS_PACKAGE    the package (default: jet-tagger-app)
#   HLS4ML_CROSS_TOOLCHAIN  auto (default), debian or rustup: see scripts/cross-setup.sh
# The toolchain comes from scripts/cross-setup.sh (run first); the build goes to
# ${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/cross-target, outside the repository,
# and stays there so a second run only rebuilds what changed. Any failure stops the script with a
# non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}"
target_dir="$cache/cross-target"
package="${HLS4ML_CROSS_PACKAGE:-jet-tagger-app}"
targets="${HLS4ML_CROSS_TARGETS:-armv7-unknown-linux-gnueabihf aarch64-unknown-linux-gnu}"

say() { echo "cross-build: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

start="$(now)"
setup="$(HLS4ML_CROSS_TARGETS="$targets" bash scripts/cross-setup.sh)" || die "scripts/cross-setup.sh failed"
eval "$setup"
summary=("toolchain ready in $(since "$start") s: $RUSTC ($("$RUSTC" --version))")

# The package's folder: its programs read their data relative to it (../../models/...).
pkgid="$(cargo pkgid --offline "$package" 2>/dev/null || cargo pkgid "$package")" ||
    die "package $package not found in the workspace"
package_dir="${pkgid#path+file://}"
package_dir="${package_dir%%#*}"
[[ -f "$package_dir/Cargo.toml" ]] || die "package $package is not a local package ($pkgid)"

bins=()
for b in "$@"; do bins+=(--bin "$b"); done
[[ ${#bins[@]} -gt 0 ]] || bins=(--bins)

for target in $targets; do
    case "$target" in
        armv7-unknown-linux-gnueabihf) qemu=qemu-arm sysroot=/usr/arm-linux-gnueabihf ;;
        aarch64-unknown-linux-gnu) qemu=qemu-aarch64 sysroot=/usr/aarch64-linux-gnu ;;
        *) die "unknown target $target" ;;
    esac
    say "cargo build --release --target $target -p $package ${bins[*]}"
    t0="$(now)"
    messages="$(cargo build --release --target "$target" --target-dir "$target_dir" -p "$package" "${bins[@]}" \
        --message-format json-render-diagnostics)" || die "cargo build for $target failed"
    build_time="$(since "$t0")"
    # The programs cargo built: the executables of the package's `bin` targets.
    mapfile -t programs < <(echo "$messages" | grep '"reason":"compiler-artifact"' | grep '"kind":\["bin"\]' |
        grep -o '"executable":"[^"]*"' | sed 's/^"executable":"//; s/"$//')
    [[ ${#programs[@]} -gt 0 ]] || die "cargo built no program of $package for $target"
    summary+=("$target: built in $build_time s")
    for program in "${programs[@]}"; do
        if command -v file >/dev/null 2>&1; then say "$(basename "$program"): $(file -b "$program")"; fi
        say "$qemu -L $sysroot $program (in $package_dir)"
        t0="$(now)"
        (cd "$package_dir" && "$qemu" -L "$sysroot" "$program") ||
            die "$(basename "$program") failed under $qemu (exit status $?)"
        summary+=("$target: $(basename "$program") ran in $(since "$t0") s under $qemu")
    done
done

for line in "${summary[@]}"; do say "$line"; done
say "total $(since "$start") s"
