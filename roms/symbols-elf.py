#!/usr/bin/env python3
"""Turns a kernel's System.map (plain or .zst) into an ELF that holds only its text symbols, for GDB:

    roms/symbols-elf.py roms/linux/System.map.zst /tmp/linux-syms.elf
    gdb-multiarch /tmp/linux-syms.elf -ex 'target remote :1234' -ex 'break do_sys_openat2'

The ELF's .kernel_text is an empty (NOBITS) section at the kernel's link address, so GDB knows every function
by name and address (breakpoints, backtraces without line numbers) and reads the code from the target.
It is built by the bare-metal RISC-V toolchain (riscv64-unknown-elf-gcc, which the tests use anyway).
"""
import subprocess
import sys
import tempfile
from pathlib import Path


def read_map(path):
    data = Path(path).read_bytes()
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc"], input=data, stdout=subprocess.PIPE, check=True).stdout
    symbols = []
    for line in data.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.append((int(parts[0], 16), parts[2]))
    return symbols


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: symbols-elf.py SYSTEM_MAP[.zst] OUT.elf")
    symbols = read_map(sys.argv[1])
    if not symbols:
        raise SystemExit(f"{sys.argv[1]}: no text symbols")
    base = min(a for a, _ in symbols) & ~0xfff
    size = max(a for a, _ in symbols) - base + 4
    lines = ['.section .kernel_text, "ax", @nobits', "text_base:", f".skip {size}"]
    for address, name in symbols:
        lines += [f".globl {name}", f".type {name}, @function", f".set {name}, text_base + {address - base}"]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "symbols.S"
        source.write_text("\n".join(lines) + "\n")
        subprocess.run(["riscv64-unknown-elf-gcc", "-nostdlib", "-nostartfiles", "-march=rv64gc", "-mabi=lp64d",
                        "-Wl,--section-start=.kernel_text=" + hex(base), "-Wl,-e,0", "-Wl,--no-warn-rwx-segments", "-o", sys.argv[2],
                        str(source)], check=True)


if __name__ == "__main__":
    main()
