#!/usr/bin/env bash
# Installs the toolchain that cross-builds board apps for the boards' CPUs and checks that each
# piece works: a Rust and a C++ program built for each target run under qemu.
#
# Always from Debian (bookworm), through apt and its signed indexes:
#   gcc/g++-arm-linux-gnueabihf    the linker and the C++ compiler (the C simulation) for armv7
#   gcc/g++-aarch64-linux-gnu      the same for aarch64
#   qemu-user                      qemu-arm / qemu-aarch64, to run the built programs on this host
# The Rust compiler and the targets' standard libraries come from one of two toolchains
# (HLS4ML_CROSS_TOOLCHAIN):
#   debian   Debian's rustc-web and its libstd-rust-web-dev:armhf / :arm64 (multi-arch), all of the
#            newest version the mirror's verified indexes serve for the host and every target;
#   rustup   the machine's rustup toolchain (the one active in the current folder) with the targets'
#            standard libraries added by `rustup target add` (checked against the release's manifest);
#   auto     (default) Debian's when it is installed for every target; else rustup's when it is;
#            else Debian's is installed, unless an index it needs fails apt's verification (a mirror
#            serving a file that does not match its signed Release file: "File has unexpected size
#            ... Mirror sync in progress?"), in which case it says so and installs rustup's instead.
# A package from an index apt could not verify is never installed: with such an index, the newest
# version the verified indexes serve for every target is used only when it is the newest the host
# has (otherwise `debian` stops, saying which index and which command failed).
#
# HLS4ML_CROSS_TARGETS (default: both targets above, space-separated) limits the targets.
# Downloaded .deb files stay in ${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/apt,
# outside the repository, with the log of the last apt run (cross-setup.log). When everything is
# installed already, nothing is downloaded.
#
# Progress goes to stderr. On success stdout gets the environment that makes the machine's cargo
# use this toolchain, as `export` lines:
#   eval "$(bash scripts/cross-setup.sh)"
#   cargo build --release --target armv7-unknown-linux-gnueabihf -p jet-tagger-app
set -euo pipefail

cache="${HLS4ML_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hls4ml-rs}/apt"
log="$cache/cross-setup.log"
mode="${HLS4ML_CROSS_TOOLCHAIN:-auto}"
# Rust target, Debian architecture, GNU triplet (the cross gcc's prefix and sysroot), qemu program.
known_targets=(
    "armv7-unknown-linux-gnueabihf armhf arm-linux-gnueabihf qemu-arm"
    "aarch64-unknown-linux-gnu arm64 aarch64-linux-gnu qemu-aarch64"
)
# Debian's rustc-web installs its compiler as /usr/bin/rustc (the package conflicts with rustc).
debian_rustc=/usr/bin/rustc
host_arch="$(dpkg --print-architecture)"

say() { echo "cross-setup: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

case "$mode" in
    auto | debian | rustup) ;;
    *) die "HLS4ML_CROSS_TOOLCHAIN=$mode: expected auto, debian or rustup" ;;
esac

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

# The Debian packages every toolchain needs that are not installed yet.
missing_tools() {
    local t triplet p
    installed qemu-user || echo qemu-user
    for t in "${targets[@]}"; do
        read -r _ _ triplet _ <<<"$t"
        for p in "gcc-$triplet" "g++-$triplet"; do installed "$p" || echo "$p"; done
    done
}

# Debian's Rust packages not installed yet (the standard libraries must be the compiler's version).
missing_debian() {
    local t arch want have
    installed rustc-web || echo rustc-web
    want="$(dpkg-query -W -f='${Version}' rustc-web 2>/dev/null || true)"
    for t in "${targets[@]}"; do
        read -r _ arch _ <<<"$t"
        have="$(dpkg-query -W -f='${Version}' "libstd-rust-web-dev:$arch" 2>/dev/null || true)"
        if ! installed "libstd-rust-web-dev:$arch" || [[ "$have" != "$want" ]]; then
            echo "libstd-rust-web-dev:$arch"
        fi
    done
}

# rustup's toolchain for the current folder, and the targets it lacks.
rustup_toolchain() {
    rustup show active-toolchain 2>/dev/null | awk 'NR == 1 { print $1 }'
}
missing_rustup() {
    local t target have
    have="$(rustup target list --installed --toolchain "$(rustup_toolchain)" 2>/dev/null || true)"
    for t in "${targets[@]}"; do
        read -r target _ <<<"$t"
        grep -qx "$target" <<<"$have" || echo "rustup target $target"
    done
}
have_rustup() { command -v rustup >/dev/null 2>&1 && [[ -n "$(rustup_toolchain)" ]]; }

