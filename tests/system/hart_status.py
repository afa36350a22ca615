#!/usr/bin/env python3
"""Ctrl-A i on a running 2-hart machine: every hart's state, read while all harts are paused.

Boots OpenSBI + U-Boot with -smp 2 and waits for U-Boot's prompt: hart 0 then runs U-Boot in
S-mode, hart 1 waits in OpenSBI's HSM loop (M-mode) because U-Boot never starts it. The status
lines must say exactly that; asked twice, hart 0's minstret must have grown (the harts resumed),
and the guest must go on answering.
"""
import re
import sys
import time

from guest_console import UBOOT, uboot_session


def main():
    argv = [sys.argv[1], "-M", "virt", "-m", "256M", "-smp", "2", "-nographic", "-kernel", UBOOT]

    def steps(con):
        counts = []
        for _ in range(2):
            con.proc.stdin.write(b"\x01i")
            con.proc.stdin.flush()
            con.expect(b"hart 0: S-mode pc=0x", 30)
            rest_of_hart0 = con.expect(b"hart 1: M-mode pc=0x", 30)
            counts.append(int(re.search(r"minstret=(\d+)", rest_of_hart0).group(1)))
            time.sleep(0.2)
        if counts[1] <= counts[0]:
            print(f"\nFAIL: hart 0 did not run on after the pause (minstret {counts})")
            return False
        con.send("version")  # the harts run again
        con.expect(b"U-Boot 20", 30)
        print("\nPASS: hart status shown, guest resumed")
        return True

    return uboot_session(argv, steps, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
