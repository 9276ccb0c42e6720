#!/usr/bin/env bash
# Installs XRT's runtime libraries from Debian (package libxrt1: libxrt_coreutil.so.2 and
# libxrt_core.so.2, no card driver) for the Alveo backend's tests, and makes an XRT installation
# folder for them.
#
# XRT's device layer reads XILINX_XRT and loads $XILINX_XRT/lib/libxrt_core.so.2; when the variable
# is unset, or that file is missing, the first device call throws through XRT's C API and the
# process aborts. With it set to a folder that has that file, xrtDeviceOpen returns NULL and sets
# errno (no card). Debian installs the libraries in /usr/lib/<multiarch>/, which has no such
# folder above it, so this script makes one: <cache>/xrt with `lib` linked to that folder and a
# setup.sh like the one of AMD's packages.
#
# Idempotent, and quick when libxrt1 is installed already (no apt-get). Diagnostics go to stderr;
# stdout gets the XILINX_XRT value, and nothing else:
#   export XILINX_XRT="$(bash scripts/setup-xrt.sh)"
# The folder is ${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/xrt, outside the
# repository.
set -euo pipefail

cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}"
home="$cache/xrt"

say() { echo "setup-xrt: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

if [[ "$(dpkg-query -W -f='${db:Status-Status}' libxrt1 2>/dev/null)" != installed ]]; then
    [[ "$(id -u)" == 0 ]] || die "libxrt1 is not installed, and installing it needs root (apt-get)"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian (bookworm or newer)"
    mkdir -p "$cache/apt/partial"
    log="$cache/apt/setup-xrt.log"
    # APT::Sandbox::User=root: where /dev/null is not writable by _apt, sandboxed downloads fail and
    # apt keeps stale lists; --error-on=any makes any index that fails to download an error. Only
    # the host architecture's indexes are needed for libxrt1.
    apt=(apt-get -o APT::Sandbox::User=root -o Dir::Cache::archives="$cache/apt")
    say "apt-get update"
    "${apt[@]}" -o APT::Architectures::="$(dpkg --print-architecture)" update --error-on=any -q >"$log" 2>&1 ||
        { cat "$log" >&2; die "apt-get update failed (above)"; }
    say "apt-get install libxrt1"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends libxrt1 >>"$log" 2>&1 ||
        { tail -n 40 "$log" >&2; die "apt-get install libxrt1 failed (above)"; }
fi
version="$(dpkg-query -W -f='${Version}' libxrt1)"

# Where the package put the libraries (the loader finds them there without LD_LIBRARY_PATH).
coreutil="$(dpkg -L libxrt1 | grep '/libxrt_coreutil\.so\.2$' | head -n 1)"
[[ -n "$coreutil" && -e "$coreutil" ]] || die "libxrt1 $version has no libxrt_coreutil.so.2"
lib="$(dirname "$coreutil")"
[[ -e "$lib/libxrt_core.so.2" ]] || die "libxrt1 $version has no libxrt_core.so.2 beside $coreutil"
say "libxrt1 $version: $coreutil"

# The installation folder: lib -> the package's library folder, and setup.sh.
mkdir -p "$home"
if [[ "$(readlink "$home/lib" 2>/dev/null)" != "$lib" ]]; then
    rm -rf "$home/lib"
    ln -s "$lib" "$home/lib"
fi
cat >"$home/setup.sh.new" <<EOF
# XRT from Debian's libxrt1 $version, as an installation folder (written by hls4ml's setup-xrt.sh).
export XILINX_XRT="$home"
EOF
mv "$home/setup.sh.new" "$home/setup.sh"
[[ -e "$home/lib/libxrt_core.so.2" ]] || die "$home/lib/libxrt_core.so.2 does not resolve"
say "XILINX_XRT=$home makes XRT return errors (no card: xrtDeviceOpen gives NULL and errno) instead of aborting;"
say "  it is an installation folder whose lib/ links to $lib (source $home/setup.sh to set it)"
echo "$home"
