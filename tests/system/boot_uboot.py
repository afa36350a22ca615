#!/usr/bin/env python3
"""Boot OpenSBI + U-Boot (Debian's u-boot-qemu, S-mode) on Tern and talk to U-Boot's prompt.

Checks that OpenSBI prints its banner with the machine's ISA, that U-Boot reports the
ISA string from Tern's device tree, reaches `=>`, and answers `version` and `fdt addr`.
"""
import sys
import time

from guest_console import Console

UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


def main():
    tern = sys.argv[1]
    con = Console([tern, "-M", "virt", "-m", "256M", "-nographic", "-kernel", UBOOT], sys.stdout.buffer)
    try:
        con.expect(b"OpenSBI v", 60)
        con.expect(b"Boot HART Base ISA        : rv64imafdc", 60)
        con.expect(b"CPU:   rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc", 60)
        con.expect(b"Hit any key to stop autoboot", 60)
        con.send(" ")  # stop autoboot
        con.expect(b"=> ", 60)
        con.send("version")
        con.expect(b"U-Boot 20", 30)
        con.expect(b"=> ", 30)
        con.send("fdt addr $fdtcontroladdr; fdt print /soc/serial@10000000 compatible")
        con.expect(b'compatible = "ns16550a"', 30)
        print("\nPASS: U-Boot answered")
        return 0
    except TimeoutError as e:
        print("\nFAIL:", e)
        return 1
    finally:
        con.proc.kill()
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
