#!/bin/bash
# Sets up and builds Tern (see scripts/setup.sh), then runs the main job: the
# default Linux guest from roms/ (OpenSBI -> Linux -> busybox shell) on the
# console. `poweroff` in the guest ends Tern with status 0; Ctrl-A x quits.
# Arguments are passed to tern (e.g. ./run.sh -smp 2 -drive file=disk.img,format=raw,if=virtio).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec build/tern -M virt -m 256M -nographic \
    -kernel roms/linux/Image.zst -initrd roms/linux/initramfs.cpio.zst -append "console=ttyS0" "$@"