# The versions of a package the mirror's indexes (those apt verified) serve for an architecture.
served() {
    apt-cache madison "$1:$2" | awk -F'|' -v a=" $2 " '$3 ~ a { gsub(/ /, "", $2); print $2 }' | sort -u
}

newest() {
    local best="" v
    for v in "$@"; do
        if [[ -z "$best" ]] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
    done
    echo "$best"
}

# The newest rustc-web version whose standard library is served for every target architecture.
common_version() {
    local versions arch
    versions="$(served rustc-web "$host_arch")"
    for arch in $(archs); do
        versions="$(comm -12 <(echo "$versions") <(served libstd-rust-web-dev "$arch"))"
    done
    newest $versions
}

apt_ready() {
    [[ "$(id -u)" == 0 ]] || die "installing packages needs root (apt-get); run this script as root$1"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian (bookworm)"
    mkdir -p "$cache/partial"
}

# APT::Sandbox::User=root: where /dev/null is not writable by _apt, sandboxed downloads fail and
# apt keeps stale lists. The packages' .deb files are kept in the cache.
apt=(apt-get -o APT::Sandbox::User=root -o Dir::Cache::archives="$cache")

# apt-get update of the host's and the given architectures' indexes only. --error-on=any makes an
# index that fails to download or to verify an error; one retry, asking proxies not to answer from
# their caches. Returns 1 when an index still fails; update_errors then holds apt's own lines.
update_errors=""
update_command=""
apt_update() {
    local opts=(-o "APT::Architectures::=$host_arch") arch attempt
    for arch in "$@"; do opts+=(-o "APT::Architectures::=$arch"); done
    update_command="apt-get -o APT::Sandbox::User=root ${opts[*]} update --error-on=any"
    for attempt in 1 2; do
        local extra=() how=""
        if [[ $attempt == 2 ]]; then
            extra=(-o Acquire::http::No-Cache=true)
            how=", again, asking proxies not to answer from their caches"
        fi
        say "apt-get update ($host_arch $*)$how"
        if "${apt[@]}" "${opts[@]}" "${extra[@]}" update --error-on=any -q >"$log" 2>&1; then
            update_errors=""
            return 0
        fi
        update_errors="$(grep -E '^(E|W|Err):' "$log" || tail -n 20 "$log")"
        [[ $attempt == 1 ]] && sleep 5
    done
    return 1
}

apt_install() {
    say "installing $* (downloads kept in $cache)"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends --allow-downgrades "$@" \
        >>"$log" 2>&1 || {
        tail -n 40 "$log" >&2
        die "apt-get install failed (above; the whole log is $log)"
    }
}

# Installs Debian's toolchain. Returns 3, with the reason in `unverified`, when an index it needs
# failed apt's verification and the verified ones do not serve the host's newest version for every
# target; any other failure stops the script.
unverified=""
install_debian() {
    apt_ready " (or HLS4ML_CROSS_TOOLCHAIN=rustup with the cross compilers installed)"
    local arch added=() t triplet
    for arch in $(archs); do
        if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
            say "adding the Debian architecture $arch"
            dpkg --add-architecture "$arch" || die "dpkg --add-architecture $arch failed"
            added+=("$arch")
        fi
    done
    local updated=yes
    apt_update $(archs) || updated=no
    local version best
    version="$(common_version)"
    best="$(newest $(served rustc-web "$host_arch"))"
    if [[ $updated == no && (-z "$version" || "$version" != "$best") ]]; then
        local per_arch=""
        for arch in $(archs); do
            per_arch+=" $(newest $(served libstd-rust-web-dev "$arch") | sed 's/^$/none/') for $arch,"
        done
        # An architecture whose indexes do not download would break every later apt-get update.
        for arch in "${added[@]}"; do dpkg --remove-architecture "$arch" || true; done
        unverified="\`$update_command\` failed:
$(sed 's/^/    /' <<<"$update_errors")
  An index above does not match the mirror's signed Release file, so apt refuses it, and with it
  the new indexes of its whole suite. The verified indexes left serve rustc-web ${best:-(none)} for
  $host_arch but its standard library only in${per_arch%,}: Debian's toolchain cannot be installed
  for these targets from this mirror now (an older rustc-web for all of them, ${version:-none}, would
  replace the host's compiler, and may not build the workspace's dependencies)."
        return 3
    fi
    [[ -n "$version" ]] ||
        die "the mirror serves no version of rustc-web together with libstd-rust-web-dev for $(echo $(archs))"
    if [[ $updated == no ]]; then
        say "note: apt-get update reported (packages from these indexes are not used):"
        sed 's/^/    /' <<<"$update_errors" >&2
    fi
    [[ "$version" == "$best" ]] ||
        say "note: rustc-web $best has no standard library for $(echo $(archs)) on this mirror; installing $version"
    local packages=("rustc-web=$version" qemu-user)
    for t in "${targets[@]}"; do
        read -r _ arch triplet _ <<<"$t"
        packages+=("libstd-rust-web-dev:$arch=$version" "gcc-$triplet" "g++-$triplet")
    done
    apt_install "${packages[@]}"
}

