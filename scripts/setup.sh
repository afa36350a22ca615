#!/bin/bash
# Shared by run.sh and test.sh: installs the Debian 12 packages Tern needs
# (only the missing ones, so a second run installs nothing) and builds build/tern.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config libasmjit-dev libcapstone-dev libsdl2-dev libimgui-dev libzstd-dev libxxhash-dev
    doctest-dev libfdt-dev gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf opensbi u-boot-qemu
    qemu-system-misc python3 zstd e2fsprogs libstb-dev libgl-dev libgl1-mesa-dri xvfb xauth imagemagick gdb-multiarch)

missing=()
for p in "${packages[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != "installed" ]; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cd "$(dirname "$0")/.."
# -j2 by default: builds share small machines. Override with JOBS=N.
cmake -S . -B build -G Ninja >/dev/null
ninja -C build -j"${JOBS:-2}"
