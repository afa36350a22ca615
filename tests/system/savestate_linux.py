#!/usr/bin/env python3
"""Savestates of the default Linux guest at its busybox prompt, as a user takes and shares them.

usage: savestate_linux.py TERN SMP

1. Boot with -smp SMP and a virtio-blk ext2 disk; in the guest, write a token to a file on the disk
   and sync, then Ctrl-A s: Tern prints the dated file's path and the guest runs on.
2. A failed load into the running machine: a corrupted copy is loaded with Ctrl-A l; Tern refuses
   it in one line and the same guest goes on answering. A good Ctrl-A l then replaces the machine.
3. The host's disk image is overwritten with zeros, so the token can only come from the disk
   embedded in the file. A new tern process starts from the file alone (--loadstate, nothing else):
   the shell answers, the token is read back after dropping the guest's caches, and poweroff
   ends Tern with status 0. --savestate-info describes the file.
"""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

from guest_console import PROMPT, Console

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ctrl_a(con, key):
    con.proc.stdin.write(b"\x01" + key)
    con.proc.stdin.flush()


@contextlib.contextmanager
def running(argv, log):
    """A Tern console session that is killed on every way out (a failed check, a timeout)."""
    con = Console(argv, log)
    try:
        yield con
    finally:
        if con.proc.poll() is None:
            con.proc.kill()


def answers(con, expression, expected):
    """The shell computes `expression`: proof that the guest runs."""
    out = con.run(f"echo answer-$(({expression}))", 60)
    return f"answer-{expected}" in out


def main():
    tern, smp = sys.argv[1], sys.argv[2]
    log = sys.stdout.buffer
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", disk, "8M"], check=True)
        base = [tern, "-nographic", "--savestate-dir", tmp]
        argv = base + ["-M", "virt", "-m", "256M", "-smp", smp, "-kernel", os.path.join(ROOT, "roms/linux/Image.zst"),
                       "-initrd", os.path.join(ROOT, "roms/linux/initramfs.cpio.zst"), "-append", "console=ttyS0",
                       "-drive", f"file={disk},format=raw,if=virtio"]
        token = f"token-{os.getpid()}-{smp}"
        with running(argv, log) as con:
            con.expect(PROMPT, 300)
            con.run("", 30)
            con.run("mkdir -p /mnt && mount -t ext2 /dev/vda /mnt", 60)
            con.run(f"echo {token} > /mnt/token.txt && sync", 60)
            if f"{smp}" not in con.run("grep -c ^processor /proc/cpuinfo", 60):
                print(f"\nFAIL: the guest does not see {smp} harts")
                return 1

            ctrl_a(con, b"s")
            con.expect(b"tern: saved ", 120)
            path = con.expect(b"\r\n", 10).strip()
            if not path.startswith(tmp) or not re.search(r"tern-\d{8}-\d{6}", path) or not os.path.isfile(path):
                print(f"\nFAIL: unexpected savestate path {path!r}")
                return 1
            if not answers(con, "6*7", 42):
                print("\nFAIL: the guest did not run on after Ctrl-A s")
                return 1

            # A corrupted file (a payload byte flipped): refused, the running guest unchanged.
            good = path + ".good"
            shutil.copyfile(path, good)
            with open(path, "r+b") as f:
                f.seek(os.path.getsize(path) // 2)
                byte = f.read(1)
                f.seek(-1, 1)
                f.write(bytes([byte[0] ^ 0x55]))
            ctrl_a(con, b"l")
            refusal = con.expect(b"the machine runs on unchanged", 120)
            if "tern: " + path not in refusal:
                print(f"\nFAIL: the refusal does not name the file: {refusal!r}")
                return 1
            con.run("", 30)
            if not answers(con, "2+3", 5):
                print("\nFAIL: the guest did not run on after a failed load")
                return 1
            shutil.copyfile(good, path)
            ctrl_a(con, b"l")
            con.expect(b"tern: loaded ", 120)
            con.run("", 30)
            if not answers(con, "7*8", 56):
                print("\nFAIL: the guest loaded with Ctrl-A l does not answer")
                return 1
            con.send("poweroff")
            if con.wait(120) != 0:
                print("\nFAIL: poweroff did not end Tern with status 0")
                return 1

        # The host image no longer holds the token: only the embedded disk can.
        with open(disk, "r+b") as f:
            f.write(bytes(os.path.getsize(disk)))
        info = subprocess.run([tern, "--savestate-info", path], capture_output=True, text=True)
        print(info.stdout, info.stderr)
        if info.returncode != 0 or f"{smp} hart" not in info.stdout or "embedded" not in info.stdout:
            print("\nFAIL: --savestate-info does not describe the file")
            return 1

        with running([tern, "-nographic", "--loadstate", path], log) as con:
            con.send("")
            con.expect(PROMPT, 120)
            if not answers(con, "6*9", 54):
                print("\nFAIL: the loaded guest does not answer")
                return 1
            out = con.run("echo 3 > /proc/sys/vm/drop_caches; cat /mnt/token.txt", 60)
            if token not in out:
                print(f"\nFAIL: the token written before saving is not on the loaded disk: {out!r}")
                return 1
            if smp not in con.run("grep -c ^processor /proc/cpuinfo", 60):
                print("\nFAIL: the loaded guest lost harts")
                return 1
            con.send("umount /mnt; poweroff")
            rc = con.wait(120)
            print("exit status:", rc)
            if rc != 0:
                return 1
    print("\nPASS: saved at the prompt, a bad load refused, loaded in a new process, disk embedded")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TimeoutError as e:
        print("\nFAIL:", e)
        sys.exit(1)
