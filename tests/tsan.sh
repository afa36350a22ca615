#!/bin/bash
# ThreadSanitizer run of the threading core (test.sh runs it after ctest).
# Builds build-tsan/ with -DTERN_SANITIZE=thread, then runs every SMP guest
# program with 2, 4 and 8 harts on both engines, and the unit tests that use
# several host threads. Any report fails the run (TSan exits 66).
# Generated JIT code is not instrumented: under the JIT, TSan sees the
# dispatcher, helpers, devices and the machine, and under the interpreter
# every guest memory access as well.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${TSAN_BUILD_DIR:-build-tsan}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_SANITIZE=thread >/dev/null
ninja -C "$build" -j"${JOBS:-2}" tern unit_tests guest_smp_programs gdb_target

export TSAN_OPTIONS="exitcode=66 halt_on_error=0 ${TSAN_OPTIONS:-}"
failures=0
run() {
    local log
    log=$(mktemp)
    if "$@" >"$log" 2>&1 && ! grep -q "WARNING: ThreadSanitizer" "$log"; then
        echo "tsan: ok    $*"
    else
        echo "tsan: FAIL  $*"
        grep -A30 "WARNING: ThreadSanitizer" "$log" | head -60 || tail -20 "$log"
        failures=$((failures + 1))
    fi
    rm -f "$log"
}

for elf in "$build"/tests/guest/smp/*.elf; do
    for harts in 2 4 8; do
        for accel in jit interp; do
            run "$build/tern" --accel "$accel" -smp "$harts" -bios none -kernel "$elf" -nographic
        done
    done
done
# The GDB stub's thread against the harts' (tests/gdb): threads and round-robin; any report changes Tern's status.
for variant in jit deterministic; do
    run python3 tests/gdb/gdb_bare.py --tern "$build/tern" --gdb gdb-multiarch --elf "$build/tests/gdb/target.elf" \
        --smp-elf "$build/tests/guest/smp/amo_counter.elf" --variant "$variant"
done
run "$build/tests/unit_tests" --test-case='*thread*,*concurren*,*reservation*,*LR/SC*,debug: stop*'

if [ "$failures" -ne 0 ]; then
    echo "tsan: $failures run(s) failed"
    exit 1
fi
echo "tsan: all runs clean"
