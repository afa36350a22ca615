#!/bin/sh
# build-linux.sh - rebuild Tern's default Linux guest (roms/linux/).
#
# Produces, from Debian packages only:
#   roms/linux/Image.zst             RISC-V Linux 6.1 kernel (flat Image), zstd -19
#   roms/linux/System.map.zst        its text symbols (for GDB: roms/symbols-elf.py), zstd -19
#   roms/linux/initramfs.cpio.zst    newc cpio: static busybox, /init, inittab, zstd -19
#
# Inputs
#   - Kernel: Debian 12 `linux-source-6.1` (/usr/src/linux-source-6.1.tar.xz), configured with
#     `make allnoconfig` + the fragment roms/linux/tern_defconfig, cross-compiled with Debian's
#     `gcc-riscv64-linux-gnu`.
#   - Busybox: `busybox-static` for riscv64 from the current Debian *stable* suite (Debian 12 has
#     no riscv64 port). It is fetched with apt using a private, temporary apt configuration
#     under $BUILD_DIR (own sources list, own lists/cache/status) so the host's apt state is not
#     touched. The mirror is read at run time from /etc/apt/sources.list.d/debian.sources.
#   - Initramfs skeleton: roms/linux/rootfs/ (init script, inittab, profile), packed with the
#     kernel's own usr/gen_init_cpio so no root privileges are needed for /dev/console.
#
# Host packages needed (Debian 12):
#   apt-get install linux-source-6.1 gcc-riscv64-linux-gnu make bc bison flex libssl-dev \
#                   libelf-dev cpio zstd xz-utils
#
# Usage
#   roms/build-linux.sh [all|kernel|initramfs]      (default: all)
# Environment
#   BUILD_DIR   scratch directory (default: ${TMPDIR:-/tmp}/tern-roms-build); kept between runs
#               so a second run is incremental.
#   JOBS        parallel make jobs (default: 2); the build runs under `nice -n 19`.
#   OUT_DIR     where the two images go (default: roms/linux, i.e. replace the committed ones).
#
# Idempotent: re-running reuses the extracted sources, the kernel object tree and the
# downloaded .deb, and rewrites the two output images.
set -eu

what=${1:-all}
case $what in all|kernel|initramfs) ;; *) echo "usage: $0 [all|kernel|initramfs]" >&2; exit 2 ;; esac

ROMS=$(cd "$(dirname "$0")" && pwd)
SRC=$ROMS/linux                  # inputs: tern_defconfig, rootfs/
OUT=${OUT_DIR:-$ROMS/linux}      # outputs: Image.zst, initramfs.cpio.zst
BUILD_DIR=${BUILD_DIR:-${TMPDIR:-/tmp}/tern-roms-build}
JOBS=${JOBS:-2}
KSRC_TAR=/usr/src/linux-source-6.1.tar.xz
KSRC=$BUILD_DIR/linux-source-6.1
KOBJ=$BUILD_DIR/obj
CROSS=riscv64-linux-gnu-
KMAKE="make -C $KSRC ARCH=riscv CROSS_COMPILE=$CROSS O=$KOBJ"

mkdir -p "$BUILD_DIR" "$OUT"

need() { command -v "$1" >/dev/null 2>&1 || { echo "missing tool: $1 (see header of $0)" >&2; exit 1; }; }

extract_kernel_source() {
    [ -f "$KSRC/Makefile" ] && return 0
    [ -f "$KSRC_TAR" ] || { echo "missing $KSRC_TAR: apt-get install linux-source-6.1" >&2; exit 1; }
    echo ">> extracting $KSRC_TAR"
    tar -C "$BUILD_DIR" -xf "$KSRC_TAR"
}

build_kernel() {
    for t in ${CROSS}gcc make bc bison flex zstd; do need "$t"; done
    extract_kernel_source
    echo ">> configuring (allnoconfig + roms/linux/tern_defconfig)"
    KCONFIG_ALLCONFIG=$SRC/tern_defconfig $KMAKE -s allnoconfig
    # Every line of the fragment must survive Kconfig, or the fragment is stale.
    missing=$(grep -E '^(CONFIG_[A-Za-z0-9_]+=.*|# CONFIG_[A-Za-z0-9_]+ is not set)$' "$SRC/tern_defconfig" |
              grep -vxF -f "$KOBJ/.config" || true)
    if [ -n "$missing" ]; then
        echo "warning: fragment lines not in the final .config:" >&2
        echo "$missing" >&2
    fi
    # Fixed build identity (uname -v, /proc/version) so a rebuild does not differ just by
    # date, user or host name; the date is that of the Debian source tarball.
    KBUILD_BUILD_TIMESTAMP=$(date -u -r "$KSRC_TAR" '+%a %b %e %H:%M:%S UTC %Y')
    KBUILD_BUILD_USER=tern KBUILD_BUILD_HOST=tern KBUILD_BUILD_VERSION=1
    export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_USER KBUILD_BUILD_HOST KBUILD_BUILD_VERSION
    echo ">> building Image (nice -n 19, -j$JOBS)"
    nice -n 19 $KMAKE -j"$JOBS" Image
    zstd -q -19 -f "$KOBJ/arch/riscv/boot/Image" -o "$OUT/Image.zst"
    chmod 0644 "$OUT/Image.zst"
    echo ">> wrote $OUT/Image.zst"
    # The text symbols (functions below _etext), for GDB through roms/symbols-elf.py.
    etext=$(awk '$3 == "_etext" { print $1 }' "$KOBJ/System.map")
    awk -v etext="$etext" '$2 ~ /^[tTwW]$/ && $1 >= "ffffffff80000000" && $1 < etext' "$KOBJ/System.map" |
        zstd -q -19 -f -o "$OUT/System.map.zst"
    chmod 0644 "$OUT/System.map.zst"
    echo ">> wrote $OUT/System.map.zst"
}

