"""The default Linux guest as the Linux benchmarks run it (boot.py, host_cpu.py): the same firmware, kernel
and initramfs on Tern and on QEMU, both with QEMU's `virt` machine layout and Tern's default OpenSBI
(roms/opensbi; QEMU's own `-bios default` is an older OpenSBI)."""
import contextlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "system"))
from guest_console import PROMPT, Console  # noqa: E402

DEFAULT_TERN = os.path.join(HERE, "..", "build", "tern")
FIRMWARE = os.path.join(HERE, "..", "roms", "opensbi", "fw_dynamic.bin")


def decompress_images(tmp):
    """roms/linux's kernel and initramfs, decompressed into tmp (so neither emulator pays for zstd)."""
    roms = os.path.join(HERE, "..", "roms", "linux")
    kernel, initrd = os.path.join(tmp, "Image"), os.path.join(tmp, "initramfs.cpio")
    subprocess.run(["zstd", "-q", "-d", "-f", os.path.join(roms, "Image.zst"), "-o", kernel], check=True)
    subprocess.run(["zstd", "-q", "-d", "-f", os.path.join(roms, "initramfs.cpio.zst"), "-o", initrd], check=True)
    return kernel, initrd


def emulator_commands(tern, kernel, initrd, smp):
    """{name: argv} booting the images with -smp harts on Tern and on QEMU, both on FIRMWARE."""
    common = ["-M", "virt", "-m", "256M", "-smp", str(smp), "-nographic", "-bios", FIRMWARE, "-kernel", kernel,
              "-initrd", initrd, "-append", "console=ttyS0"]
    return {
        "tern": [tern] + common,
        "qemu": [os.environ.get("QEMU", "qemu-system-riscv64")] + common,
    }


@contextlib.contextmanager
def booted(argv, log=None):
    """Runs the emulator until the guest's shell prompt and gives its Console; kills the emulator afterwards."""
    con = Console(argv, log or open(os.devnull, "wb"))
    try:
        con.expect(PROMPT, 600)
        yield con
    finally:
        con.proc.kill()
        con.proc.wait()
