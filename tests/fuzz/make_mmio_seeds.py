#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz_mmio (input encoding: tests/fuzz/fuzz_mmio.cpp)."""
import os
import struct
import sys

BOOTROM, TEST, RTC, CLINT, PLIC, UART, VIRTIO0, RAM = 0, 1, 2, 3, 4, 5, 6, 14
SLACK = 16
NEXT, WRITE, INDIRECT = 1, 2, 4
DESC, AVAIL, USED, HDR, DATA, STATUS, TABLE = 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000


def ram(offset, kind=0):
    return struct.pack("<BQ", 3, offset) if kind == 3 else struct.pack("<BI", kind, offset)


def read(region, offset, width=4, hart=0):
    return struct.pack("<BBIBB", 0, region, offset + SLACK, {1: 0, 2: 1, 4: 2, 8: 3}[width], hart)


def write(region, offset, value, width=4, hart=0):
    return struct.pack("<BBIBQB", 1, region, offset + SLACK, {1: 0, 2: 1, 4: 2, 8: 3}[width], value, hart)


def ram_bytes(offset, data):
    out = b""
    for i in range(0, len(data), 64):
        chunk = data[i:i + 64]
        out += bytes([2]) + ram(offset + i) + bytes([len(chunk) - 1]) + chunk
    return out


def bring_up(disk=0, log2_num=3, features=0x264):
    return bytes([3, disk, log2_num]) + ram(DESC) + ram(AVAIL) + ram(USED) + struct.pack("<I", features)


def desc(index, addr, length, flags, nxt=0, disk=0):
    return struct.pack("<BBH", 4, disk, index) + ram(addr) + struct.pack("<IBB", length, flags, nxt)


def avail(head, disk=0, step=1):
    return struct.pack("<BBBH", 5, disk, head, step)


def notify(disk=0, queue=0):
    return bytes([6, disk, queue])


def request(type_, sector):
    return struct.pack("<IIQ", type_, 0, sector)


def blk(type_, sector, data_len, data_flags, disk=0):
    return (ram_bytes(HDR, request(type_, sector)) + desc(0, HDR, 16, NEXT, 1, disk) +
            desc(1, DATA, data_len, data_flags | NEXT, 2, disk) + desc(2, STATUS, 1, WRITE, 0, disk) +
            avail(0, disk) + notify(disk))


seeds = {
    "blk_read": bring_up() + blk(0, 1, 512, WRITE),
    "blk_write_then_read": bring_up() + ram_bytes(DATA, bytes(range(64))) + blk(1, 3, 512, 0) + blk(0, 3, 1024, WRITE),
    "blk_read_only_disk": bring_up(1) + blk(1, 0, 512, 0, disk=1),
    "blk_flush_getid": bring_up() + blk(4, 0, 0, WRITE) + blk(8, 0, 20, WRITE),
    "blk_indirect": bring_up() + ram_bytes(HDR, request(0, 0)) + ram_bytes(TABLE, b"".join(
        struct.pack("<QIHH", 0x8000_0000 + a, n, f, x)
        for a, n, f, x in [(HDR, 16, NEXT, 1), (DATA, 512, WRITE | NEXT, 2), (STATUS, 1, WRITE, 0)])) +
        desc(0, TABLE, 48, INDIRECT) + avail(0) + notify(),
    "blk_loop_then_reset": bring_up() + desc(0, HDR, 16, NEXT, 0) + avail(0) + notify() +
        write(VIRTIO0 + 7, 0x70, 0) + notify(),
    "virtio_registers": b"".join(read(VIRTIO0 + 7, off) for off in
                                 [0, 4, 8, 0xc, 0x10, 0x34, 0x44, 0x60, 0x70, 0xfc, 0x100, 0x104]) +
        write(VIRTIO0 + 7, 0x30, 9) + write(VIRTIO0 + 7, 0x38, 8) + read(VIRTIO0 + 0, 8),
    "plic_uart": write(PLIC, 4 * 10, 1) + write(PLIC, 0x2000, 1 << 10) + write(UART, 1, 0x0f, 1) +
        bytes([7, ord("x")]) + bytes([8]) + read(PLIC, 0x200004) + read(UART, 0, 1) + write(PLIC, 0x200004, 10) +
        write(UART, 3, 0x80, 1) + write(UART, 0, 1, 1) + write(UART, 3, 3, 1) + write(UART, 2, 7, 1) +
        write(UART, 4, 0x10, 1) + write(UART, 0, ord("y"), 1) + read(UART, 5, 1) + read(UART, 2, 1),
    "rtc_clint": write(RTC, 4, 0xffffffff) + write(RTC, 0, 0) + read(RTC, 0) + read(RTC, 4) +
        write(RTC, 0x10, 1) + write(RTC, 0xc, 0) + write(RTC, 8, 5) + bytes([8]) + read(RTC, 0x18) +
        write(RTC, 0x1c, 1) + write(CLINT, 0x4000, 0, 8) + bytes([8]) + write(CLINT, 0, 1) + read(CLINT, 0xbff8, 8) +
        write(CLINT, 0xbff8, 1 << 40, 8) + write(CLINT, 0x4008, 5, 4, 1),
    "test_bootrom_htif": read(BOOTROM, 0, 8) + read(BOOTROM, 0x28, 4) + write(TEST, 0, 0x7777) +
        write(TEST, 0, 0x33333) + write(TEST, 0, 0x5555, 2) + write(TEST, 0, 0x1234) +
        bytes([9, 1, 1]) + ram(ord("h"), 3) + ram_bytes(0x100, struct.pack("<4Q", 64, 1, 0x8000_0200, 16)) +
        bytes([9, 0, 0]) + ram(0x100) + bytes([9, 0, 0]) + ram(7, 3),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "fuzz_mmio")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
