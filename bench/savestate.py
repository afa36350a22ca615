#!/usr/bin/env python3
"""Savestates, Tern vs QEMU: save time, load time and file size of the default guest at its shell prompt.

For each RAM size (--memory, default 256M and 1G) and each of --runs rounds, both emulators boot the default
guest (linux_guest.py: the same OpenSBI, kernel and initramfs, decompressed once) to the `~ # ` prompt, then:

  Tern  save: Ctrl-A s on the console (bytes 0x01 's', --savestate-dir a temporary directory); the time runs
              from writing those two bytes to reading the `tern: saved PATH` line. It includes the I/O thread
              seeing the escape, stopping the harts, scanning RAM for zero pages, compressing (zstd), writing,
              fsync and the rename that puts the finished file in place. Then, untimed: no PATH.partial may be
              left and `tern --savestate-info PATH` must validate the whole file.
        load: `tern --loadstate PATH -nographic`, with `echo ok-$((6*7))` written to its stdin at once; the time
              runs from starting the process to reading `ok-42`. It includes process start-up, reading and
              decompressing the file, building the machine, and the guest running the command (its JIT starts
              cold). Nothing is subtracted.
  QEMU  save: over QMP (-qmp unix:SOCK), `migrate` to `exec:` zstd (level 3, zstd's default, one thread) into a
              temporary file renamed into place when zstd has exited; the time runs from sending `migrate` to
              `query-migrate` reporting `completed` and the file being in place, whichever is later. The guest
              keeps running while QEMU copies its RAM (a live migration; at the prompt it dirties almost
              nothing). Untimed: `zstd -t` must accept the file.
        load: `qemu-system-riscv64 ... -incoming "exec:zstd -dc FILE"`; once `query-status` says `running`
              (QEMU starts the guest itself when the stream is in), `echo ok-$((6*7))` is written to its stdin;
              the time runs from starting the process to reading `ok-42`. QEMU needs the whole command line
              (-kernel and so on) again; Tern takes the machine from the file.
  size: the file's bytes.

The compressor runs in its own process on QEMU (`zstd` through a pipe) and on worker threads inside Tern
(savestate/save.cpp). The zstd wrapper on QEMU's side ignores SIGTERM and renames in a subshell because QEMU
signals the exec'd command (SIGTERM, then SIGKILL 10 ms later) if it has not exited when QEMU closes the
migration channel, which would truncate the file or skip the rename.

Prints every run, then a table of medians and the ratio Tern / QEMU (below 1: Tern saves or loads faster, or
its file is smaller). A measurement, not a test: the only failures are a savestate that does not validate or a
guest that does not answer; the generous timeouts guard against hangs only.

  bench/savestate.py [--tern build/tern] [--runs 3] [--memory 256M,1G] [--log FILE]
"""
import argparse
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from linux_guest import DEFAULT_TERN, PROMPT, booted, decompress_images, emulator_commands
from guest_console import Console

COMMAND, ANSWER = "echo ok-$((6*7))", b"ok-42"
BOOT_TIMEOUT, SAVE_TIMEOUT, LOAD_TIMEOUT = 600, 300, 300
RAM_PAGE_RECORD = 8 + 4096  # savestate/format: a page number, then the page


def descendants(pid):
    """Every process below pid (from /proc/PID/task/*/children), children first."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except FileNotFoundError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as f:
                    kids = [int(p) for p in f.read().split()]
            except FileNotFoundError:
                continue
            found += kids
            todo += kids
    return found


def stop(con):
    """Kills the emulator and whatever it started (QEMU's exec: commands) that is still running."""
    if con is None:
        return
    kids = descendants(con.proc.pid)
    con.proc.kill()
    con.proc.wait()
    for pid in kids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.002)


