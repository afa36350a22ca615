#!/bin/bash
# Downloads the current Debian stable riscv64 kernel (linux-image-riscv64, a kernel
# nobody here built) into roms/debian-kernel/, for checking that a stock distribution
# kernel boots on Tern. Debian 12 has no riscv64 packages, so this uses a private apt
# configuration under a temporary directory that reuses the mirror of this machine's
# /etc/apt/sources.list.d/debian.sources; the host's apt state is not touched.
#
#   roms/fetch-debian-kernel.sh
#   build/tern -m 512M -nographic -kernel roms/debian-kernel/vmlinux -initrd roms/linux/initramfs.cpio.zst \
#       -append console=ttyS0
set -euo pipefail
cd "$(dirname "$0")"
out=debian-kernel
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
[ -n "$mirror" ] || { echo "no mirror found in /etc/apt/sources.list.d/debian.sources" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
echo "deb [arch=riscv64 trusted=yes] $mirror stable main" > "$tmp/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$tmp/lists"
          -o "Dir::Cache=$tmp/cache" -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
          -o Acquire::Languages=none -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq
package=$(apt-cache "${apt_opts[@]}" depends linux-image-riscv64 | awk '/Depends: linux-image-/ {print $2; exit}')
(cd "$tmp" && apt-get "${apt_opts[@]}" download "$package")
rm -rf "$out" && mkdir -p "$out"
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
cp "$tmp"/x/boot/vmlinux-* "$out/vmlinux"
echo "$package" > "$out/VERSION"
echo "roms/$out/vmlinux: $package"
