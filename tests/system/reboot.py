#!/usr/bin/env python3
"""`reboot` in the default Linux guest resets the machine (sifive,test 0x7777): OpenSBI and Linux come up
again, the shell answers, and `poweroff` then ends Tern with status 0."""
import os
import sys

from guest_console import PROMPT, shell_session

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    linux = os.path.join(ROOT, "roms", "linux")
    argv = [sys.argv[1], "-m", "256M", "-nographic", "-kernel", os.path.join(linux, "Image.zst"),
            "-initrd", os.path.join(linux, "initramfs.cpio.zst"), "-append", "console=ttyS0"]

    def steps(con):
        con.send("reboot")
        con.expect(b"reboot: Restarting system", 120)
        con.expect(b"OpenSBI v", 120)
        con.expect(PROMPT, 300)
        con.run("", 30)
        release = con.run("uname -r", 30).strip()
        print("\nafter reset: uname -r ->", release)
        return release == "6.1.192-tern"

    return shell_session(argv, steps, sys.stdout.buffer)

if __name__ == "__main__":
    sys.exit(main())
