/* The bare multi-hart guest wrapper around one benchmark kernel (bench/kernels/), on the start-up
   runtime of the multi-hart guest tests (tests/guest/smp/: every hart starts, hart 0 counts the harts
   in the device tree, barriers, failure reporting, exit through HTIF), so the same ELF runs with any
   -smp N on Tern and on QEMU's spike machine.

   Every hart runs the whole kernel once on its own copy of the kernel's data (smp_kernel_copy.c,
   compiled once per hart id): the harts share nothing written in the hot loop, and the total work is
   N times one kernel run. Hart 0 waits for all (the runtime's amoadd barrier), checks that every hart
   got the same checksum, and prints the hart count, the checksum and the instructions all harts
   retired in the kernel (their minstret; QEMU's TCG does not count it). The runtime then prints PASS
   and exits with status 0. */
#include "smp.h"

#define KERNEL_COPIES(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define DECLARE_COPY(n) u64 kernel_hart##n(void);
KERNEL_COPIES(DECLARE_COPY)
#define COPY_ENTRY(n) kernel_hart##n,
static u64 (*const kernel_copy[])(void) = {KERNEL_COPIES(COPY_ENTRY)};
_Static_assert(sizeof kernel_copy / sizeof kernel_copy[0] == SMP_MAX_HARTS, "one kernel copy per possible hart");

/* Written once per hart after its run; a cache line each, so no hart writes to another's line. */
typedef struct {
    u64 checksum, instret;
} __attribute__((aligned(64))) hart_result;
static hart_result result[SMP_MAX_HARTS];

void smp_main(u64 hart, u64 nharts) {
    const u64 start = csr_read(minstret);
    const u64 checksum = kernel_copy[hart]();
    result[hart].instret = csr_read(minstret) - start;
    result[hart].checksum = checksum;
    smp_barrier();
    if (hart != 0) return;
    u64 instret = 0;
    for (u64 h = 0; h < nharts; h++) {
        CHECK_EQ(result[h].checksum, result[0].checksum);
        instret += result[h].instret;
    }
    put_str("harts ");
    put_dec(nharts);
    put_str("\nchecksum ");
    put_hex(result[0].checksum);
    put_str("\ninstret ");
    put_dec(instret);
    put_char('\n');
}
