#!/usr/bin/env python3
"""Boot a Linux kernel nobody here built (Debian stable's stock riscv64 kernel, fetched by
roms/fetch-debian-kernel.sh when missing) with the default busybox initramfs on Tern:
the shell must answer and `poweroff` must end Tern with status 0."""
import os
import subprocess
import sys

from guest_console import shell_session

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    tern = sys.argv[1]
    kernel = os.path.join(ROOT, "roms", "debian-kernel", "vmlinux")
    if not os.path.exists(kernel):
        subprocess.run([os.path.join(ROOT, "roms", "fetch-debian-kernel.sh")], check=True)
    argv = [tern, "-M", "virt", "-m", "512M", "-nographic", "-kernel", kernel,
            "-initrd", os.path.join(ROOT, "roms", "linux", "initramfs.cpio.zst"), "-append", "console=ttyS0"]

    def steps(con):
        release = con.run("uname -r", 30).strip()
        print("\nuname -r ->", release)
        if "riscv64" not in release or "tern" in release:
            print("FAIL: not the stock kernel")
            return False
        return "#1 SMP Debian" in con.run("uname -v", 30)

    return shell_session(argv, steps, sys.stdout.buffer)

if __name__ == "__main__":
    sys.exit(main())
