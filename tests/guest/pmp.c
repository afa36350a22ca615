/* Physical memory protection (privileged spec 3.7): TOR, NA4 and NAPOT regions, lowest-numbered
   match wins, M-mode bound only by locked entries, and S/U accesses that match no entry fail. */
#include "insn.h"

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

#define IMAGE_REGION      0x80000000ull
#define IMAGE_REGION_SIZE 0x200000ull   /* the image (code, data, stacks) fits in 2 MiB */
#define OUTSIDE           0x80400000ull /* RAM matched by no entry */

static volatile u64 pages[6][512] __attribute__((aligned(4096)));

static u64 napot(u64 base, u64 size) { return (base >> 2) | ((size >> 3) - 1); }

static void set_pmpaddr(int i, u64 v) {
    switch (i) {
    case 0: csr_write(pmpaddr0, v); break;
    case 1: csr_write(pmpaddr1, v); break;
    case 2: csr_write(pmpaddr2, v); break;
    case 3: csr_write(pmpaddr3, v); break;
    case 4: csr_write(pmpaddr4, v); break;
    case 5: csr_write(pmpaddr5, v); break;
    case 6: csr_write(pmpaddr6, v); break;
    case 7: csr_write(pmpaddr7, v); break;
    }
}

static void set_pmpcfg(int i, u64 cfg) {
    u64 c = csr_read(pmpcfg0);
    c = (c & ~(0xffull << (8 * i))) | (cfg << (8 * i));
    csr_write(pmpcfg0, c);
    /* PMP checks may be cached with translations (3.7.2). */
    asm volatile("sfence.vma" ::: "memory");
}

static void set_entry(int i, u64 addr, u64 cfg) {
    set_pmpaddr(i, addr);
    set_pmpcfg(i, cfg);
}

static volatile u64 store_value;
static u64 load_at(u64 a) { return *(volatile u64 *)a; }
static u64 load32_at(u64 a) { return *(volatile u32 *)a; }
static u64 store_at(u64 a) {
    *(volatile u64 *)a = store_value;
    return 0;
}
static u64 exec_at(u64 a) {
    register u64 a0 asm("a0") = 0;
    asm volatile("jalr ra, 0(%1)" : "+r"(a0) : "r"(a) : "ra", "memory");
    return a0;
}

#define CHECK_ACCESS_FAULT(cause_, addr_)                                                                    \
    do {                                                                                                     \
        mtrap.expect = 0;                                                                                    \
        CHECK_EQ(mtrap.count, 1);                                                                            \
        CHECK_EQ(mtrap.cause, (cause_));                                                                     \
        CHECK_EQ(mtrap.tval, (addr_));                                                                       \
    } while (0)