# Installs what rustup's toolchain needs: the cross compilers and qemu from Debian, the targets'
# standard libraries through rustup.
install_rustup() {
    have_rustup || die "rustup is not installed (or has no active toolchain here)"
    local tools toolchain t target todo=()
    tools="$(missing_tools | tr '\n' ' ')"
    if [[ -n "${tools// /}" ]]; then
        apt_ready ""
        apt_update || die "\`$update_command\` failed:
$update_errors"
        apt_install $tools
    fi
    toolchain="$(rustup_toolchain)"
    for t in "${targets[@]}"; do
        read -r target _ <<<"$t"
        rustup target list --installed --toolchain "$toolchain" | grep -qx "$target" || todo+=("$target")
    done
    if [[ ${#todo[@]} -gt 0 ]]; then
        say "rustup target add --toolchain $toolchain ${todo[*]}"
        rustup target add --toolchain "$toolchain" "${todo[@]}" >&2 ||
            die "\`rustup target add --toolchain $toolchain ${todo[*]}\` failed (above)"
    fi
}

# --- The toolchain --------------------------------------------------------------------------------
chosen=""
case "$mode" in
    debian | rustup)
        chosen="$mode"
        todo="$(missing_tools; if [[ $mode == debian ]]; then missing_debian; else missing_rustup; fi)"
        if [[ -n "${todo//[[:space:]]/}" ]]; then
            say "to install: $(echo $todo)"
            if [[ $mode == rustup ]]; then
                install_rustup
            else
                rc=0
                install_debian || rc=$?
                [[ $rc == 0 ]] || die "$unverified
  Retry later, use rustup's standard libraries (HLS4ML_CROSS_TOOLCHAIN=rustup), or limit the targets to
  those whose indexes verify (HLS4ML_CROSS_TARGETS)."
            fi
        fi
        ;;
    auto)
        if [[ -z "$(missing_tools; missing_debian)" ]]; then
            chosen=debian
        elif have_rustup && [[ -z "$(missing_tools; missing_rustup)" ]]; then
            chosen=rustup
            say "Debian's Rust is not installed for every target ($(echo $(missing_debian))); rustup's is"
        else
            say "to install: $(echo $(missing_tools; missing_debian))"
            rc=0
            install_debian || rc=$?
            if [[ $rc == 0 ]]; then
                chosen=debian
            else
                say "$unverified"
                have_rustup || die "and rustup, the other toolchain, is not installed: retry later, or limit the
  targets to those whose indexes verify (HLS4ML_CROSS_TARGETS)"
                say "using rustup's toolchain with the targets' standard libraries from the Rust project instead"
                chosen=rustup
                install_rustup
            fi
        fi
        ;;
esac
todo="$(missing_tools; if [[ $chosen == debian ]]; then missing_debian; else missing_rustup; fi)"
[[ -z "${todo//[[:space:]]/}" ]] || die "still missing after installing: $(echo $todo)"

# --- Checks ---------------------------------------------------------------------------------------
if [[ $chosen == debian ]]; then
    rustc="$debian_rustc"
    [[ -x "$rustc" ]] || die "$rustc is missing although rustc-web is installed"
    origin="Debian's rustc-web $(dpkg-query -W -f='${Version}' rustc-web)"
else
    toolchain="$(rustup_toolchain)"
    rustc="$(rustup which --toolchain "$toolchain" rustc)" || die "rustup which --toolchain $toolchain rustc failed"
    origin="rustup's toolchain $toolchain"
fi
rustc_version="$("$rustc" --version)" || die "$rustc --version failed"
sysroot="$("$rustc" --print sysroot)" || die "$rustc --print sysroot failed"
say "$origin: $rustc_version ($rustc), sysroot $sysroot"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'fn main() { println!("rust on {}", std::env::consts::ARCH); }\n' >"$work/hello.rs"
printf '#include <iostream>\nint main() { std::cout << "c++ on " << sizeof(void*) * 8 << " bits" << std::endl; }\n' \
    >"$work/hello.cpp"
for t in "${targets[@]}"; do
    read -r target arch triplet qemu <<<"$t"
    std_dir="$sysroot/lib/rustlib/$target/lib"
    compgen -G "$std_dir/libstd-*.rlib" >/dev/null ||
        die "no standard library for $target in $std_dir"
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
# cargo runs the chosen compiler through RUSTC (Debian's own cargo in bookworm is too old for the
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
say "ready ($origin)"
