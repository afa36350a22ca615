#!/usr/bin/env python3
"""SMP scaling: the multi-hart guest benchmark with 1, 2 and 4 harts on Tern and QEMU.

build/bench/smp_intmix.elf (smp_guest_main.c) runs the intmix kernel once on every hart, each hart on its
own copy of the data, so N harts do N times the work of one. Each engine runs it with every -smp in turn:

  tern      Tern's default mode (one host thread per hart once issue 5 lands)
  tern-det  Tern --deterministic, the single-host-thread reference
  qemu      qemu-system-riscv64 -M spike -accel tcg,thread=multi (one host thread per hart)

and the table gives, per run: wall time (process start to exit, so start-up is included: roughly 0.1 s for
QEMU, less for Tern), the host CPU time the emulator used (user + system, all its threads), CPU / wall (how
many host cores it kept busy), throughput (kernel runs per second: harts / wall), guest MIPS (the guest's
own minstret sum from Tern's run with the same -smp; QEMU's TCG does not count minstret, but retires the same
instructions), the scaling: throughput relative to the same engine with 1 hart, and how many host cores were
busy in all meanwhile (/proc/stat; if that is all of them, other processes held the emulator back and the
scaling says nothing). Every run must print the checksum of the same kernel built natively (smp_intmix-native)
and the expected hart count. With --runs N each configuration runs N times (interleaved) and the median wall
time is shown. This is a measurement: no time limit and no pass/fail on speed.

  bench/smp.py [--tern build/tern] [--dir build/bench] [--harts 1,2,4] [--runs 1] [--engines tern,tern-det,qemu]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from host_stat import host_busy_seconds

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = "smp_intmix"


def engine_commands(tern, elf):
    """Each engine's command line for -smp N."""
    return {
        "tern": lambda n: [tern, "-smp", str(n), "-bios", "none", "-kernel", elf, "-nographic"],
        "tern-det": lambda n: [tern, "--deterministic", "-smp", str(n), "-bios", "none", "-kernel", elf, "-nographic"],
        "qemu": lambda n: [os.environ.get("QEMU", "qemu-system-riscv64"), "-M", "spike", "-smp", str(n),
                           "-accel", "tcg,thread=multi", "-bios", "none", "-kernel", elf, "-nographic"],
    }


def run(argv):
    """Runs one emulator to its exit; returns (wall s, its host CPU s, the whole host's busy CPU s meanwhile,
    {key: value} of its output)."""
    start, host_before = time.monotonic(), host_busy_seconds()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall, host = time.monotonic() - start, host_busy_seconds() - host_before
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"smp: {' '.join(argv)} exited with status {proc.returncode}:\n{text}")
    fields = dict(line.split(None, 1) for line in text.splitlines() if len(line.split(None, 1)) == 2)
    return wall, usage.ru_utime + usage.ru_stime, host, fields


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "build", "tern"))
    ap.add_argument("--dir", default=os.path.join(HERE, "..", "build", "bench"), help="where smp_intmix.elf is")
    ap.add_argument("--harts", default="1,2,4")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--engines", default="tern,tern-det,qemu")
    args = ap.parse_args()
    harts = [int(n) for n in args.harts.split(",")]
    commands = engine_commands(args.tern, os.path.join(args.dir, PROGRAM + ".elf"))
    engines = args.engines.split(",")
    for e in engines:
        if e not in commands:
            sys.exit(f"smp: unknown engine {e!r} (known: {', '.join(commands)})")

    native = subprocess.run([os.path.join(args.dir, PROGRAM + "-native")], check=True, capture_output=True, text=True)
    checksum = native.stdout.split()[1]

    results = {(e, n): [] for e in engines for n in harts}
    for _ in range(args.runs):
        for n in harts:
            for e in engines:
                wall, cpu, host, fields = run(commands[e](n))
                if fields.get("checksum") != checksum or fields.get("harts") != str(n):
                    sys.exit(f"smp: {e} -smp {n} printed harts {fields.get('harts')!r}, checksum "
                             f"{fields.get('checksum')!r}; expected {n}, {checksum} (native)")
                results[e, n].append((wall, cpu, host, int(fields["instret"]) if e.startswith("tern") else None))

    def median_run(e, n):
        runs = sorted(results[e, n])
        return runs[(len(runs) - 1) // 2]

    # The guest's retired instructions for N harts (the same on every engine; only Tern counts them).
    instret = {n: count for (_, n), runs in results.items() for *_, count in runs if count}
    print(f"{PROGRAM}: checksum {checksum}, {args.runs} run(s) each, median wall time; host has "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"{'engine':9} {'harts':>5} {'wall s':>8} {'CPU s':>7} {'CPU/wall':>8} {'runs/s':>7} {'guest MIPS':>10} "
          f"{'scaling':>7} {'host busy':>9}")
    for e in engines:
        base = harts[0] / median_run(e, harts[0])[0]
        for n in harts:
            wall, cpu, host, _ = median_run(e, n)
            mips = f"{instret[n] / wall / 1e6:.1f}" if n in instret else "-"
            print(f"{e:9} {n:5} {wall:8.3f} {cpu:7.3f} {cpu / wall:8.2f} {n / wall:7.3f} {mips:>10} "
                  f"{n / wall / base:7.2f} {host / wall:9.2f}")
    if 1 in harts and 2 in harts:
        ratios = ", ".join(f"{e} {(2 / median_run(e, 2)[0]) / (1 / median_run(e, 1)[0]):.2f}x" for e in engines)
        print(f"throughput with 2 harts / with 1 hart: {ratios}")


if __name__ == "__main__":
    main()
