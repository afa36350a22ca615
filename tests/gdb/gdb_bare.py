#!/usr/bin/env python3
"""gdb-multiarch against Tern's GDB stub on bare programs (tests/gdb/CMakeLists.txt runs it).

Four sessions, each against a fresh `tern -S -gdb tcp::0` (port 0: Tern picks a free port and
says which on stderr):
  gdb       target.elf under GDB in batch mode: registers at the reset vector, a breakpoint on a
            symbol, a write watchpoint hit twice, stepi, a variable, a memory write (released), a
            register write that becomes the exit status (finish's a0 = 42), monitor commands.
  protocol  target.elf through the bare protocol: hostile packets (bad checksums, noise, a packet
            past PacketSize, malformed fields) get NAKs or error replies and the stub goes on; the
            interrupt byte stops a running machine (T02); memory write, breakpoint, detach; then
            GDB's kill ends another Tern with status 0.
  smp       a 4-hart SMP guest: info threads lists 4 threads, a breakpoint, thread 2, stepi there
            moves only its pc, detach; the guest then runs to its own successful end.
  savestate monitor savestate at two points, monitor loadstate of the first (the machine is replaced,
            stopped there), a file that does not load leaves it unchanged; the second file resumes in
            a new tern --loadstate to the program's end.
--variant picks the engine and scheduler: jit (threads), interp, deterministic (round-robin).
"""
import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time

VARIANT_ARGS = {"jit": [], "interp": ["--accel", "interp"], "deterministic": ["--deterministic"]}


