/* TLB shootdown (privileged spec 4.2.1 "Supervisor Memory-Management Fence Instruction" and 4.3
   "Sv39"): all harts use one Sv39 page table.  Harts 1..N-1 read a test page through virtual
   address TEST_VA in S-mode, in a loop that keeps its translation cached.  Each round, hart 0
   fills the other physical page with the round's marker, points the leaf PTE at it, executes its own
   sfence.vma (and checks its own S-mode view), then sends every other hart an IPI.  There the
   machine software interrupt is forwarded to S-mode as SSIP (delegated through mideleg), and the S
   handler executes sfence.vma and must then read the new marker.  Before its fence a hart may see
   the old or the new mapping, never anything else.  In a second series of rounds there are no
   IPIs: the S-mode readers see the round number change in memory and execute sfence.vma
   themselves, with no trap (and so no privilege change that might flush a TLB anyway) between
   their last read through the old mapping and the fence.  PMP entry 0 is opened on every hart at
   start-up (with no matching PMP entry, S-mode accesses fail, privileged spec 3.7.1). */
#include "smp.h"

#define ROUNDS  300
#define TEST_VA 0x40000000ull /* root index 1: its own level-1 and level-0 tables */

/* PTE bits (privileged spec 4.3.1). */
#define PTE_V          (1ull << 0)
#define PTE_R          (1ull << 1)
#define PTE_W          (1ull << 2)
#define PTE_X          (1ull << 3)
#define PTE_A          (1ull << 6)
#define PTE_D          (1ull << 7)
#define PTE_PPN_SHIFT  10
#define SATP_MODE_SV39 (8ull << 60)

#define PAGE_WORDS 512
static u64 root[PAGE_WORDS] __attribute__((aligned(4096)));
static u64 level1[PAGE_WORDS] __attribute__((aligned(4096)));
static u64 level0[PAGE_WORDS] __attribute__((aligned(4096)));
static u64 pages[2][PAGE_WORDS] __attribute__((aligned(4096)));

static volatile u64 round; /* the round whose mapping hart 0 installed last */
static volatile u64 stop;
static volatile u64 use_ipis = 1; /* 0 in the second half: readers poll `round` and flush themselves */
static volatile u32 acknowledgements;
static volatile u64 flushed_round[SMP_MAX_HARTS]; /* the last round each hart's S handler flushed */
static volatile u64 reads[SMP_MAX_HARTS];

static u64 marker(u64 r) { return 0x7e57000000000000ull | r; }
static u64 table_pte(const void* table) { return ((u64)table >> 12) << PTE_PPN_SHIFT | PTE_V; }
static u64 leaf_pte(u64 pa, u64 perms) { return (pa >> 12) << PTE_PPN_SHIFT | perms | PTE_A | PTE_D | PTE_V; }
static volatile u64* test_page(void) { return (volatile u64*)TEST_VA; }

static void build_page_table(void) {
    /* 0..1 GiB identity (the CLINT: a failing hart wakes hart 0 through msip), not executable. */
    root[0] = leaf_pte(0, PTE_R | PTE_W);
    root[1] = table_pte(level1);
    /* 2..3 GiB identity: RAM with this program, its data and stacks. */
    root[2] = leaf_pte(0x80000000ull, PTE_R | PTE_W | PTE_X);
    level1[0] = table_pte(level0);
    for (u64 w = 0; w < PAGE_WORDS; w++)
        pages[0][w] = marker(0);
    level0[0] = leaf_pte((u64)pages[0], PTE_R);
}

static void sfence_vma_all(void) { asm volatile("sfence.vma" ::: "memory"); }
static void sfence_vma_page(u64 va) { asm volatile("sfence.vma %0" ::"r"(va) : "memory"); }

/* ---- S-mode ---- */

static void flush_and_check(u64 hart);

/* The S view of the test page: first and last word, which must agree. */
static u64 s_read(u64 unused) {
    (void)unused;
    u64 first = test_page()[0];
    CHECK_EQ(test_page()[PAGE_WORDS - 1], first);
    return first;
}

/* Harts 1..N-1: read the page until hart 0 says stop.  A check only counts when no flush happened
   during it (flushed_round unchanged): then the hart has flushed up to `seen`, and hart 0 cannot be
   past round seen + 1 (it waits for every hart's acknowledgement of a round before the next). */
