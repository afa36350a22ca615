#!/usr/bin/env python3
"""Boot OpenSBI + U-Boot (Debian's u-boot-qemu, S-mode) on Tern and talk to U-Boot's prompt.

Checks that the default OpenSBI prints its banner with the machine's ISA, that U-Boot reports the
ISA string from Tern's device tree, reaches `=>`, and answers `version` and `fdt addr`.
"""
import sys

from guest_console import UBOOT, uboot_session


def main():
    argv = [sys.argv[1], "-M", "virt", "-m", "256M", "-nographic", "-kernel", UBOOT]

    def steps(con):
        con.send("version")
        con.expect(b"U-Boot 20", 30)
        con.expect(b"=> ", 30)
        con.send("fdt addr $fdtcontroladdr; fdt print /soc/serial@10000000 compatible")
        con.expect(b'compatible = "ns16550a"', 30)
        print("\nPASS: U-Boot answered")
        return True

    # No -bios: the default firmware, roms/opensbi (OpenSBI 1.6, whose banner pads its fields this wide).
    return uboot_session(argv, steps, sys.stdout.buffer,
                         boot_checks=(b"OpenSBI v1.6", b"Boot HART Base ISA          : rv64imafdc",
                                      b"CPU:   rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc"))


if __name__ == "__main__":
    sys.exit(main())
