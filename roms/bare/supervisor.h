/* Runs a function in S-mode with Sv39 paging on, for bare M-mode programs. */
#pragma once
#include <stdint.h>

/* Identity-maps the whole program (text up to the stack top) with 4 KiB pages,
   opens PMP for S-mode, calls fn in S-mode and returns its result once fn's
   ecall brings the hart back to M-mode. Any other trap ends the run (status 3). */
uint64_t run_in_supervisor_sv39(uint64_t (*fn)(void));