static u64 s_reader(u64 hart) {
    while (!stop) {
        if (!use_ipis && round != flushed_round[hart]) flush_and_check(hart);
        const u64 seen = flushed_round[hart];
        FENCE(r, r);
        const u64 first = test_page()[0], last = test_page()[PAGE_WORDS - 1];
        FENCE(r, r);
        if (flushed_round[hart] == seen) {
            CHECK(first == marker(seen) || first == marker(seen + 1));
            CHECK(last == marker(seen) || last == marker(seen + 1));
        }
        reads[hart]++;
        smp_poll();
    }
    return 0;
}

/* Flush this hart's translations after hart 0's change for the next round and check the new
   mapping is seen. */
static void flush_and_check(u64 hart) {
    const u64 r = round;
    CHECK_EQ(r, flushed_round[hart] + 1);
    /* Alternate between flushing everything and flushing just the test page. */
    if (r & 1)
        sfence_vma_all();
    else
        sfence_vma_page(TEST_VA);
    CHECK_EQ(test_page()[0], marker(r));
    CHECK_EQ(test_page()[PAGE_WORDS - 1], marker(r));
    flushed_round[hart] = r;
    u32 unused;
    asm volatile("amoadd.w.aqrl %0, %2, (%1)" : "=r"(unused) : "r"(&acknowledgements), "r"(1) : "memory");
}

void smp_s_interrupt(u64 irq) {
    CHECK_EQ(irq, IRQ_S_SOFT);
    csr_clear(sip, MIP_SSIP);
    flush_and_check(smp_hart());
}

/* ---- M-mode ---- */

/* The IPI, taken in M-mode (machine interrupts are always enabled below M), becomes an S-mode
   software interrupt, as a supervisor binary interface forwards a remote fence request. */
void smp_m_interrupt(u64 irq) {
    CHECK_EQ(irq, IRQ_M_SOFT);
    smp_clear_own_ipi();
    csr_set(mip, MIP_SSIP);
}

static void change_mapping(u64 r, u64 nharts) {
    u64* page = pages[r & 1];
    /* Hart 0's own TLB holds the old mapping (read through it just now). */
    CHECK_EQ(smp_run_in_s(s_read, 0), marker(r - 1));
    for (u64 w = 0; w < PAGE_WORDS; w++)
        page[w] = marker(r);
    FENCE(rw, rw); /* the page's contents before the PTE that maps it */
    level0[0] = leaf_pte((u64)page, PTE_R);
    FENCE(rw, rw);
    round = r;
    sfence_vma_all();
    CHECK_EQ(smp_run_in_s(s_read, 0), marker(r));
    if (use_ipis)
        for (u64 h = 1; h < nharts; h++)
            smp_send_ipi(h); /* orders the PTE store before the IPI (fence rw,o) */
    SPIN_UNTIL(acknowledgements == r * (nharts - 1));
}

void smp_main(u64 hart, u64 nharts) {
    if (hart == 0) build_page_table();
    smp_barrier();
    csr_write(satp, SATP_MODE_SV39 | (u64)root >> 12);
    sfence_vma_all();
    if (hart == 0) {
        for (u64 r = 1; r <= 2 * ROUNDS; r++) {
            if (r == ROUNDS + 1) use_ipis = 0; /* every IPI round is acknowledged by now */
            change_mapping(r, nharts);
        }
        stop = 1;
    } else {
        csr_set(mideleg, MIP_SSIP);
        csr_set(sie, MIP_SSIP);
        csr_set(mie, MIP_MSIP);
        csr_set(mstatus, MSTATUS_SIE);
        smp_run_in_s(s_reader, hart);
        csr_clear(mie, MIP_MSIP);
        csr_clear(mstatus, MSTATUS_SIE);
    }
    smp_barrier();
    csr_write(satp, 0);
    sfence_vma_all();
    if (hart == 0) {
        u64 total_reads = 0;
        for (u64 h = 1; h < nharts; h++) {
            CHECK_EQ(flushed_round[h], 2 * ROUNDS);
            total_reads += reads[h];
        }
        CHECK_EQ(acknowledgements, 2 * ROUNDS * (nharts - 1));
        put_str("tlb_shootdown: ");
        put_dec(nharts);
        put_str(" harts, ");
        put_dec(ROUNDS);
        put_str(" remappings announced by IPI and ");
        put_dec(ROUNDS);
        put_str(" found by polling, each flushed on ");
        put_dec(nharts - 1);
        put_str(" other harts; ");
        put_dec(total_reads);
        put_str(" reads of the test page in S-mode\n");
    }
}
