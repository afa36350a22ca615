#!/usr/bin/env python3
"""The debugger window driven as a person would: a real X display (Xvfb, Mesa's software OpenGL), clicks,
typing and keys delivered as ImGui input events by the window's script driver (TERN_UI_SCRIPT, ui/script.hpp).

usage: debugger_window.py TERN SPIN_ELF NM [SCREENSHOT_DIR]

The guest is tests/ui/spin.S: it counts in a0, stores the count to `counter`, makes a guest error each round
(a 4-byte read of the UART's LSR) and powers off with exit status a2 once a1 is not zero. On each engine:
  - Pause, then Step: pc moves by exactly one instruction.
  - Typing an address into the disassembly and clicking the line of `after_store` sets a breakpoint;
    Continue stops there (and both engines stop at the same pc, with the same status).
  - A write watchpoint on `counter`, added in the Breakpoints pane, stops the guest right after the store.
  - The guest error appears in the log pane with its device and register; clicking it moves the
    disassembly to its pc.
  - Writing 1 into a1 and 0x2a into a2 while paused changes the guest's result: Tern exits with 42.
  - A screenshot of the window is taken and must not be blank.
"""
import os
import re
import subprocess
import sys
import tempfile


def symbols(nm, elf):
    out = subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout
    return {name: int(addr, 16) for addr, _, name in (line.split() for line in out.splitlines() if line.count(" ") == 2)}


def run_session(tern, elf, sym, accel, screenshot):
    script = f"""
wait 10
click pause
wait-stop
print pc 0
click step
wait 2
print pc 0
print status
click disasm address
type {sym['_start']:x}
key enter
wait 2
click line {sym['after_store']:x}
wait 2
click continue
wait-stop
print status
print pc 0
click line {sym['after_store']:x}
wait 2
click watchpoint address
type {sym['counter']:x}
wait 1
click add watchpoint
wait 2
click continue
wait-stop
print status
print pc 0
print x 0 10
click disasm address
type {sym['_start']:x}
key enter
wait 2
print disasm
click error 0
wait 3
print disasm
screenshot {screenshot}
wait 2
click remove watchpoint 0
wait 2
click reg x11 a1
type 1
key enter
wait 2
click reg x12 a2
type 2a
key enter
wait 2
print x 0 11
print x 0 12
click continue
wait 600
"""
    with tempfile.NamedTemporaryFile("w", suffix=".script", delete=False) as f:
        f.write(script)
    env = dict(os.environ, TERN_UI_SCRIPT=f.name, LIBGL_ALWAYS_SOFTWARE="1")
    argv = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", tern, "--ui", "--accel", accel, "-bios", "none",
            "-kernel", elf, "-nographic"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    os.unlink(f.name)
    lines = [line[4:] for line in done.stdout.splitlines() if line.startswith("ui: ")]
    print(f"--- {accel}: exit status {done.returncode}")
    print("\n".join(lines))
    if done.stderr.strip():
        print(done.stderr.strip())
    return done.returncode, lines


def main():
    tern, elf, nm = sys.argv[1], sys.argv[2], sys.argv[3]
    shots = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp()
    sym = symbols(nm, elf)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    seen = {}
    for accel in ("jit", "interp"):
        shot = os.path.join(shots, f"debugger-{accel}.png")
        status, lines = run_session(tern, elf, sym, accel, shot)
        pcs = [int(m.group(1), 16) for m in (re.match(r"pc 0 0x([0-9a-f]+)", l) for l in lines) if m]
        statuses = [l for l in lines if l.startswith("status ")]
        check(len(pcs) == 4, f"{accel}: four pcs printed")
        if len(pcs) < 4:
            continue
        paused, stepped = pcs[0], pcs[1]
        check(stepped in (paused + 4, sym["loop"]), f"{accel}: one step from {paused:x} lands on {stepped:x}")
        check(statuses[0].startswith("status step"), f"{accel}: the step reports a step")
        check(statuses[1].startswith("status breakpoint") and pcs[2] == sym["after_store"],
              f"{accel}: the clicked breakpoint stops at after_store ({pcs[2]:x})")
        check(statuses[2].startswith("status watchpoint") and pcs[3] == sym["after_store"],
              f"{accel}: the watchpoint on counter stops after the store ({pcs[3]:x})")
        disasm = [l for l in lines if l.startswith("disasm ")]
        check(disasm == [f"disasm 0x{sym['_start']:x}", f"disasm 0x{sym['after_store']:x}"],
              f"{accel}: clicking the guest error moves the disassembly from _start to its pc: {disasm}")
        check("x 0 11 0x1" in lines and "x 0 12 0x2a" in lines, f"{accel}: a1 and a2 edited")
        check(status == 42, f"{accel}: the edited registers make the guest exit with 42 (status {status})")
        size = os.path.getsize(shot) if os.path.exists(shot) else 0
        colours = subprocess.run(["/usr/bin/convert", shot, "-format", "%k", "info:"], capture_output=True, text=True).stdout \
            if size else "0"
        check(size > 10000 and int(colours or 0) > 20, f"{accel}: a screenshot with {colours} colours")
        seen[accel] = (statuses[1:], pcs[2:])
    check(len(seen) == 2 and seen["jit"] == seen["interp"], "the JIT and the interpreter stop at the same places")
    print("PASS" if not failures else f"FAIL: {len(failures)} checks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
