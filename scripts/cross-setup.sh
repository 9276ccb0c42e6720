#!/usr/bin/env bash
# Installs the toolchain that cross-builds board apps for the boards' CPUs, from Debian's packages:
#   rustc-web                      Debian's Rust compiler (the newest version the mirror serves for
#                                  the host and every target architecture)
#   libstd-rust-web-dev:armhf      its standard library for armv7-unknown-linux-gnueabihf (pynq-z2)
#   libstd-rust-web-dev:arm64      its standard library for aarch64-unknown-linux-gnu (zcu102)
#   gcc/g++-arm-linux-gnueabihf    the linker and the C++ compiler (the C simulation) for armv7
#   gcc/g++-aarch64-linux-gnu      the same for aarch64
#   qemu-user                      qemu-arm / qemu-aarch64, to run the built programs on this host
# then checks that each piece works: a Rust and a C++ program built for each target run under qemu.
#
# HLS4ML_CROSS_TARGETS (default: both targets above, space-separated) limits the targets.
# The downloaded .deb files stay in ${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/apt,
# outside the repository. When everything is installed already, nothing is downloaded.
#
# Progress goes to stderr. On success stdout gets the environment that makes the machine's cargo
# use this toolchain, as `export` lines:
#   eval "$(bash scripts/cross-setup.sh)"
#   cargo build --release --target armv7-unknown-linux-gnueabihf -p jet-tagger-app
set -euo pipefail

cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/apt"
# Rust target, Debian architecture, GNU triplet (the cross gcc's prefix and sysroot), qemu program.
known_targets=(
    "armv7-unknown-linux-gnueabihf armhf arm-linux-gnueabihf qemu-arm"
    "aarch64-unknown-linux-gnu arm64 aarch64-linux-gnu qemu-aarch64"
)
# Debian's rustc-web installs its compiler as /usr/bin/rustc (the package conflicts with rustc).
rustc=/usr/bin/rustc
host_arch="$(dpkg --print-architecture)"

