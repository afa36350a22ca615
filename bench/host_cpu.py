#!/usr/bin/env python3
"""Host CPU used by a -smp 4 Linux guest, idle and with 4 busy processes, Tern vs QEMU.

Each emulator boots the default guest (linux_guest.py: same OpenSBI, kernel and initramfs) with -smp 4 and
waits for the shell prompt. Then:

  harts  the guest's /proc/cpuinfo must list 4 harts ("processor" lines);
  idle   after --settle seconds, the host CPU time (user + system, all threads, from /proc/PID/stat) the
         emulator uses over --idle seconds, as percent of one host core, and how busy the whole host was
         meanwhile (/proc/stat; near 100 % times the cores means other processes held the emulator back);
  busy   the shell starts 4 endless loops (`while :; do :; done &`); after --settle seconds the same figure
         over --busy seconds, with the emulator's busiest host threads (/proc/PID/task) and the guest's own
         view: how busy each guest hart was over the same window (/proc/stat, non-idle share).

With one host thread per hart the busy figure approaches 100 % times the host's cores (at most 4 harts'
worth); with all harts on one host thread it stays near 100 %. A measurement, not a test: no pass/fail on
figures (only on the hart count), and the generous timeouts guard against hangs only.

  bench/host_cpu.py [--tern build/tern] [--emulators tern,qemu] [--idle 10] [--busy 5] [--settle 2]
"""
import argparse
import os
import sys
import tempfile
import time

from host_stat import cpu_seconds, host_busy_seconds
from linux_guest import DEFAULT_TERN, booted, decompress_images, emulator_commands

HARTS = 4
BUSY_LOOPS = "for i in 1 2 3 4; do (while :; do :; done) & done"


def thread_seconds(pid):
    """{thread id: CPU seconds} of every thread of the process."""
    seconds = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            seconds[tid] = cpu_seconds(f"/proc/{pid}/task/{tid}/stat")
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    return seconds


def host_usage(pid, seconds):
    """Over the next `seconds`, as percents of one host core: (the process, its threads busiest first, the whole
    host: when that is near 100 % times the cores, other processes held the emulator back)."""
    start, threads_before = time.monotonic(), thread_seconds(pid)
    total_before, host_before = cpu_seconds(f"/proc/{pid}/stat"), host_busy_seconds()
    time.sleep(seconds)
    total_after, host_after = cpu_seconds(f"/proc/{pid}/stat"), host_busy_seconds()
    elapsed, threads_after = time.monotonic() - start, thread_seconds(pid)
    per_thread = sorted((100 * (threads_after[t] - threads_before.get(t, 0)) / elapsed for t in threads_after),
                        reverse=True)
    return 100 * (total_after - total_before) / elapsed, per_thread, 100 * (host_after - host_before) / elapsed


def guest_cpu_times(con):
    """{"cpuN": (busy ticks, all ticks)} from the guest's /proc/stat (proc(5): idle and iowait are not busy)."""
    times = {}
    for line in con.run("grep '^cpu[0-9]' /proc/stat", 300).splitlines():
        if not line.startswith("cpu"):  # a job-control notice, say
            continue
        name, *values = line.split()
        values = [int(v) for v in values]
        times[name] = (sum(values) - values[3] - values[4], sum(values))
    return times


def guest_busy_percents(before, after):
    return [100 * (after[c][0] - before[c][0]) / max(1, after[c][1] - before[c][1]) for c in sorted(after)]


def measure(name, argv, args, log):
    with booted(argv, log) as con:
        con.run("", 60)  # the prompt may be followed by respawn noise; resync once
        harts = int(con.run("grep -c ^processor /proc/cpuinfo", 60).strip())
        print(f"{name}: /proc/cpuinfo lists {harts} harts", flush=True)
        time.sleep(args.settle)
        idle, _, host = host_usage(con.proc.pid, args.idle)
        print(f"{name}: idle guest: {idle:.1f} % of one host core over {args.idle} s (whole host busy {host:.0f} %)",
              flush=True)
        con.run(BUSY_LOOPS, 300)
        time.sleep(args.settle)
        guest_before = guest_cpu_times(con)
        busy, threads, host = host_usage(con.proc.pid, args.busy)
        guest_after = guest_cpu_times(con)
        top = ", ".join(f"{p:.0f}" for p in threads[:HARTS + 1])
        print(f"{name}: 4 busy processes: {busy:.1f} % of one host core over {args.busy} s; "
              f"busiest host threads (%): {top}; {len(threads)} threads; whole host busy {host:.0f} %", flush=True)
        print(f"{name}:   guest harts busy (%): "
              + ", ".join(f"{p:.0f}" for p in guest_busy_percents(guest_before, guest_after)), flush=True)
        return harts, idle, busy


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tern", default=DEFAULT_TERN)
    ap.add_argument("--emulators", default="tern,qemu")
    ap.add_argument("--idle", type=float, default=10, help="idle measurement window, seconds")
    ap.add_argument("--busy", type=float, default=5, help="busy measurement window, seconds")
    ap.add_argument("--settle", type=float, default=2, help="wait before each window, seconds")
    ap.add_argument("--log", help="append both consoles to this file")
    args = ap.parse_args()
    print(f"host: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
    log = open(args.log or os.devnull, "ab")
    results = {}
    with tempfile.TemporaryDirectory(prefix="tern-host-cpu-") as tmp:
        commands = emulator_commands(args.tern, *decompress_images(tmp), HARTS)
        for name in args.emulators.split(","):
            results[name] = measure(name, commands[name], args, log)
    print(f"summary, -smp {HARTS}, percent of one host core:")
    for name, (harts, idle, busy) in results.items():
        print(f"  {name:5} harts {harts}  idle {idle:6.1f} %  busy {busy:6.1f} %")
    if any(harts != HARTS for harts, _, _ in results.values()):
        sys.exit(f"host_cpu: a guest did not list {HARTS} harts in /proc/cpuinfo")


if __name__ == "__main__":
    main()
