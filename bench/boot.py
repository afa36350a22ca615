#!/usr/bin/env python3
"""Time from start to the shell prompt, Tern vs QEMU, on the same firmware, kernel and initramfs.

Both run QEMU's `virt` machine layout with Debian's OpenSBI (fw_dynamic) and roms/linux (decompressed
once, so neither emulator pays for zstd). Each is run --runs times in turn; the median of each and the
ratio QEMU time / Tern time (> 1 means Tern reaches the prompt sooner) are printed. This is a measurement,
never a test: there is no time limit anywhere.

  bench/boot.py [--tern build/tern] [--runs 3] [--smp 1]
"""
import argparse
import statistics
import tempfile
import time

from linux_guest import DEFAULT_TERN, booted, decompress_images, emulator_commands


def time_to_prompt(argv):
    with booted(argv) as con:
        return time.monotonic() - con.start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tern", default=DEFAULT_TERN)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tern-boot-bench-") as tmp:
        peers = emulator_commands(args.tern, *decompress_images(tmp), args.smp)
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
