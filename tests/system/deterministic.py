#!/usr/bin/env python3
"""--deterministic: two runs of the same guest with the same input give byte-identical console output,
and so does a run on the other engine (the JIT and the interpreter must agree instruction for instruction).

The guest is the default Linux (with -smp 8, so the round-robin of harts and idle harts with masked timers are covered) booting straight into
`busybox poweroff -f`, which needs no console input; time, including the RTC, follows instruction counts.
"""
import subprocess
import sys
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(tern, accel):
    linux = os.path.join(ROOT, "roms", "linux")
    argv = [tern, "--accel", accel, "--deterministic", "-smp", "8", "-m", "256M", "-nographic",
            "-kernel", os.path.join(linux, "Image.zst"), "-initrd", os.path.join(linux, "initramfs.cpio.zst"),
            "-append", "console=ttyS0 rdinit=/bin/busybox -- poweroff -f"]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    return done.returncode, done.stdout


def main():
    first, second, interp = run(sys.argv[1], "jit"), run(sys.argv[1], "jit"), run(sys.argv[1], "interp")
    print(f"exit status {first[0]}, {second[0]}, {interp[0]} (interp); "
          f"{len(first[1])}, {len(second[1])}, {len(interp[1])} bytes of output")
    if first[0] != 0 or b"reboot: Power down" not in first[1]:
        print("FAIL: the guest did not power off cleanly")
        return 1
    if first != second:
        print("FAIL: the two runs differ")
        return 1
    if first != interp:
        print("FAIL: the JIT and the interpreter differ")
        return 1
    print("PASS: identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
