/* Harness self-test: this program must end with exit code 42 (CTest checks exactly that), so a
   platform that reported every program as passing, or lost the HTIF exit code, is caught.  Programs
   named xfail_*.c are expected to exit with 42 instead of 0. */
#include "harness.h"

int main(void) {
    put_str("harness self-test: a failing check follows, exit code 42 expected\n");
    volatile u64 answer = 41;
    if (answer + 1 != 43) test_exit(42);
    return 0;
}
