#!/usr/bin/env python3
"""--savestate-at with --deterministic: a run saved at instruction N and resumed prints, byte for byte,
what the same run prints without ever stopping; on both engines, and resumed on the other one.

The guest is deterministic.py's: the default Linux with -smp 8 booting into `busybox poweroff -f`
(timers, WFI, the round-robin of 8 harts, the UART, PLIC and RTC). For each N:
  - the run with --savestate-at N prints exactly what the plain run prints (saving perturbs nothing);
  - the plain run stopped by --max-instructions N (which stops where --savestate-at saves) followed by
    the file resumed with --loadstate prints exactly the plain run's output.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
LINUX = os.path.join(ROOT, "roms", "linux")
GUEST = ["--deterministic", "-smp", "8", "-m", "256M", "-nographic",
         "-kernel", os.path.join(LINUX, "Image.zst"), "-initrd", os.path.join(LINUX, "initramfs.cpio.zst"),
         "-append", "console=ttyS0 rdinit=/bin/busybox -- poweroff -f"]
# Early boot (one hart), secondary harts coming up, and late (init and poweroff), in instructions.
POINTS = [3_000_001, 41_234_567, 77_777_777]


def run(tern, *args):
    done = subprocess.run([tern, *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    return done.returncode, done.stdout, done.stderr.decode(errors="replace")


def main():
    tern = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for accel, resume_accel in [("jit", "jit"), ("interp", "interp"), ("jit", "interp"), ("interp", "jit")]:
            status, full, _ = run(tern, "--accel", accel, *GUEST)
            if status != 0 or b"reboot: Power down" not in full:
                print(f"FAIL: the {accel} run did not power off cleanly (status {status})")
                return 1
            for n in POINTS:
                state = os.path.join(tmp, f"{accel}-{n}.tstate")
                status, saving, err = run(tern, "--accel", accel, *GUEST, "--savestate", state, "--savestate-at", str(n))
                ok = status == 0 and saving == full and f"tern: saved {state}" in err
                status, prefix, _ = run(tern, "--accel", accel, *GUEST, "--max-instructions", str(n))
                ok = ok and status == 124
                status, rest, err = run(tern, "--accel", resume_accel, "-nographic", "--loadstate", state)
                ok = ok and status == 0 and prefix + rest == full
                print(f"{'ok  ' if ok else 'FAIL'} saved on {accel} at {n}, resumed on {resume_accel}: "
                      f"{len(prefix)} + {len(rest)} bytes of output, the plain run {len(full)} {err.strip()}")
                if not ok:
                    failures += 1
                os.remove(state)
    print("PASS" if failures == 0 else f"FAIL: {failures} runs differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