def answer_time(argv, start_hook, log):
    """Starts argv, calls start_hook(con) (which returns when the command may be sent), sends COMMAND and
    returns the seconds from process start to ANSWER, with the console (the caller stops it)."""
    con = Console(argv, log)
    try:
        start_hook(con)
        con.send(COMMAND)
        con.expect(ANSWER, LOAD_TIMEOUT)
        elapsed = time.monotonic() - con.start
        con.expect(PROMPT, LOAD_TIMEOUT)  # and the shell goes on
        return elapsed, con
    except BaseException:
        stop(con)
        raise


def tern_round(tern, boot_argv, tmp, log):
    """(save s, load s, file bytes, RAM pages in the file) for one Tern save and load."""
    with booted(boot_argv + ["--savestate-dir", tmp], log) as con:
        con.run("", 60)  # the prompt may be followed by respawn noise; resync once
        start = time.monotonic()
        con.proc.stdin.write(b"\x01s")
        con.proc.stdin.flush()
        con.expect(b"tern: saved ", SAVE_TIMEOUT)
        path = con.expect(b"\n", SAVE_TIMEOUT).strip()
        save = time.monotonic() - start
    try:
        if os.path.exists(path + ".partial"):
            raise RuntimeError(f"{path}.partial is left after `tern: saved`")
        info = subprocess.run([tern, "--savestate-info", path], capture_output=True, text=True, timeout=LOAD_TIMEOUT)
        if info.returncode != 0 or "valid:        yes" not in info.stdout:
            raise RuntimeError(f"tern --savestate-info {path} failed:\n{info.stdout}{info.stderr}")
        ram = next(int(line.split()[2]) for line in info.stdout.splitlines() if line.split()[:1] == ["ram"])
        size = os.path.getsize(path)
        load, con = answer_time([tern, "--loadstate", path, "-nographic"], lambda con: None, log)
        stop(con)
        return save, load, size, (ram - 8) // RAM_PAGE_RECORD
    finally:
        if os.path.exists(path):
            os.remove(path)


class Qmp:
    """A QMP client on a unix socket: commands in turn, events skipped."""

    def __init__(self, path, timeout):
        def connect():
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(path)
                return s
            except OSError:
                s.close()
                return None
        self.sock = wait_for(connect, timeout, f"QMP socket {path}")
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rwb")
        json.loads(self.file.readline())  # the greeting
        self.execute("qmp_capabilities")

    def execute(self, name, **arguments):
        self.file.write(json.dumps({"execute": name, "arguments": arguments}).encode() + b"\n")
        self.file.flush()
        while True:
            line = self.file.readline()
            if not line:
                raise RuntimeError(f"QMP closed during {name}")
            reply = json.loads(line)
            if "error" in reply:
                raise RuntimeError(f"QMP {name}: {reply['error']}")
            if "return" in reply:
                return reply["return"]

    def close(self):
        self.file.close()
        self.sock.close()


def qemu_round(boot_argv, tmp, log):
    """(save s, load s, file bytes, RAM pages in the stream) for one QEMU migrate to a file and back."""
    sock = os.path.join(tmp, "qmp.sock")
    path = os.path.join(tmp, "qemu.zst")
    qmp_arg = ["-qmp", f"unix:{sock},server=on,wait=off"]
    try:
        with booted(boot_argv + qmp_arg, log) as con:
            con.run("", 60)
            qmp = Qmp(sock, SAVE_TIMEOUT)
            try:
                partial = shlex.quote(path + ".partial")
                writer = f"(trap '' TERM; zstd -q > {partial} && mv {partial} {shlex.quote(path)})"
                start = time.monotonic()
                qmp.execute("migrate", uri=f"exec:{writer}")

                def completed():
                    status = qmp.execute("query-migrate")
                    if status.get("status") in ("failed", "cancelled"):
                        raise RuntimeError(f"QEMU migration {status.get('status')}: {status}")
                    return status if status.get("status") == "completed" else None
                status = wait_for(completed, SAVE_TIMEOUT, "QEMU migration to complete")
                wait_for(lambda: os.path.exists(path), SAVE_TIMEOUT, f"{path} to be renamed into place")
                save = time.monotonic() - start
            finally:
                qmp.close()
            stop(con)
        os.remove(sock)
        check = subprocess.run(["zstd", "-q", "-t", path], capture_output=True, text=True, timeout=LOAD_TIMEOUT)
        if check.returncode != 0:
            raise RuntimeError(f"zstd -t {path}: {check.stderr}")
        size = os.path.getsize(path)

        def until_running(con):
            qmp = Qmp(sock, LOAD_TIMEOUT)
            try:
                wait_for(lambda: qmp.execute("query-status")["status"] == "running", LOAD_TIMEOUT,
                         "QEMU to run the incoming guest")
            finally:
                qmp.close()
        load, con = answer_time(boot_argv + qmp_arg + ["-incoming", f"exec:zstd -dc {shlex.quote(path)}"],
                                until_running, log)
        stop(con)
        return save, load, size, status["ram"]["normal"]
    finally:
        for leftover in (path, path + ".partial", sock):
            if os.path.exists(leftover):
                os.remove(leftover)


