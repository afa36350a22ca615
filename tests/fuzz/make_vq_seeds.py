#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz_virtqueue (input format: tests/fuzz/fuzz_virtqueue.cpp)."""
import os
import struct
import sys

RAM = 0x8000_0000
DESC, AVAIL, USED = 0x000, 0x400, 0x800
NEXT, WRITE, INDIRECT = 1, 2, 4


def seed(chains, log2_num=3, last_avail=0, offsets=(DESC, AVAIL, USED), far=0, notifications=1, extra=()):
    """chains: list of (head, [(index, addr_offset, len, flags, next)]); extra: (offset, bytes) pokes."""
    ram = bytearray(0x1000)
    num = 1 << log2_num
    for i, (head, descs) in enumerate(chains):
        for index, addr, length, flags, nxt in descs:
            struct.pack_into("<QIHH", ram, DESC + 16 * index, RAM + addr, length, flags, nxt)
        struct.pack_into("<H", ram, AVAIL + 4 + 2 * ((last_avail + i) % num), head)
    struct.pack_into("<H", ram, AVAIL + 2, (last_avail + len(chains)) & 0xFFFF)
    for offset, data in extra:
        ram[offset:offset + len(data)] = data
    header = struct.pack("<BBHHHHB5x", log2_num, notifications - 1, last_avail, *offsets, far)
    return header + bytes(ram)


def request(type_, sector):
    return struct.pack("<IIQ", type_, 0, sector)


HDR, DATA, STATUS = 0xC00, 0xD00, 0xFF0
seeds = {
    "read": seed([(0, [(0, HDR, 16, NEXT, 1), (1, DATA, 512, WRITE | NEXT, 2), (2, STATUS, 1, WRITE, 0)])],
                 extra=[(HDR, request(0, 3))]),
    "write": seed([(0, [(0, HDR, 16, NEXT, 1), (1, DATA, 512, NEXT, 2), (2, STATUS, 1, WRITE, 0)])],
                  extra=[(HDR, request(1, 5))]),
    "flush_getid": seed([(0, [(0, HDR, 16, NEXT, 1), (1, STATUS, 1, WRITE, 0)]),
                         (2, [(2, HDR + 16, 16, NEXT, 3), (3, DATA, 20, WRITE | NEXT, 4), (4, STATUS, 1, WRITE, 0)])],
                        extra=[(HDR, request(4, 0)), (HDR + 16, request(8, 0))]),
    "indirect": seed([(0, [(0, 0xB00, 48, INDIRECT, 0)])],
                     extra=[(0xB00, struct.pack("<QIHH", RAM + HDR, 16, NEXT, 1)),
                            (0xB10, struct.pack("<QIHH", RAM + DATA, 512, WRITE | NEXT, 2)),
                            (0xB20, struct.pack("<QIHH", RAM + STATUS, 1, WRITE, 0)),
                            (HDR, request(0, 0))]),
    "loop": seed([(0, [(0, HDR, 16, NEXT, 1), (1, DATA, 16, WRITE | NEXT, 0)])], extra=[(HDR, request(0, 0))]),
    "wrapping_index": seed([(0, [(0, HDR, 16, NEXT, 1), (1, STATUS, 1, WRITE, 0)])] * 3, last_avail=0xFFFE,
                           extra=[(HDR, request(4, 0))], notifications=2),
    # The data buffer of a read covers the available ring: the device's own write changes avail->idx.
    "read_into_avail": seed([(0, [(0, HDR, 16, NEXT, 1), (1, AVAIL, 64, WRITE | NEXT, 2), (2, STATUS, 1, WRITE, 0)])],
                            extra=[(HDR, request(0, 0))], notifications=3),
    "used_over_avail": seed([(0, [(0, HDR, 16, NEXT, 1), (1, STATUS, 1, WRITE, 0)])] * 2,
                            offsets=(DESC, AVAIL, AVAIL), extra=[(HDR, request(4, 0))]),
    "far_rings": seed([(0, [(0, HDR, 16, NEXT, 1), (1, STATUS, 1, WRITE, 0)])], far=7),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "fuzz_virtqueue")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