int main(void) {
    for (int i = 0; i < 6; i++)
        pages[i][0] = 0x100 + i;
    u64 p[6];
    for (int i = 0; i < 6; i++)
        p[i] = (u64)pages[i];

    /* Background: entry 7 = the image's 2 MiB, RWX; everything else unmatched. */
    csr_write(pmpcfg0, 0);
    set_entry(7, napot(IMAGE_REGION, IMAGE_REGION_SIZE), PMP_NAPOT | PMP_R | PMP_W | PMP_X);
    CHECK_EQ(csr_read(pmpaddr7), napot(IMAGE_REGION, IMAGE_REGION_SIZE));
    CHECK_EQ((csr_read(pmpcfg0) >> 56) & 0xff, PMP_NAPOT | PMP_R | PMP_W | PMP_X);

    /* No matching entry: S and U fail, M succeeds (3.7.1). */
    *(volatile u64 *)OUTSIDE = 0xabc;
    CHECK_EQ(*(volatile u64 *)OUTSIDE, 0xabc);
    expect_mtrap();
    run_in_mode(PRV_S, load_at, OUTSIDE);
    CHECK_ACCESS_FAULT(CAUSE_LOAD_ACCESS, OUTSIDE);
    CHECK_EQ(mtrap.prev_mode, PRV_S);
    expect_mtrap();
    run_in_mode(PRV_U, store_at, OUTSIDE + 8);
    CHECK_ACCESS_FAULT(CAUSE_STORE_ACCESS, OUTSIDE + 8);
    CHECK_EQ(mtrap.prev_mode, PRV_U);
    CHECK_EQ(run_in_mode(PRV_S, load_at, p[0]), 0x100); /* inside entry 7 */

    /* NAPOT 4 KiB read-only over pages[0]; the lower-numbered entry wins over entry 7. */
    set_entry(0, napot(p[0], 4096), PMP_NAPOT | PMP_R);
    CHECK_EQ(run_in_mode(PRV_S, load_at, p[0]), 0x100);
    expect_mtrap();
    store_value = 1;
    run_in_mode(PRV_S, store_at, p[0] + 16);
    CHECK_ACCESS_FAULT(CAUSE_STORE_ACCESS, p[0] + 16);
    CHECK_EQ(pages[0][2], 0);
    /* Unlocked entries do not bind M. */
    pages[0][2] = 5;
    CHECK_EQ(pages[0][2], 5);

    /* TOR [pages[1], pages[3]) with no permissions: entry 2's address is the bottom, entry 3 TOR. */
    set_entry(2, p[1] >> 2, 0);
    set_entry(3, p[3] >> 2, PMP_TOR);
    expect_mtrap();
    run_in_mode(PRV_S, load_at, p[1]);
    CHECK_ACCESS_FAULT(CAUSE_LOAD_ACCESS, p[1]);
    expect_mtrap();
    run_in_mode(PRV_U, load_at, p[2] + 4088);
    CHECK_ACCESS_FAULT(CAUSE_LOAD_ACCESS, p[2] + 4088);
    CHECK_EQ(run_in_mode(PRV_S, load_at, p[3]), 0x103); /* top is exclusive */
    CHECK_EQ(run_in_mode(PRV_S, load_at, p[1] - 8), pages[0][511]);

    /* NA4: exactly one 4-byte word of pages[4]. */
    pages[4][1] = 0x1122334455667788ull;
    set_entry(4, (p[4] + 8) >> 2, PMP_NA4);
    expect_mtrap();
    run_in_mode(PRV_S, load32_at, p[4] + 8);
    CHECK_ACCESS_FAULT(CAUSE_LOAD_ACCESS, p[4] + 8);
    CHECK_EQ(run_in_mode(PRV_S, load32_at, p[4] + 12), 0x11223344);
    CHECK_EQ(run_in_mode(PRV_S, load32_at, p[4] + 0), 0x104);
    /* An access that only partly matches an entry fails (3.7.1.2). */
    expect_mtrap();
    run_in_mode(PRV_S, load_at, p[4] + 8);
    mtrap.expect = 0;
    CHECK_EQ(mtrap.count, 1);
    CHECK_EQ(mtrap.cause, CAUSE_LOAD_ACCESS);
    /* ...whatever the privilege: also in M. */
    expect_mtrap();
    (void)pages[4][1];
    CHECK_ACCESS_FAULT(CAUSE_LOAD_ACCESS, p[4] + 8);
    CHECK_EQ(*(volatile u32 *)(p[4] + 8), 0x55667788); /* a full match, unlocked: M succeeds */

    /* Priority between two explicit entries: entry 1 (RW over pages[5]) before entry 6 (none over
       pages[4..5]). */
    set_entry(6, napot(p[4], 8192), PMP_NAPOT);
    set_entry(1, napot(p[5], 4096), PMP_NAPOT | PMP_R | PMP_W);
    store_value = 0x55;
    run_in_mode(PRV_S, store_at, p[5] + 8);
    CHECK_EQ(pages[5][1], 0x55);
    expect_mtrap();
    run_in_mode(PRV_S, load_at, p[4] + 32);
    CHECK_ACCESS_FAULT(CAUSE_LOAD_ACCESS, p[4] + 32);

    /* Execute permission: code in pages[5] (li a0, 42; ret) is RW but not X. */
    volatile u32 *code = (volatile u32 *)p[5];
    code[0] = 0x02a00513u;
    code[1] = 0x00008067u;
    asm volatile("fence.i" ::: "memory");
    expect_mtrap();
    run_in_mode(PRV_S, exec_at, p[5]);
    CHECK_ACCESS_FAULT(CAUSE_FETCH_ACCESS, p[5]);
    set_pmpcfg(1, PMP_NAPOT | PMP_X);
    CHECK_EQ(run_in_mode(PRV_U, exec_at, p[5]), 42);

    /* Lock: entry 0 (read-only over pages[0]) now binds M too, and can no longer be changed. */
    set_pmpcfg(0, PMP_NAPOT | PMP_R | PMP_L);
    CHECK_EQ(pages[0][0], 0x100);
    expect_mtrap();
    pages[0][3] = 9;
    CHECK_ACCESS_FAULT(CAUSE_STORE_ACCESS, p[0] + 24);
    CHECK_EQ(pages[0][3], 0);
    set_pmpcfg(0, PMP_NAPOT | PMP_R | PMP_W);
    CHECK_EQ(csr_read(pmpcfg0) & 0xff, PMP_NAPOT | PMP_R | PMP_L);
    csr_write(pmpaddr0, 0);
    CHECK_EQ(csr_read(pmpaddr0), napot(p[0], 4096));
    return 0;
}
