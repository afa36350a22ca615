#!/usr/bin/env python3
"""gdb-multiarch against the default Linux guest: a breakpoint on a kernel function, hit from the shell.

Boots roms/linux (Image.zst, initramfs) with -gdb tcp::0 to its shell prompt; GDB, given the kernel's
text symbols (roms/linux/System.map.zst through roms/symbols-elf.py), attaches, which stops the harts,
sets a breakpoint on do_sys_openat2 and continues; a shell command (cat) opens a file and the breakpoint
hits on some hart in S-mode. GDB shows the backtrace and the threads, deletes the breakpoint and
detaches; the command's output appears and `poweroff` ends Tern with status 0.

usage: gdb_linux.py --tern TERN --gdb GDB --roms ROMS_DIR [--variant jit|interp|deterministic]
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from guest_console import shell_session

VARIANT_ARGS = {"jit": [], "interp": ["--accel", "interp"], "deterministic": ["--deterministic"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tern", required=True)
    ap.add_argument("--gdb", required=True)
    ap.add_argument("--roms", required=True)
    ap.add_argument("--variant", choices=VARIANT_ARGS, default="jit")
    opts = ap.parse_args()
    roms = Path(opts.roms)
    tmp = tempfile.TemporaryDirectory()
    symbols = Path(tmp.name) / "linux-syms.elf"
    subprocess.run([sys.executable, str(roms / "symbols-elf.py"), str(roms / "linux/System.map.zst"), str(symbols)],
                   check=True)
    argv = [opts.tern, "-gdb", "tcp::0", "-M", "virt", "-m", "256M", "-smp", "2", "-nographic",
            "-kernel", str(roms / "linux/Image.zst"), "-initrd", str(roms / "linux/initramfs.cpio.zst"),
            "-append", "console=ttyS0"] + VARIANT_ARGS[opts.variant]

    def steps(con):
        port = int(re.search(rb"GDB server on 127\.0\.0\.1 port (\d+)", con.log_copy).group(1))
        gdb = subprocess.Popen([opts.gdb, "-batch", "-nx", str(symbols), "-ex", "set pagination off",
                                "-ex", f"target remote 127.0.0.1:{port}", "-ex", "break do_sys_openat2",
                                "-ex", "continue", "-ex", "bt 3", "-ex", "print $priv", "-ex", "info threads",
                                "-ex", "x/2i $pc", "-ex", "delete", "-ex", "detach"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)  # GDB attaches, sets the breakpoint and continues; an early command waits in the UART
        con.send("cat /proc/version")
        try:
            out, _ = gdb.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            gdb.kill()
            out, _ = gdb.communicate()
            print(f"\nFAIL: GDB did not finish:\n{out}")
            return False
        print(out)
        for pattern in [r"Breakpoint 1 at 0xffffffff8[0-9a-f]+",
                        r"Breakpoint 1, 0xffffffff8[0-9a-f]+ in do_sys_openat2 \(\)",
                        r"#1 .* in \w+",
                        r"^\$1 = 1$",  # S-mode
                        r"Thread 2 \(hart 1, [SUM]-mode",
                        r"=> 0xffffffff8[0-9a-f]+ <do_sys_openat2(\+\d+)?>:",
                        r"\(Remote target\) detached"]:
            if not re.search(pattern, out, re.M):
                print(f"\nFAIL: /{pattern}/ not in GDB's output")
                return False
        con.expect(b"Linux version 6.1", 120)  # the command completes once GDB has gone
        con.expect(b"~ # ", 60)
        print("\nPASS: do_sys_openat2 hit from the shell; the guest runs on after detach")
        return True

    class Log:  # the console's log, also kept for finding the port Tern announced
        def __init__(self):
            self.copy = b""

        def write(self, data):
            self.copy += data
            sys.stdout.buffer.write(data)

        def flush(self):
            sys.stdout.buffer.flush()

    log = Log()

    def steps_with_log(con):
        con.log_copy = log.copy
        return steps(con)

    return shell_session(argv, steps_with_log, log)


if __name__ == "__main__":
    sys.exit(main())
