/* The bare guest wrapper around one benchmark kernel (bench/kernels/): runs
   it, prints its checksum and then the guest's own instruction count
   (minstret), and exits through HTIF, so the ELF runs unchanged on Tern and
   on QEMU's spike machine (-bios none). Built with -DSUPERVISOR, the kernel
   runs in S-mode with Sv39 paging on (roms/bare/supervisor.h). */
#include "../roms/bare/htif.h"
#include "kernels/common.h"
#ifdef SUPERVISOR
#include "../roms/bare/supervisor.h"
#endif

static uint64_t read_minstret(void) {
    uint64_t value;
    __asm__ volatile("csrr %0, minstret" : "=r"(value));
    return value;
}

int main(void) {
#ifdef SUPERVISOR
    const uint64_t checksum = run_in_supervisor_sv39(kernel);
#else
    const uint64_t checksum = kernel();
#endif
    htif_puts("checksum ");
    htif_put_hex(checksum);
    htif_putchar('\n');
    /* Printed last so the count covers (nearly) all the work; the runner reads it from Tern only,
       since QEMU's TCG does not count minstret without -icount. */
    const uint64_t instret = read_minstret();
    htif_puts("instret ");
    htif_put_u64(instret);
    htif_putchar('\n');
    return 0;
}
