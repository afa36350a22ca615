#!/bin/bash
# Runs each benchmark program (bench/kernels/NAME.c) on Tern's JIT, on Tern's
# interpreter, on QEMU's spike machine (which implements HTIF) and natively
# (the same C source built for the host), checks that all printed the same
# checksum, and prints one table: wall time, guest instructions per second,
# speed relative to QEMU and slowdown relative to native.
# usage: bench/run.sh [TERN] [BENCH_BUILD_DIR] [PROGRAM...]
#   defaults: build/tern, build/bench, and the programs intmix memory fp
# The instruction count is the guest's own minstret, printed by the program
# on Tern; the same binary retires the same instructions on QEMU (whose TCG
# does not count minstret without -icount). Wall times include process
# start-up (QEMU's is roughly 0.1 s). There is no time limit: a measurement.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tern="${1:-$root/build/tern}"
dir="${2:-$root/build/bench}"
shift $(($# < 2 ? $# : 2))
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(intmix memory fp)
qemu="${QEMU:-qemu-system-riscv64}"
engines=(jit interp qemu native)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# run NAME COMMAND...: stdout to $out/NAME, wall seconds to $out/NAME.time
run() {
    local name="$1" start end status=0
    shift
    start=$(date +%s.%N)
    "$@" >"$out/$name" </dev/null || status=$?
    if [ "$status" -ne 0 ]; then
        echo "bench: $name exited with status $status:" >&2
        cat "$out/$name" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >"$out/$name.time"
}

field() { awk -v key="$1" '$1 == key { print $2 }' "$out/$2"; }

printf "%-8s %-12s %8s %11s %14s %18s  %s\n" program engine "wall s" "guest MIPS" "speed vs QEMU" "slowdown vs native" checksum
for p in "${programs[@]}"; do
    elf="$dir/$p.elf"
    run "$p.jit" "$tern" --accel jit -bios none -kernel "$elf" -nographic
    run "$p.interp" "$tern" --accel interp -bios none -kernel "$elf" -nographic
    run "$p.qemu" "$qemu" -M spike -bios none -kernel "$elf" -nographic
    run "$p.native" "$dir/$p-native"
    sum=$(field checksum "$p.native")
    for e in "${engines[@]}"; do
        if [ -z "$sum" ] || [ "$(field checksum "$p.$e")" != "$sum" ]; then
            echo "bench: $p: checksums differ:" >&2
            for e2 in "${engines[@]}"; do echo "  $e2: '$(field checksum "$p.$e2")'" >&2; done
            exit 1
        fi
    done
    instret=$(field instret "$p.jit")
    for e in "${engines[@]}"; do
        awk -v p="$p" -v e="$e" -v n="$instret" -v t="$(cat "$out/$p.$e.time")" -v sum="$sum" \
            -v q="$(cat "$out/$p.qemu.time")" -v nat="$(cat "$out/$p.native.time")" 'BEGIN {
            mips = (e == "native" || n == "") ? "-" : sprintf("%.1f", n / t / 1e6)
            printf "%-8s %-12s %8.3f %11s %14.2f %18.1f  %s\n", p, e, t, mips, q / t, t / nat, sum
        }'
    done
done
