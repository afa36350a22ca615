#!/usr/bin/env python3
"""Writes fuzz_gdb's seed corpus (tests/fuzz/corpus/fuzz_gdb): the packets GDB sends in a session
(connect, registers, memory, breakpoints, watchpoints, stepping, threads, monitor commands), framed
(mode 0) and as bare lines (mode 1). Usage: make_gdb_seeds.py OUT_DIR"""
import sys
from pathlib import Path

SESSIONS = {
    "connect": ["qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vContSupported+",
                "vMustReplyEmpty", "QStartNoAckMode", "Hgp0.0", "qXfer:features:read:target.xml:0,ffb",
                "qXfer:features:read:target.xml:ffb,ffb", "qTStatus", "?", "qfThreadInfo", "qsThreadInfo",
                "qAttached", "Hc-1", "qC", "qOffsets", "g", "qSymbol::", "p20", "m1000,4", "m80000000,40"],
    "registers": ["Hg1", "g", "p0", "pa", "p20", "p21", "p44", "p361", "p1041", "Pa=2a00000000000000",
                  "P1041=0100000000000000", "P361=0800000000000080", "P44=01000000",
                  "G" + "00" * 8 * 33],
    "memory": ["m80000000,100", "M80000000,4:13050000", "X80000004,0:", "X80000008,4:\x13}\x03\x00\x00",
               "m0,8", "m10000000,1", "m800ffffc,8", "qRcmd,7068797320 6f6e".replace(" ", ""), "m80000000,8"],
    "points": ["Z0,80000000,4", "Z1,80000004,2", "Z2,80001000,8", "Z3,80001008,4", "Z4,80001010,1",
               "z2,80001000,8", "z0,80000000,4", "vCont?", "vCont;s:1;c", "vCont;c", "s", "c80000000",
               "C05;80000000", "z1,80000004,2"],
    "threads": ["qfThreadInfo", "qsThreadInfo", "Hg2", "Hc2", "T1", "T2", "T3", "qThreadExtraInfo,2",
                "qC", "Hg-1", "Hg0", "vCont;s:2", "D"],
    "monitor": ["qRcmd," + "help".encode().hex(), "qRcmd," + "harts".encode().hex(),
                "qRcmd," + "guest-errors 3".encode().hex(), "qRcmd," + "phys off".encode().hex(),
                "qRcmd," + "savestate /tmp/x".encode().hex(), "qRcmd," + "loadstate /tmp/x".encode().hex(),
                "qRcmd," + "bogus".encode().hex(), "k"],
}


def frame(payload):
    data = payload.encode("latin-1")
    return b"$" + data + b"#" + b"%02x" % (sum(data) % 256)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, packets in SESSIONS.items():
        stream = b"+" + b"+".join(frame(p) for p in packets) + b"\x03+"
        (out / f"{name}-stream").write_bytes(b"\x00" + stream)
        (out / f"{name}-lines").write_bytes(b"\x01" + "\n".join(packets).encode("latin-1"))


if __name__ == "__main__":
    main()
