/* The program the GDB tests (gdb_bare.py) debug, linked with the guest harness (tests/guest/common):
 * it sums squares, storing each loop count to `watched` (a watchpoint's target), then waits in
 * `spin` until a debugger sets `released` (an interrupt's target), and exits with what `finish`
 * returns: 0, unless a debugger changed its a0. Alone, it waits for ever. */
#include "harness.h"

volatile u64 watched;
volatile u64 released;
u64 total;

__attribute__((noipa)) u64 square(u64 i) { return i * i; }

__attribute__((noipa)) void spin(void) {
    while (!released)
        barrier();
}

__attribute__((noipa)) int finish(u64 code) { return (int)code; }

int main(void) {
    for (u64 i = 1; i <= 10; ++i) {
        total += square(i);
        watched = i;
    }
    CHECK_EQ(total, 385);
    spin();
    return finish(0);
}