class Tern:
    def __init__(self, tern, variant, extra):
        args = [tern, "-S", "-gdb", "tcp::0"] + VARIANT_ARGS[variant] + extra
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"GDB server on 127\.0\.0\.1 port (\d+)", line)
        if not m:
            self.proc.kill()
            raise SystemExit(f"FAIL: no port announced: {line!r}")
        self.port = int(m.group(1))

    def wait(self, timeout=60):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise SystemExit(f"FAIL: tern did not exit\nstdout: {out}\nstderr: {err}")
        return self.proc.returncode, out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def run_gdb(gdb, elf, port, commands, timeout=90):
    args = [gdb, "-batch", "-nx", elf, "-ex", "set pagination off", "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        args += ["-ex", c]
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return result.stdout


def expect_in_order(output, patterns, what):
    at = 0
    for p in patterns:
        m = re.compile(p, re.M).search(output, at)
        if not m:
            raise SystemExit(f"FAIL ({what}): /{p}/ not found after offset {at} in GDB's output:\n{output}")
        at = m.end()


def session_gdb(opts):
    tern = Tern(opts.tern, opts.variant, ["-bios", "none", "-kernel", opts.elf])
    try:
        out = run_gdb(opts.gdb, opts.elf, tern.port, [
            "info registers pc",
            "x/2i $pc",
            "info threads",
            "break square",
            "continue",
            "print $a0",
            "delete",
            "watch watched",
            "continue",
            "continue",
            "delete",
            "print/x $pc",
            "stepi",
            "print/x $pc",
            "print/x $mstatus",
            "print $priv",
            "set var released = 1",
            "break finish",
            "continue",
            "print total",
            "print $a0",
            "set var $a0 = 42",
            "monitor harts",
            "monitor guest-errors",
            "monitor phys on",
            "print released",
            "monitor frobnicate",
            "continue",
        ])
    finally:
        status, stdout, stderr = tern.wait()
    print(out)
    expect_in_order(out, [
        r"^pc\s+0x1000\s",
        r"=> 0x1000:\s+auipc",
        r"\* 1\s+Thread 1 \(hart 0, M-mode\)",
        r"Breakpoint 1, square \(i=i@entry=1\)",
        r"^\$1 = 1$",
        r"Hardware watchpoint 2: watched",
        r"Old value = 0\s+New value = 1",
        r"Old value = 1\s+New value = 2",
        r"^\$2 = 0x([0-9a-f]+)$",
        r"^\$3 = 0x[0-9a-f]+$",
        r"^\$4 = 0x8[0-9a-f]{3}000a0000[0-9a-f]{4}$",  # mstatus: SD, SXL = UXL = 64
        r"^\$5 = 3$",                                # priv: M
        r"Breakpoint 3, finish \(code=",
        r"^\$6 = 385$",
        r"^\$7 = 0$",
        r"hart 0: M-mode pc=0x0*80000b",
        r"guest errors recorded",
        r"memory access is physical",
        r"^\$8 = 1$",
        r"unknown monitor command 'frobnicate'",
        r"exited with code 052",
    ], "gdb session")
    pcs = re.findall(r"^\$[23] = 0x([0-9a-f]+)$", out, re.M)
    if len(pcs) != 2 or int(pcs[1], 16) - int(pcs[0], 16) not in (2, 4):
        raise SystemExit(f"FAIL: stepi did not move pc by one instruction: {pcs}")
    if status != 42:
        raise SystemExit(f"FAIL: the register write did not become the exit status: {status}\n{stdout}\n{stderr}")


class Client:
    """The remote protocol by hand: acknowledged mode, one packet at a time."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.buf = b""

    def raw(self, data):
        self.sock.sendall(data)

    def packet(self, payload):
        self.raw(b"$" + payload + b"#" + b"%02x" % (sum(payload) % 256))

    def read_byte(self):
        while not self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise SystemExit("FAIL: the stub closed the connection")
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def reply(self):
        """The next packet's payload (acks before it skipped), acknowledged."""
        while self.read_byte() != b"$":
            pass
        payload = b""
        while (c := self.read_byte()) != b"#":
            payload += c
        checksum = self.read_byte() + self.read_byte()
        if int(checksum, 16) != sum(payload) % 256:
            raise SystemExit(f"FAIL: bad checksum from the stub on {payload!r}")
        self.raw(b"+")
        return payload

    def ask(self, payload):
        self.packet(payload)
        return self.reply()


def session_protocol(opts):
    symbols = {}
    nm = subprocess.run(["riscv64-unknown-elf-nm", opts.elf], stdout=subprocess.PIPE, text=True, check=True)
    for line in nm.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols[parts[2]] = int(parts[0], 16)
    tern = Tern(opts.tern, opts.variant, ["-bios", "none", "-kernel", opts.elf])
    try:
        c = Client(tern.port)

        def check(payload, expected):
            got = c.ask(payload)
            if not re.fullmatch(expected, got):
                raise SystemExit(f"FAIL: {payload!r} -> {got!r}, expected /{expected!r}/")
            return got

        check(b"?", rb"T05thread:1;")
        # Hostile input: a wrong checksum gets a NAK; noise is skipped; the stub goes on.
        c.raw(b"$g#00")
        while (b := c.read_byte()) == b"+":
            pass
        if b != b"-":
            raise SystemExit(f"FAIL: a bad checksum got {b!r}, not a NAK")
        c.raw(b"noise\x7f\xff")
        big = b"m" + b"0" * 0x5000
        check(big, rb"E01")
        for bad, expected in [(b"m80000000", rb"E01"), (b"pzz", rb"E01"), (b"p99999", rb"E02"),
                              (b"Hg63", rb"E03"), (b"M80000000,2:zz", rb"E01"), (b"Z0,1,3", rb"E01"),
                              (b"m0,8", rb"E14"), (b"m10000000,1", rb"E14"), (b"X80000000,1:}", rb"E01"),
                              (b"qXfer:features:read:x.xml:0,10", rb"E00"), (b"vCont;q", rb"E01")]:
            check(bad, expected)
        check(b"qSupported:swbreak+", rb"PacketSize=4000;.*")
        # The interrupt byte stops a running machine (spin waits for released).
        check(b"Z0,%x,2" % symbols["finish"], rb"OK")
        c.packet(b"vCont;c")
        time.sleep(0.5)
        c.raw(b"\x03")
        check_stop = c.reply()
        if not re.fullmatch(rb"T02thread:1;", check_stop):
            raise SystemExit(f"FAIL: the interrupt byte got {check_stop!r}")
        released = symbols["released"]
        check(b"m%x,8" % released, rb"0000000000000000")
        check(b"M%x,8:0100000000000000" % released, rb"OK")
        c.packet(b"c")
        stop = c.reply()
        if not re.fullmatch(rb"T05thread:1;", stop):
            raise SystemExit(f"FAIL: the breakpoint on finish got {stop!r}")
        check(b"p20", b"%016x" % int.from_bytes(symbols["finish"].to_bytes(8, "little"), "big"))
        check(b"z0,%x,2" % symbols["finish"], rb"OK")
        check(b"D", rb"OK")
        c.sock.close()
    finally:
        status, stdout, stderr = tern.wait()
    if status != 0 or "PASS" not in stdout:
        raise SystemExit(f"FAIL: after detaching, the program did not pass: {status}\n{stdout}\n{stderr}")
    # GDB's kill ends Tern with status 0, wherever the guest was.
    tern = Tern(opts.tern, opts.variant, ["-bios", "none", "-kernel", opts.elf])
    try:
        out = run_gdb(opts.gdb, opts.elf, tern.port, ["break square", "continue", "kill"])
    finally:
        status, stdout, stderr = tern.wait()
    expect_in_order(out, [r"Breakpoint 1, square", r"\(Remote target\) killed"], "kill")
    if status != 0 or "PASS" in stdout:
        raise SystemExit(f"FAIL: kill: status {status}\n{stdout}\n{stderr}")
    print("protocol session: ok")


def session_smp(opts):
    tern = Tern(opts.tern, opts.variant, ["-smp", "4", "-bios", "none", "-kernel", opts.smp_elf])
    try:
        out = run_gdb(opts.gdb, opts.smp_elf, tern.port, [
            "info threads",
            "break smp_main",
            "continue",
            "print $a0 == $mhartid",
            "info threads",
            "thread 2",
            "print $mhartid",
            "print/x $pc",
            "thread 3",
            "print/x $pc",
            "thread 2",
            "set scheduler-locking step",  # else the other harts run while thread 2 steps
            "stepi",  # GDB's software single-step: a breakpoint on the next instruction, vCont;c:2
            "print/x $pc",
            "thread 3",
            "print/x $pc",
            "delete",
            "detach",
        ])
    finally:
        status, stdout, stderr = tern.wait()
    print(out)
    expect_in_order(out, [
        r"\* 1\s+Thread 1 \(hart 0, M-mode\)\s+0x0+1000",
        r"\n\s+4\s+Thread 4 \(hart 3, M-mode\)",
        r"Thread \d+ hit Breakpoint 1, smp_main|Breakpoint 1, smp_main",
        r"^\$1 = 1$",
        r"Thread 4 \(hart 3",
        r"Switching to thread 2",
        r"^\$2 = 1$",
        r"^\$3 = 0x[0-9a-f]+$",
        r"^\$4 = 0x[0-9a-f]+$",
        r"^\$5 = 0x[0-9a-f]+$",
        r"^\$6 = 0x[0-9a-f]+$",
        r"\(Remote target\) detached",
    ], "smp session")
    pcs = {n: int(v, 16) for n, v in re.findall(r"^\$([3-6]) = 0x([0-9a-f]+)$", out, re.M)}
    if pcs["5"] - pcs["3"] not in (2, 4) or pcs["6"] != pcs["4"]:
        raise SystemExit(f"FAIL: stepi on thread 2 should move its pc by one instruction and no other: {pcs}")
    if status != 0 or "PASS" not in stdout:
        raise SystemExit(f"FAIL: after detaching, the SMP program did not pass: {status}\n{stdout}\n{stderr}")


def session_savestate(opts):
    with tempfile.TemporaryDirectory() as tmp:
        early, late = f"{tmp}/early.tstate", f"{tmp}/late.tstate"
        tern = Tern(opts.tern, opts.variant, ["-bios", "none", "-kernel", opts.elf])
        try:
            out = run_gdb(opts.gdb, opts.elf, tern.port, [
                "break square", "continue", f"monitor savestate {early}", "delete", "set var released = 1",
                "break finish", "continue", f"monitor savestate {late}", f"monitor loadstate {early}",
                "maintenance flush register-cache", "print $pc", "print $a0", "print released",
                "monitor loadstate /nonexistent.tstate", "set var released = 1", "delete", "continue",
            ])
        finally:
            status, stdout, stderr = tern.wait()
        print(out)
        expect_in_order(out, [
            r"Breakpoint 1, square", f"saved {re.escape(early)}", r"Breakpoint 2, finish",
            f"saved {re.escape(late)}", f"loaded {re.escape(early)}; the harts are stopped",
            r"^\$1 = .* <square>$", r"^\$2 = 1$", r"^\$3 = 0$",  # back at the first call, released unset
            r"loadstate: /nonexistent.tstate.*the machine is unchanged",
            r"exited normally",
        ], "savestate session")
        if status != 0 or "PASS" not in stdout:
            raise SystemExit(f"FAIL: the loaded machine did not run to its end: {status}\n{stdout}\n{stderr}")
        # The file saved under GDB resumes without it: stopped at finish, released set.
        resumed = subprocess.run([opts.tern, "--loadstate", late] + VARIANT_ARGS[opts.variant],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        if resumed.returncode != 0 or "PASS" not in resumed.stdout:
            raise SystemExit(f"FAIL: --loadstate of the file saved under GDB: {resumed.returncode}\n{resumed.stdout}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tern", required=True)
    ap.add_argument("--gdb", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--smp-elf", required=True)
    ap.add_argument("--variant", choices=VARIANT_ARGS, default="jit")
    ap.add_argument("--only", choices=["gdb", "protocol", "smp", "savestate"])
    opts = ap.parse_args()
    for name, session in [("gdb", session_gdb), ("protocol", session_protocol), ("smp", session_smp),
                          ("savestate", session_savestate)]:
        if opts.only in (None, name):
            print(f"== {name} ({opts.variant})", flush=True)
            session(opts)
    print("PASS")


if __name__ == "__main__":
    main()
