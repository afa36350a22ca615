#!/bin/bash
# Downloads the current Debian stable riscv64 kernel (linux-image-riscv64, a kernel
# nobody here built) into roms/debian-kernel/, for checking that a stock distribution
# kernel boots on Tern. Debian 12 has no riscv64 packages, so this uses the private apt
# configuration of debian-stable.sh; the host's apt state is not touched.
#
#   roms/fetch-debian-kernel.sh
#   build/tern -m 512M -nographic -kernel roms/debian-kernel/vmlinux -initrd roms/linux/initramfs.cpio.zst \
#       -append console=ttyS0
set -euo pipefail
cd "$(dirname "$0")"
source ./debian-stable.sh
out=debian-kernel

debian_stable_apt riscv64
package=$(apt-cache "${apt_opts[@]}" depends linux-image-riscv64 | awk '/Depends: linux-image-/ {print $2; exit}')
debian_stable_extract "$package"
rm -rf "$out" && mkdir -p "$out"
cp "$tmp"/x/boot/vmlinux-* "$out/vmlinux"
echo "$package" > "$out/VERSION"
echo "roms/$out/vmlinux: $package"
