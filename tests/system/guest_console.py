"""A minimal expect(1) for driving an emulator's serial console from tests."""
import os
import select
import subprocess
import time

PROMPT = b"~ # "


class Console:
    """A minimal expect(1): read the emulator's stdout, write its stdin."""

    def __init__(self, argv, log):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = b""
        self.log = log
        self.start = time.monotonic()

    def expect(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 1.0)):
                raise TimeoutError(f"did not see {needle!r}; last output:\n"
                                   + self.buf[-2000:].decode(errors="replace"))
        before, _, self.buf = self.buf.partition(needle)
        return before.decode(errors="replace")

    def _pending(self):
        return bool(select.select([self.proc.stdout], [], [], 0)[0])

    def _read(self, timeout):
        """Read what is there; False once the emulator closed its output."""
        if select.select([self.proc.stdout], [], [], timeout)[0]:
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                return False
            self.log.write(data)
            self.log.flush()
            self.buf += data
        return True

    def send(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def run(self, command, timeout):
        """Send one shell command, return what it printed (without the echo)."""
        self.send(command)
        out = self.expect(PROMPT, timeout)
        return out.split("\n", 1)[1] if "\n" in out else ""

    def wait(self, timeout):
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self._read(0.2)
        while self._pending() and self._read(0):
            pass
        return self.proc.poll()


def shell_session(argv, steps, log):
    """Runs the emulator, waits for the shell prompt, calls steps(con) (which returns True when its checks
    passed), then powers the guest off. Returns the test's exit code: 0 only if the steps passed and the
    emulator exited with status 0 after `poweroff`."""
    con = Console(argv, log)
    try:
        con.expect(PROMPT, 300)
        con.run("", 30)  # the prompt may be followed by respawn noise; resync once
        if not steps(con):
            con.proc.kill()
            return 1
        con.send("poweroff")
        rc = con.wait(120)
        print("exit status:", rc)
        return 0 if rc == 0 else 1
    except TimeoutError as e:
        print("\nFAIL:", e)
        con.proc.kill()
        return 1


UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"  # Debian's u-boot-qemu, S-mode


def uboot_session(argv, steps, log, boot_checks=()):
    """Runs the emulator on OpenSBI + U-Boot, waits for each of `boot_checks` in the boot output, stops
    autoboot, waits for `=> ` and calls steps(con), which returns True when its checks passed. Returns the
    test's exit code; the emulator is killed at the end (U-Boot has no power-off here)."""
    con = Console(argv, log)
    try:
        for needle in boot_checks:
            con.expect(needle, 60)
        con.expect(b"Hit any key to stop autoboot", 60)
        con.send(" ")  # stop autoboot
        con.expect(b"=> ", 60)
        return 0 if steps(con) else 1
    except TimeoutError as e:
        print("\nFAIL:", e)
        return 1
    finally:
        con.proc.kill()
        time.sleep(0.1)
