#!/usr/bin/env python3
"""Savestate disks: embedded (the default) and referenced by path, size and content hash.

usage: savestate_disks.py TERN DEMO_ELF

A deterministic bare program (DEMO_ELF, which prints through HTIF) runs with a disk attached and is saved
at an instruction count, once with each disk mode. The embedded file resumes with no disk file at all
(the image is deleted first) and prints the rest of the run. The referenced file resumes from the same
image, from a copy named by -drive, and is refused in one line (status 1) once the image's content
changed, while an embedded file with a -drive given is refused too.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def run(*argv):
    done = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def main():
    tern, demo = sys.argv[1], sys.argv[2]
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.write(os.urandom(64 * 1024) + bytes(1 << 20))
        guest = ["-bios", "none", "-kernel", demo, "-nographic", "--deterministic"]
        drive = ["-drive", f"file={disk},format=raw,if=virtio"]
        status, full, _ = run(tern, *guest, *drive)
        check(status == 0 and full, "the plain run")
        _, prefix, _ = run(tern, *guest, *drive, "--max-instructions", "300000")

        embedded = os.path.join(tmp, "embedded.tstate")
        referenced = os.path.join(tmp, "referenced.tstate")
        run(tern, *guest, *drive, "--savestate", embedded, "--savestate-at", "300000")
        run(tern, *guest, *drive, "--savestate", referenced, "--savestate-at", "300000", "--savestate-disks=reference")
        _, info, _ = run(tern, "--savestate-info", referenced)
        check("referenced (xxh3 " in info and "valid:" in info, "--savestate-info names a referenced disk")
        _, info, _ = run(tern, "--savestate-info", embedded)
        check(", embedded" in info, "--savestate-info names an embedded disk")

        status, rest, err = run(tern, "--loadstate", referenced, "-nographic")
        check(status == 0 and prefix + rest == full, "the referenced file resumes from the same image")
        copy = os.path.join(tmp, "elsewhere.img")
        shutil.copyfile(disk, copy)
        status, rest, err = run(tern, "--loadstate", referenced, "-nographic", "-drive", f"file={copy},format=raw,if=virtio")
        check(status == 0 and prefix + rest == full, "the referenced file resumes from a copy named by -drive")

        with open(disk, "r+b") as f:
            f.seek(1000)
            f.write(b"changed")
        status, _, err = run(tern, "--loadstate", referenced, "-nographic")
        check(status == 1 and err.count("\n") == 1 and "is not the disk that was saved" in err,
              f"a changed image is refused in one line: {err.strip()}")

        os.remove(disk)
        os.remove(copy)
        status, rest, err = run(tern, "--loadstate", embedded, "-nographic")
        check(status == 0 and prefix + rest == full, "the embedded file resumes with no image on disk")
        status, _, err = run(tern, "--loadstate", embedded, "-nographic", "-drive", f"file={copy},format=raw,if=virtio")
        check(status == 1 and "embeds its disks" in err, f"-drive with an embedded file is refused: {err.strip()}")
        status, _, err = run(tern, "--loadstate", embedded, "-nographic", "-m", "512M")
        check(status == 1 and "conflicts with the file's RAM" in err, f"a conflicting -m is refused: {err.strip()}")
        status, _, err = run(tern, "--loadstate", embedded, "-nographic", "-smp", "2")
        check(status == 1 and "conflicts with the file's hart count (1)" in err, f"a conflicting -smp is refused: {err.strip()}")

    print("PASS" if not failures else f"FAIL: {len(failures)} checks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