say() { echo "cross-setup: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

targets=()
for want in ${HLS4ML_CROSS_TARGETS:-armv7-unknown-linux-gnueabihf aarch64-unknown-linux-gnu}; do
    found=""
    for t in "${known_targets[@]}"; do
        [[ "${t%% *}" == "$want" ]] && found="$t"
    done
    [[ -n "$found" ]] || die "unknown target $want (known: armv7-unknown-linux-gnueabihf aarch64-unknown-linux-gnu)"
    targets+=("$found")
done
[[ ${#targets[@]} -gt 0 ]] || die "HLS4ML_CROSS_TARGETS names no target"

# The Debian architectures of the targets.
archs() {
    local t arch
    for t in "${targets[@]}"; do
        read -r _ arch _ <<<"$t"
        echo "$arch"
    done
}

installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

# The packages still to install (the standard libraries must be the compiler's version).
missing() {
    local p t arch triplet want have
    for p in rustc-web qemu-user; do installed "$p" || echo "$p"; done
    want="$(dpkg-query -W -f='${Version}' rustc-web 2>/dev/null || true)"
    for t in "${targets[@]}"; do
        read -r _ arch triplet _ <<<"$t"
        for p in "gcc-$triplet" "g++-$triplet"; do installed "$p" || echo "$p"; done
        have="$(dpkg-query -W -f='${Version}' "libstd-rust-web-dev:$arch" 2>/dev/null || true)"
        if ! installed "libstd-rust-web-dev:$arch" || [[ "$have" != "$want" ]]; then
            echo "libstd-rust-web-dev:$arch"
        fi
    done
}

# The versions of a package the mirror serves for an architecture, one a line.
served() {
    apt-cache madison "$1:$2" | awk -F'|' -v a=" $2 " '$3 ~ a { gsub(/ /, "", $2); print $2 }' | sort -u
}

# The newest rustc-web version whose standard library is served for every target architecture.
common_version() {
    local versions arch best="" v
    versions="$(served rustc-web "$host_arch")"
    for arch in $(archs); do
        versions="$(comm -12 <(echo "$versions") <(served libstd-rust-web-dev "$arch"))"
    done
    for v in $versions; do
        if [[ -z "$best" ]] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
    done
    echo "$best"
}

install() {
    [[ "$(id -u)" == 0 ]] || die "installing packages needs root (apt-get); run this script as root"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian (bookworm)"
    mkdir -p "$cache/partial"
    local log="$cache/cross-setup.log" arch t triplet added=()
    for arch in $(archs); do
        if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
            say "adding the Debian architecture $arch"
            dpkg --add-architecture "$arch"
            added+=("$arch")
        fi
    done
    # APT::Sandbox::User=root: where /dev/null is not writable by _apt, sandboxed downloads fail and
    # apt keeps stale lists. --error-on=any makes any index that fails to download an error. The
    # indexes fetched are those of the host and the targets' architectures only.
    local apt=(apt-get -o APT::Sandbox::User=root -o Dir::Cache::archives="$cache")
    local update=(-o "APT::Architectures::=$host_arch")
    for arch in $(archs); do update+=(-o "APT::Architectures::=$arch"); done
    say "apt-get update ($host_arch $(echo $(archs)))"
    if ! "${apt[@]}" "${update[@]}" update --error-on=any -q >"$log" 2>&1; then
        grep -E '^(E|W|Err):' "$log" >&2 || cat "$log" >&2
        # An architecture whose indexes do not download would break every later apt-get update.
        for arch in "${added[@]}"; do dpkg --remove-architecture "$arch" || true; done
        die "apt-get update failed (above). An index that does not match the mirror's signed Release file
    (\"File has unexpected size ... Mirror sync in progress?\") is the mirror's fault: retry later, or
    limit the targets to those whose indexes download (HLS4ML_CROSS_TARGETS=aarch64-unknown-linux-gnu)"
    fi
    local version newest
    version="$(common_version)"
    [[ -n "$version" ]] ||
        die "the mirror serves no version of rustc-web together with libstd-rust-web-dev for $(echo $(archs))"
    newest="$(served rustc-web "$host_arch" | sort -V | tail -n 1)"
    [[ "$version" == "$newest" ]] ||
        say "note: rustc-web $newest has no standard library for $(echo $(archs)) on this mirror; installing $version"
    local packages=("rustc-web=$version" qemu-user)
    for t in "${targets[@]}"; do
        read -r _ arch triplet _ <<<"$t"
        packages+=("libstd-rust-web-dev:$arch=$version" "gcc-$triplet" "g++-$triplet")
    done
    say "installing ${packages[*]} (downloads kept in $cache)"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "${packages[@]}" >>"$log" 2>&1 ||
        { tail -n 40 "$log" >&2; die "apt-get install failed (above; the whole log is $log)"; }
}

todo="$(missing | tr '\n' ' ')"
if [[ -n "${todo// /}" ]]; then
    say "to install: $todo"
    install
    todo="$(missing | tr '\n' ' ')"
    [[ -z "${todo// /}" ]] || die "still missing after apt-get install: $todo"
else
    say "all packages installed"
fi

# --- Checks ---------------------------------------------------------------------------------------
[[ -x "$rustc" ]] || die "$rustc is missing although rustc-web is installed"
rustc_version="$("$rustc" --version)" || die "$rustc --version failed"
sysroot="$("$rustc" --print sysroot)" || die "$rustc --print sysroot failed"
say "rustc-web: $rustc_version (package $(dpkg-query -W -f='${Version}' rustc-web)), sysroot $sysroot"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'fn main() { println!("rust on {}", std::env::consts::ARCH); }\n' >"$work/hello.rs"
printf '#include <iostream>\nint main() { std::cout << "c++ on " << sizeof(void*) * 8 << " bits" << std::endl; }\n' \
    >"$work/hello.cpp"
for t in "${targets[@]}"; do
    read -r target arch triplet qemu <<<"$t"
    std_dir="$sysroot/lib/rustlib/$target/lib"
    compgen -G "$std_dir/libstd-*.rlib" >/dev/null ||
        die "no standard library for $target in $std_dir (package libstd-rust-web-dev:$arch)"
    for tool in "$triplet-gcc" "$triplet-g++" "$triplet-ar" "$qemu"; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
    done
    [[ -d "/usr/$triplet/lib" ]] || die "the cross sysroot /usr/$triplet is missing"
    "$rustc" --edition 2021 -O --target "$target" -C linker="$triplet-gcc" "$work/hello.rs" \
        -o "$work/hello-$target" >&2 || die "rustc cannot build for $target"
    rust_says="$("$qemu" -L "/usr/$triplet" "$work/hello-$target")" || die "$qemu cannot run a Rust program"
    "$triplet-g++" -O1 "$work/hello.cpp" -o "$work/hello-cpp-$target" >&2 || die "$triplet-g++ cannot build"
    cpp_says="$("$qemu" -L "/usr/$triplet" "$work/hello-cpp-$target")" || die "$qemu cannot run a C++ program"
    say "$target: std in $std_dir; under $qemu: \"$rust_says\", \"$cpp_says\""
done

# --- The environment for cargo --------------------------------------------------------------------
# cargo runs Debian's compiler through RUSTC (Debian's own cargo in bookworm is too old for the
# workspace); each target links with its cross gcc; the cc crate (the C simulation's C++) takes its
# compilers and archiver from CC_<target>, CXX_<target>, AR_<target>.
echo "export RUSTC=$rustc"
for t in "${targets[@]}"; do
    read -r target _ triplet _ <<<"$t"
    upper="$(echo "$target" | tr 'a-z-' 'A-Z_')"
    lower="${target//-/_}"
    echo "export CARGO_TARGET_${upper}_LINKER=$triplet-gcc"
    echo "export CC_${lower}=$triplet-gcc"
    echo "export CXX_${lower}=$triplet-g++"
    echo "export AR_${lower}=$triplet-ar"
done
say "ready"
