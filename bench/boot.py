#!/usr/bin/env python3
"""Time from start to the shell prompt, Tern vs QEMU, on the same firmware, kernel and initramfs.

Both run QEMU's `virt` machine layout with Debian's OpenSBI (fw_dynamic) and roms/linux (decompressed
once, so neither emulator pays for zstd). Each is run --runs times in turn; the median of each and the
ratio QEMU time / Tern time (> 1 means Tern reaches the prompt sooner) are printed. This is a measurement,
never a test: there is no time limit anywhere.

  bench/boot.py [--tern build/tern] [--runs 3] [--smp 1]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "system"))
from guest_console import PROMPT, Console  # noqa: E402


def time_to_prompt(argv):
    con = Console(argv, open(os.devnull, "wb"))
    try:
        con.expect(PROMPT, 600)
        return time.monotonic() - con.start
    finally:
        con.proc.kill()
        con.proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "build", "tern"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=1)
    args = ap.parse_args()
    roms = os.path.join(HERE, "..", "roms", "linux")
    with tempfile.TemporaryDirectory(prefix="tern-boot-bench-") as tmp:
        kernel, initrd = os.path.join(tmp, "Image"), os.path.join(tmp, "initramfs.cpio")
        subprocess.run(["zstd", "-q", "-d", "-f", os.path.join(roms, "Image.zst"), "-o", kernel], check=True)
        subprocess.run(["zstd", "-q", "-d", "-f", os.path.join(roms, "initramfs.cpio.zst"), "-o", initrd],
                       check=True)
        common = ["-M", "virt", "-m", "256M", "-smp", str(args.smp), "-nographic", "-kernel", kernel,
                  "-initrd", initrd, "-append", "console=ttyS0"]
        peers = {
            "tern": [args.tern] + common,
            "qemu": ["qemu-system-riscv64", "-bios", "default"] + common,
        }
        times = {name: [] for name in peers}
        for _ in range(args.runs):
            for name, argv in peers.items():
                times[name].append(time_to_prompt(argv))
        print(f"time to shell prompt, -smp {args.smp}, {args.runs} runs each (median):")
        for name, values in times.items():
            print(f"  {name:5} {statistics.median(values):6.2f} s   ({', '.join(f'{v:.2f}' for v in values)})")
        ratio = statistics.median(times["qemu"]) / statistics.median(times["tern"])
        print(f"  Tern speed relative to QEMU (QEMU time / Tern time): {ratio:.2f}")


if __name__ == "__main__":
    main()