# Mirror URI of the first deb822 stanza (the main archive) in the host's debian.sources.
debian_mirror() {
    awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources
}

fetch_busybox() {
    need apt-get; need dpkg-deb
    deb=$(ls "$BUILD_DIR"/busybox-static_*_riscv64.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        mirror=$(debian_mirror)
        [ -n "$mirror" ] || { echo "no URIs: line in /etc/apt/sources.list.d/debian.sources" >&2; exit 1; }
        # A private apt root: its own sources list, lists, cache and (empty) dpkg status, and
        # riscv64 as the only architecture. Nothing under /etc/apt or /var/lib/apt changes.
        A=$BUILD_DIR/apt-riscv64
        rm -rf "$A"
        mkdir -p "$A/etc/sources.list.d" "$A/etc/preferences.d" "$A/lists/partial" \
                 "$A/cache/archives/partial"
        : > "$A/status"
        aptopts="-o Dir::Etc::SourceList=$A/etc/sources.list
                 -o Dir::Etc::SourceParts=$A/etc/sources.list.d -o Dir::Etc::PreferencesParts=$A/etc/preferences.d
                 -o Dir::State::Lists=$A/lists -o Dir::State::status=$A/status -o Dir::Cache=$A/cache
                 -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
                 -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
        echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror stable main" \
            > "$A/etc/sources.list"
        echo ">> apt-get update (private riscv64 apt root)"
        # shellcheck disable=SC2086
        if ! apt-get $aptopts -q update; then
            # The host keyring may predate the current stable release's key.
            echo ">> signature check failed; retrying with trusted=yes" >&2
            echo "deb [arch=riscv64 trusted=yes] $mirror stable main" > "$A/etc/sources.list"
            # shellcheck disable=SC2086
            apt-get $aptopts -q update
        fi
        # shellcheck disable=SC2086
        (cd "$BUILD_DIR" && apt-get $aptopts -q download busybox-static:riscv64)
        rm -rf "$A"   # drop the temporary source list and its package lists
        deb=$(ls "$BUILD_DIR"/busybox-static_*_riscv64.deb | head -n 1)
    fi
    echo ">> using $(basename "$deb")"
    rm -rf "$BUILD_DIR/busybox-deb"
    dpkg-deb -x "$deb" "$BUILD_DIR/busybox-deb"
    # /bin/busybox in older releases, /usr/bin/busybox since the merged-/usr move.
    for BUSYBOX in "$BUILD_DIR/busybox-deb/usr/bin/busybox" "$BUILD_DIR/busybox-deb/bin/busybox" ""; do
        [ -f "$BUSYBOX" ] && break
    done
    [ -n "$BUSYBOX" ] || { echo "no busybox binary in $deb" >&2; exit 1; }
}

gen_init_cpio_tool() {
    G=$BUILD_DIR/gen_init_cpio
    extract_kernel_source
    if [ ! -x "$G" ] || [ "$KSRC/usr/gen_init_cpio.c" -nt "$G" ]; then
        cc -O2 -o "$G" "$KSRC/usr/gen_init_cpio.c"
    fi
}

build_initramfs() {
    need zstd; need cc
    fetch_busybox
    gen_init_cpio_tool
    # Stage the skeleton with a fixed mtime: gen_init_cpio stores file mtimes, and a git
    # checkout's mtimes would otherwise make every build differ.
    rm -rf "$BUILD_DIR/rootfs"
    cp -R "$SRC/rootfs" "$BUILD_DIR/rootfs"
    find "$BUILD_DIR/rootfs" -exec touch -h -d @0 {} +
    R=$BUILD_DIR/rootfs
    list=$BUILD_DIR/initramfs.list
    # Everything root-owned; applet symlinks are created by /init (busybox --install -s) at boot,
    # because the host cannot run the riscv64 binary to ask for its applet list.
    {
        for d in /bin /sbin /dev /proc /sys /tmp /mnt /root /etc /etc/init.d /usr /usr/bin /usr/sbin /var /run; do
            echo "dir $d 0755 0 0"
        done
        echo "nod /dev/console 0600 0 0 c 5 1"
        echo "nod /dev/null 0666 0 0 c 1 3"
        echo "file /bin/busybox $BUSYBOX 0755 0 0"
        echo "slink /bin/sh busybox 0777 0 0"
        echo "slink /sbin/init ../bin/busybox 0777 0 0"
        echo "file /init $R/init 0755 0 0"
        echo "file /etc/inittab $R/etc/inittab 0644 0 0"
        echo "file /etc/profile $R/etc/profile 0644 0 0"
        echo "file /etc/init.d/rcS $R/etc/init.d/rcS 0755 0 0"
        echo "file /etc/passwd $R/etc/passwd 0644 0 0"
        echo "file /etc/group $R/etc/group 0644 0 0"
    } > "$list"
    # Fixed timestamp so that identical inputs give an identical image.
    "$G" -t 0 "$list" > "$BUILD_DIR/initramfs.cpio"
    zstd -q -19 -f "$BUILD_DIR/initramfs.cpio" -o "$OUT/initramfs.cpio.zst"
    echo ">> wrote $OUT/initramfs.cpio.zst"
}

case $what in
    all) build_kernel; build_initramfs ;;
    kernel) build_kernel ;;
    initramfs) build_initramfs ;;
esac
ls -l "$OUT"/Image.zst "$OUT"/initramfs.cpio.zst 2>/dev/null || true
