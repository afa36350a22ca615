#!/usr/bin/env python3
"""Linux with -smp 4 on threaded harts: /proc/cpuinfo lists 4 harts, and 4 busy processes run on all of
them. Every guest CPU's user time in /proc/stat must grow while the 4 loops run (the kernel spread them);
how many host cores that used is a measurement, in bench/ (not a test)."""
import os
import re
import sys

from guest_console import shell_session

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
HARTS = 4


def cpu_user_ticks(con):
    """user ticks per guest CPU from /proc/stat."""
    ticks = {}
    for line in con.run("grep '^cpu[0-9]' /proc/stat", 30).splitlines():
        m = re.match(r"cpu(\d+) (\d+)", line.strip())
        if m:
            ticks[int(m.group(1))] = int(m.group(2))
    return ticks


def main():
    linux = os.path.join(ROOT, "roms", "linux")
    argv = [sys.argv[1], "-m", "256M", "-smp", str(HARTS), "-nographic", "-kernel",
            os.path.join(linux, "Image.zst"), "-initrd", os.path.join(linux, "initramfs.cpio.zst"),
            "-append", "console=ttyS0"]

    def steps(con):
        harts = con.run("grep -c '^processor' /proc/cpuinfo", 30).strip()
        ids = con.run("grep '^hart' /proc/cpuinfo", 30)
        print("\n/proc/cpuinfo processors:", harts, "| hart lines:", ids.split())
        if harts != str(HARTS):
            print("FAIL: expected", HARTS, "processors")
            return False
        before = cpu_user_ticks(con)
        # Four CPU-bound shells for about 3 s of guest time each.
        con.run("for i in 1 2 3 4; do (end=$(($(date +%s) + 3)); while [ $(date +%s) -lt $end ]; do :; done) & done; wait",
                300)
        after = cpu_user_ticks(con)
        grown = {cpu: after.get(cpu, 0) - before.get(cpu, 0) for cpu in range(HARTS)}
        print("user ticks per CPU during the busy loops:", grown)
        if sorted(before) != list(range(HARTS)) or any(t <= 0 for t in grown.values()):
            print("FAIL: not every guest CPU ran the busy loops")
            return False
        return True

    return shell_session(argv, steps, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
