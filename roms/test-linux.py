#!/usr/bin/env python3
"""Boot roms/linux on a `virt` machine and check the guest end to end.

Steps (each prints what it saw):
  1. make an ext2 disk image on the host (mke2fs -d) holding /hello.txt;
  2. boot Image + initramfs with that disk as virtio-blk, serial console on stdio;
  3. wait for the shell prompt (reports the time to prompt), run `uname -a`;
  4. mount the disk in the guest, read hello.txt, write guest.txt, list it;
  5. `poweroff`: the emulator must exit with status 0;
  6. read guest.txt back from the image on the host with debugfs.

The emulator command is QEMU by default; pass another one (e.g. Tern) with --emulator, using
the placeholders {kernel} {initrd} {disk} {smp} {mem}, e.g.
  --emulator 'build/tern --kernel {kernel} --initrd {initrd} --drive {disk} --smp {smp}'
Only the Python standard library and e2fsprogs (mke2fs, debugfs) are needed.
"""
import argparse
import os
import select
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "system"))
from guest_console import PROMPT, Console  # noqa: E402

QEMU = ("qemu-system-riscv64 -M virt -m {mem} -smp {smp} -nographic -bios default "
        "-kernel {kernel} -initrd {initrd} -append console=ttyS0 "
        # if=virtio would make a virtio-blk-*pci* device on QEMU's virt; Tern (and this
        # kernel) only have virtio-mmio, so ask for the MMIO transport explicitly.
        "-drive file={disk},format=raw,if=none,id=hd0 -device virtio-blk-device,drive=hd0")


def unzstd(src, dst):
    if src.endswith(".zst"):
        subprocess.run(["zstd", "-q", "-d", "-f", src, "-o", dst], check=True)
        return dst
    return src


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default=os.path.join(here, "linux/Image.zst"))
    ap.add_argument("--initrd", default=os.path.join(here, "linux/initramfs.cpio.zst"))
    ap.add_argument("--keep-zstd-initrd", action="store_true",
                    help="pass the .zst initramfs as is (the kernel has RD_ZSTD)")
    ap.add_argument("--emulator", default=QEMU, help="command template (default: QEMU)")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--boot-timeout", type=float, default=300)
    ap.add_argument("--fstype", default="ext2", choices=["ext2", "ext3", "ext4"])
    ap.add_argument("--log", help="also write the raw console output here")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tern-linux-test-") as tmp:
        kernel = unzstd(args.kernel, os.path.join(tmp, "Image"))
        initrd = args.initrd if args.keep_zstd_initrd else unzstd(
            args.initrd, os.path.join(tmp, "initramfs.cpio"))
        seed = os.path.join(tmp, "seed")
        os.mkdir(seed)
        with open(os.path.join(seed, "hello.txt"), "w") as f:
            f.write("hello from the host\n")
        disk = os.path.join(tmp, "disk.img")
        subprocess.run(["mke2fs", "-q", "-F", "-t", args.fstype, "-d", seed, disk, "8M"], check=True)

        argv = shlex.split(args.emulator.format(kernel=kernel, initrd=initrd, disk=disk,
                                                smp=args.smp, mem=args.mem))
        print("$", " ".join(argv))
        log = open(args.log, "wb") if args.log else open(os.devnull, "wb")
        con = Console(argv, log)
        ok = True
        try:
            con.expect(PROMPT, args.boot_timeout)
            print(f"prompt after {time.monotonic() - con.start:.2f} s")
            con.run("", 30)  # the prompt may be followed by respawn noise; resync once
            print("uname -a ->", con.run("uname -a", 30).strip())
            print("nproc ->", con.run("nproc", 30).strip())
            # One short command per line: long lines get re-drawn by ash's line editor.
            out = con.run(f"mount -t {args.fstype} /dev/vda /mnt", 60)
            print("mount ->", out.strip() or "(ok)")
            out = con.run("cat /mnt/hello.txt", 30)
            print("cat /mnt/hello.txt ->", out.strip())
            ok &= "hello from the host" in out
            con.run("echo written by the guest >/mnt/guest.txt", 30)
            out = con.run("ls /mnt", 30)
            print("ls /mnt ->", " ".join(out.split()))
            ok &= "guest.txt" in out.split() and "lost+found" in out.split()
            con.send("poweroff")
            rc = con.wait(120)
            print("emulator exit status:", rc)
            ok &= rc == 0
        except TimeoutError as e:
            print("FAIL:", e)
            con.proc.kill()
            return 1
        finally:
            log.close()
        back = subprocess.run(["debugfs", "-R", "cat /guest.txt", disk], capture_output=True,
                              text=True).stdout
        print("host debugfs cat /guest.txt ->", back.strip())
        ok &= back.strip() == "written by the guest"
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
