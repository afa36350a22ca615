#include "supervisor.h"

#include "htif.h"

/* From link.ld: the program's first byte and the top of its stack. */
extern char _start[], __stack_top[];

/* In supervisor.S: mret to fn in S-mode with this satp, back on its ecall. */
uint64_t enter_supervisor(uint64_t (*fn)(void), uint64_t satp);

/* Sv39 (privileged spec, "Sv39: Page-Based 39-bit Virtual-Memory System"):
   three levels of 512 eight-byte PTEs, 4 KiB pages, VPN[i] = va bits 12+9i..20+9i. */
enum { kPageShift = 12, kEntries = 512, kMegapage = 1 << 21 };
enum { kPteV = 1, kPteR = 2, kPteW = 4, kPteX = 8, kPteA = 64, kPteD = 128 };
/* link.ld gives the program 32 MiB of RAM: 16 level-0 tables of 2 MiB each. */
enum { kLevel0Tables = 16 };
static uint64_t root[kEntries] __attribute__((aligned(4096)));
static uint64_t level1[kEntries] __attribute__((aligned(4096)));
static uint64_t level0[kLevel0Tables][kEntries] __attribute__((aligned(4096)));

static uint64_t pte(uintptr_t physical, uint64_t flags) { return (physical >> kPageShift) << 10 | flags; }
static unsigned vpn(uintptr_t address, unsigned level) {
    return (address >> (kPageShift + 9 * level)) & (kEntries - 1);
}

uint64_t run_in_supervisor_sv39(uint64_t (*fn)(void)) {
    const uintptr_t base = (uintptr_t)_start & ~(uintptr_t)(kMegapage - 1);
    const uintptr_t end = (uintptr_t)__stack_top;
    if (end - base > (uintptr_t)kLevel0Tables * kMegapage) {
        htif_puts("supervisor: program larger than its page tables\n");
        htif_exit(3);
    }
    /* Leaves are set accessed and dirty: hardware A/D updating is optional (the Svade/Svadu choice),
       so a program that must run the same everywhere does not rely on it. */
    root[vpn(base, 2)] = pte((uintptr_t)level1, kPteV);
    for (uintptr_t page = base; page < end; page += 1u << kPageShift) {
        uint64_t* table = level0[(page - base) / kMegapage];
        level1[vpn(page, 1)] = pte((uintptr_t)table, kPteV);
        table[vpn(page, 0)] = pte(page, kPteV | kPteR | kPteW | kPteX | kPteA | kPteD);
    }
    /* S- and U-mode accesses fail unless a PMP entry matches ("Physical Memory Protection"):
       entry 0 is NAPOT over all of memory, read/write/execute. */
    __asm__ volatile("csrw pmpaddr0, %0" ::"r"(~(uint64_t)0 >> 10));
    __asm__ volatile("csrw pmpcfg0, %0" ::"r"((uint64_t)(3 << 3 | 7)));
    const uint64_t satp_sv39 = 8ull << 60;
    return enter_supervisor(fn, satp_sv39 | (uintptr_t)root >> kPageShift);
}

/* Called by supervisor.S for any trap other than fn's final ecall. */
__attribute__((noreturn)) void supervisor_fault(uint64_t mcause, uint64_t mepc, uint64_t mtval) {
    htif_puts("supervisor: trap, mcause ");
    htif_put_hex(mcause);
    htif_puts(" mepc ");
    htif_put_hex(mepc);
    htif_puts(" mtval ");
    htif_put_hex(mtval);
    htif_putchar('\n');
    htif_exit(3);
}