def parse_memory(text):
    return [m.strip() for m in text.split(",") if m.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tern", default=DEFAULT_TERN)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--memory", type=parse_memory, default=["256M", "1G"], help="RAM sizes, comma-separated")
    ap.add_argument("--log", help="append both emulators' console output to this file")
    args = ap.parse_args()
    log = open(args.log, "ab") if args.log else open(os.devnull, "wb")
    measures = ("save s", "load s", "file MiB")
    load_before = os.getloadavg()[0]
    results = {}  # (memory, emulator) -> {measure: [values]}
    pages = {}  # (memory, emulator) -> [RAM pages stored]
    with tempfile.TemporaryDirectory(prefix="tern-savestate-bench-") as tmp:
        peers = emulator_commands(args.tern, *decompress_images(tmp), 1)
        for memory in args.memory:
            for name, argv in peers.items():
                results[memory, name] = {m: [] for m in measures}
                pages[memory, name] = []
            for run in range(1, args.runs + 1):
                for name, argv in peers.items():
                    argv = list(argv)
                    argv[argv.index("-m") + 1] = memory
                    if name == "tern":
                        save, load, size, stored = tern_round(args.tern, argv, tmp, log)
                    else:
                        save, load, size, stored = qemu_round(argv, tmp, log)
                    r = results[memory, name]
                    r["save s"].append(save)
                    r["load s"].append(load)
                    r["file MiB"].append(size / 2**20)
                    pages[memory, name].append(stored)
                    print(f"-m {memory} run {run} {name:4}: save {save:.3f} s, load {load:.3f} s, "
                          f"file {size:,} bytes, {stored} RAM pages stored", flush=True)

    print(f"\nsavestates of the default guest at its shell prompt, {args.runs} runs each, medians "
          "(every run in parentheses); Tern / QEMU below 1 means Tern is faster or smaller")
    print(f"host: {os.cpu_count()} cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print("| guest | measure | Tern | QEMU | Tern / QEMU |")
    print("|---|---|---|---|---|")
    for memory in args.memory:
        for m in measures:
            cells = []
            for name in ("tern", "qemu"):
                values = results[memory, name][m]
                digits = 2 if m == "file MiB" else 3
                cells.append(f"{statistics.median(values):.{digits}f} ({', '.join(f'{v:.{digits}f}' for v in values)})")
            ratio = statistics.median(results[memory, "tern"][m]) / statistics.median(results[memory, "qemu"][m])
            print(f"| -m {memory} | {m} | {cells[0]} | {cells[1]} | {ratio:.2f} |")
    print()
    for memory in args.memory:
        print(f"-m {memory}: non-zero RAM pages stored, Tern {statistics.median(pages[memory, 'tern']):.0f}, "
              f"QEMU {statistics.median(pages[memory, 'qemu']):.0f} (QEMU's `normal` pages; it also sends a "
              "header for each zero page)")


if __name__ == "__main__":
    sys.exit(main())
