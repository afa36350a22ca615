#!/bin/bash
# Rebuilds roms/demo.elf from roms/demo/ and roms/bare/ with Debian's gcc-riscv64-unknown-elf.
set -euo pipefail
cd "$(dirname "$0")"
riscv64-unknown-elf-gcc -march=rv64im -mabi=lp64 -mcmodel=medany -O2 -ffreestanding -nostdlib -static \
    -fno-pic -no-pie -T bare/link.ld -o demo.elf bare/start.S bare/htif.c demo/demo.c -lgcc
echo "built roms/demo.elf"
