#!/usr/bin/env python3
"""--deterministic: two runs of the same guest with the same input give byte-identical console output.

The guest is the default Linux (with -smp 8, so the round-robin of harts and idle harts with masked timers are covered) booting straight into
`busybox poweroff -f`, which needs no console input; time, including the RTC, follows instruction counts.
"""
import subprocess
import sys
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(tern):
    linux = os.path.join(ROOT, "roms", "linux")
    argv = [tern, "--deterministic", "-smp", "8", "-m", "256M", "-nographic",
            "-kernel", os.path.join(linux, "Image.zst"), "-initrd", os.path.join(linux, "initramfs.cpio.zst"),
            "-append", "console=ttyS0 rdinit=/bin/busybox -- poweroff -f"]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    return done.returncode, done.stdout


def main():
    first, second = run(sys.argv[1]), run(sys.argv[1])
    print(f"exit status {first[0]} and {second[0]}; {len(first[1])} and {len(second[1])} bytes of output")
    if first[0] != 0 or b"reboot: Power down" not in first[1]:
        print("FAIL: the guest did not power off cleanly")
        return 1
    if first != second:
        print("FAIL: the two runs differ")
        return 1
    print("PASS: identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
