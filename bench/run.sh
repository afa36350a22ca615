#!/bin/bash
# Runs the guest benchmark on Tern's JIT, on Tern's interpreter and on QEMU's
# spike machine (which implements HTIF), checks all printed the same checksum,
# and prints wall time, guest instructions per second and each Tern/QEMU ratio.
# usage: bench/run.sh [TERN] [BENCH_ELF]
# The instruction count is the guest's own minstret, printed by the program
# on Tern; the same binary retires the same instructions on QEMU.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tern="${1:-$root/build/tern}"
elf="${2:-$root/build/bench/bench.elf}"
qemu="${QEMU:-qemu-system-riscv64}"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# run NAME COMMAND...: stdout to $out/NAME, wall seconds to $out/NAME.time
run() {
    local name="$1" start end status=0
    shift
    start=$(date +%s.%N)
    "$@" >"$out/$name" </dev/null || status=$?
    if [ "$status" -ne 0 ]; then
        echo "bench: $name exited with status $status" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >"$out/$name.time"
}

run tern "$tern" --accel jit -bios none -kernel "$elf" -nographic
run interp "$tern" --accel interp -bios none -kernel "$elf" -nographic
run qemu "$qemu" -M spike -bios none -kernel "$elf" -nographic

field() { awk -v key="$1" '$1 == key { print $2 }' "$out/$2"; }
tern_sum=$(field checksum tern)
qemu_sum=$(field checksum qemu)
interp_sum=$(field checksum interp)
if [ -z "$tern_sum" ] || [ "$tern_sum" != "$qemu_sum" ] || [ "$interp_sum" != "$qemu_sum" ]; then
    echo "bench: checksums differ: jit '$tern_sum', interp '$interp_sum', qemu '$qemu_sum'" >&2
    exit 1
fi
instret=$(field instret tern)

awk -v n="$instret" -v tt="$(cat "$out/tern.time")" -v it="$(cat "$out/interp.time")" \
    -v qt="$(cat "$out/qemu.time")" -v sum="$tern_sum" 'BEGIN {
    printf "checksum %s (same on all)\n", sum
    printf "guest instructions: %s\n", n == "" ? "unknown (no instret line)" : n
    printf "%-12s %10s %12s %22s\n", "", "wall s", "guest MIPS", "speed vs QEMU"
    printf "%-12s %10.3f %12s %22.3f\n", "tern jit", tt, n == "" ? "-" : sprintf("%.1f", n / tt / 1e6), qt / tt
    printf "%-12s %10.3f %12s %22.3f\n", "tern interp", it, n == "" ? "-" : sprintf("%.1f", n / it / 1e6), qt / it
    printf "%-12s %10.3f %12s %22s\n", "qemu", qt, n == "" ? "-" : sprintf("%.1f", n / qt / 1e6), "1"
}'
