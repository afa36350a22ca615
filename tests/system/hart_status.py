#!/usr/bin/env python3
"""Ctrl-A i on a running 2-hart machine: every hart's state, read while all harts are paused.

Boots OpenSBI + U-Boot with -smp 2 and waits for U-Boot's prompt: one hart then runs U-Boot in
S-mode, the other waits in OpenSBI's HSM loop (M-mode) because U-Boot never starts it. Which hart
runs U-Boot is OpenSBI's cold-boot lottery (the first hart to reach it wins, as on QEMU), so either
may. The status lines must say exactly that, and show the stvec U-Boot installed; asked twice, the
U-Boot hart's minstret must have grown (the harts resumed), and the guest must go on answering.
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
            con.expect(b"hart 0: ", 30)
            # Each hart: a line with its privilege, pc and counters, then one with its S-mode trap state.
            texts = [con.expect(b"hart 1: ", 30), con.expect(b"\n", 30) + "\n" + con.expect(b"\n", 30)]
            pattern = r"(\w)-mode pc=0x[0-9a-f]+ .*minstret=(\d+).*\n\s+satp=0x[0-9a-f]+ stvec=0x([0-9a-f]+) "
            fields = [re.match(pattern, text) for text in texts]
            modes = {hart: (f.group(1), int(f.group(2)), int(f.group(3), 16)) if f else None
                     for hart, f in enumerate(fields)}
            if None in modes.values() or sorted(mode for mode, _, _ in modes.values()) != ["M", "S"]:
                print(f"\nFAIL: expected one hart in S-mode (U-Boot) and one in M-mode, got {modes}")
                return False
            minstret, stvec = next((n, v) for mode, n, v in modes.values() if mode == "S")
            if stvec == 0:  # U-Boot installs its trap vector before its prompt
                print("\nFAIL: the U-Boot hart shows no stvec")
                return False
            counts.append(minstret)
            time.sleep(0.2)
        if counts[1] <= counts[0]:
            print(f"\nFAIL: the U-Boot hart did not run on after the pause (minstret {counts})")
            return False
        con.send("version")  # the harts run again
        con.expect(b"U-Boot 20", 30)
        print("\nPASS: hart status shown, guest resumed")
        return True

    return uboot_session(argv, steps, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
