/* Virtual memory (privileged spec 4.3-4.4, Sv39 and Sv48): 4 KiB, mega-, giga- and terapages,
   identity and aliased mappings, A/D updates by hardware, every page-fault cause with its stval,
   U/SUM/MXR permission rules, misaligned superpages, non-canonical addresses, sfence.vma, MPRV.
   Page faults are delegated to S; the S handler records them and skips the instruction. */
#include "insn.h"

#define PTE_V          (1ull << 0)
#define PTE_R          (1ull << 1)
#define PTE_W          (1ull << 2)
#define PTE_X          (1ull << 3)
#define PTE_U          (1ull << 4)
#define PTE_G          (1ull << 5)
#define PTE_A          (1ull << 6)
#define PTE_D          (1ull << 7)
#define PTE(pa, flags) ((((u64)(pa) >> 12) << 10) | (flags))
#define SATP_SV39      (8ull << 60)
#define SATP_SV48      (9ull << 60)

#define TEST_VA     0x40000000ull /* 4 KiB test pages, one per slot */
#define SLOT(n)     (TEST_VA + (u64)(n)*0x1000)
#define U_ALIAS_VA  0xc0000000ull   /* gigapage: U-accessible alias of the image (PA 0x80000000) */
#define BAD_MEGA_VA 0x40200000ull   /* megapage leaf with a misaligned PPN */
#define BAD_GIGA_VA 0x100000000ull  /* gigapage leaf with a misaligned PPN */
#define TERA_VA     0x8000000000ull /* Sv48 only: terapage mapping PA 0 */

enum {
    SLOT_ALIAS,   /* RW alias of data[0] */
    SLOT_AD,      /* RW, A = D = 0: hardware sets them */
    SLOT_RO,      /* R only */
    SLOT_INVALID, /* V = 0 */
    SLOT_XONLY,   /* X only: code */
    SLOT_USER,    /* RW U: data[3] */
    SLOT_NOEXEC,  /* RW, no X: data[0] */
    SLOT_WONLY,   /* W without R: reserved encoding */
    SLOT_UCODE,   /* X U: code */
    SLOT_REMAP,   /* remapped between data[4] and data[5] for sfence.vma */
    SLOTS
};

static u64 root[512] __attribute__((aligned(4096)));   /* Sv39 root (also Sv48 level 2) */
static u64 root48[512] __attribute__((aligned(4096))); /* Sv48 root */
static u64 l1_image[512] __attribute__((aligned(4096)));
static u64 l1_test[512] __attribute__((aligned(4096)));
static u64 l0_test[512] __attribute__((aligned(4096)));
static volatile u64 data[6][512] __attribute__((aligned(4096)));
static volatile u32 code[1024] __attribute__((aligned(4096)));

static void build_tables(void) {
    /* Identity: the 2 MiB megapage holding the image (code, data, stacks, tables), not U. */
    root[2] = PTE(l1_image, PTE_V);
    l1_image[0] = PTE(0x80000000ull, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    /* U alias of the image as a gigapage. */
    root[3] = PTE(0x80000000ull, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
    root[1] = PTE(l1_test, PTE_V);
    l1_test[0] = PTE(l0_test, PTE_V);
    l1_test[1] = PTE(0x80000000ull + 0x1000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); /* PPN[0] != 0 */
    root[4] = PTE(0x80200000ull, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);             /* PPN[1] != 0 */
    l0_test[SLOT_ALIAS] = PTE(data[0], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    l0_test[SLOT_AD] = PTE(data[1], PTE_V | PTE_R | PTE_W);
    l0_test[SLOT_RO] = PTE(data[2], PTE_V | PTE_R | PTE_A);
    l0_test[SLOT_INVALID] = PTE(data[2], PTE_R | PTE_W | PTE_A | PTE_D);
    l0_test[SLOT_XONLY] = PTE(code, PTE_V | PTE_X | PTE_A);
    l0_test[SLOT_USER] = PTE(data[3], PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    l0_test[SLOT_NOEXEC] = PTE(data[0], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    l0_test[SLOT_WONLY] = PTE(data[2], PTE_V | PTE_W | PTE_A | PTE_D);
    l0_test[SLOT_UCODE] = PTE(code, PTE_V | PTE_X | PTE_U | PTE_A);
    l0_test[SLOT_REMAP] = PTE(data[4], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    /* Sv48: the Sv39 tree is the level-2 table under root48[0]; root48[1] is a terapage at PA 0. */
    root48[0] = PTE(root, PTE_V);
    root48[1] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    /* The code page: `li a0, 42; ret`. */
    code[0] = 0x02a00513u;
    code[1] = 0x00008067u;
    asm volatile("fence.i" ::: "memory");
}

/* Lower-mode access helpers (run through run_in_mode). */
static volatile u64 store_value;
static u64 load_at(u64 va) { return *(volatile u64 *)va; }
static u64 store_at(u64 va) {
    *(volatile u64 *)va = store_value;
    return 0;
}
static u64 exec_at(u64 va) {
    register u64 a0 asm("a0") = 0;
    asm volatile("jalr ra, 0(%1)" : "+r"(a0) : "r"(va) : "ra", "memory");
    return a0;
}
static u64 remap_and_load(u64 va) {
    u64 before = *(volatile u64 *)va;
    l0_test[SLOT_REMAP] = PTE(data[5], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    asm volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
    u64 after = *(volatile u64 *)va;
    l0_test[SLOT_REMAP] = PTE(data[4], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    asm volatile("sfence.vma" ::: "memory");
    return (before << 32) | (after & 0xffffffff);
}

/* The U alias of a function: same code seen through the U gigapage. */
#define U_FN(fn) ((u64(*)(u64))((u64)(fn)-0x80000000ull + U_ALIAS_VA))

static u64 in_s(u64 (*fn)(u64), u64 arg) { return run_in_mode(PRV_S, fn, arg); }
static u64 in_u(u64 (*fn)(u64), u64 arg) {
    lower_mode_va_offset = U_ALIAS_VA - 0x80000000ull;
    u64 r = run_in_mode(PRV_U, U_FN(fn), arg);
    lower_mode_va_offset = 0;
    return r;
}

#define CHECK_S_FAULT(cause_, va_)                                                                           \
    do {                                                                                                     \
        strap.expect = 0;                                                                                    \
        CHECK_EQ(strap.count, 1);                                                                            \
        CHECK_EQ(strap.cause, (cause_));                                                                     \
        CHECK_EQ(strap.tval, (va_));                                                                         \
    } while (0)

static void checks_for_current_mode(u64 satp_mode) {
    csr_write(satp, satp_mode | ((u64)(satp_mode == SATP_SV48 ? root48 : root) >> 12));
    asm volatile("sfence.vma" ::: "memory");

    /* Identity and alias: the same physical page. */
    data[0][3] = 0x1111;
    CHECK_EQ(in_s(load_at, SLOT(SLOT_ALIAS) + 24), 0x1111);
    store_value = 0x2222;
    in_s(store_at, SLOT(SLOT_ALIAS) + 32);
    CHECK_EQ(data[0][4], 0x2222);
    CHECK_EQ(in_s(load_at, (u64)&data[0][4]), 0x2222);

    /* A set by a load, D by a store (4.3.1: the implementation updates them). */
    l0_test[SLOT_AD] = PTE(data[1], PTE_V | PTE_R | PTE_W);
    asm volatile("sfence.vma" ::: "memory");
    in_s(load_at, SLOT(SLOT_AD));
    CHECK_EQ(l0_test[SLOT_AD] & (PTE_A | PTE_D), PTE_A);
    in_s(store_at, SLOT(SLOT_AD));
    CHECK_EQ(l0_test[SLOT_AD] & (PTE_A | PTE_D), PTE_A | PTE_D);

    /* Faults: load 13, store 15, fetch 12, stval = the virtual address. */
    data[2][0] = 0x3333;
    CHECK_EQ(in_s(load_at, SLOT(SLOT_RO)), 0x3333);
    expect_strap();
    in_s(store_at, SLOT(SLOT_RO) + 8);
    CHECK_S_FAULT(CAUSE_STORE_PAGE_FAULT, SLOT(SLOT_RO) + 8);
    CHECK_EQ(data[2][1], 0);
    expect_strap();
    in_s(load_at, SLOT(SLOT_INVALID) + 16);
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, SLOT(SLOT_INVALID) + 16);
    expect_strap();
    in_s(store_at, SLOT(SLOT_INVALID));
    CHECK_S_FAULT(CAUSE_STORE_PAGE_FAULT, SLOT(SLOT_INVALID));
    expect_strap();
    in_s(exec_at, SLOT(SLOT_NOEXEC));
    CHECK_S_FAULT(CAUSE_FETCH_PAGE_FAULT, SLOT(SLOT_NOEXEC));
    expect_strap();
    in_s(load_at, SLOT(SLOT_WONLY));
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, SLOT(SLOT_WONLY));
    expect_strap();
    in_s(store_at, SLOT(SLOT_WONLY));
    CHECK_S_FAULT(CAUSE_STORE_PAGE_FAULT, SLOT(SLOT_WONLY));

    /* Execute-only page: runs; readable only with MXR. */
    CHECK_EQ(in_s(exec_at, SLOT(SLOT_XONLY)), 42);
    expect_strap();
    in_s(load_at, SLOT(SLOT_XONLY));
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, SLOT(SLOT_XONLY));
    csr_set(mstatus, MSTATUS_MXR);
    CHECK_EQ(in_s(load_at, SLOT(SLOT_XONLY)), 0x0000806702a00513ull);
    csr_clear(mstatus, MSTATUS_MXR);

    /* U pages from S: data only with SUM, never executable. */
    data[3][0] = 0x4444;
    expect_strap();
    in_s(load_at, SLOT(SLOT_USER));
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, SLOT(SLOT_USER));
    expect_strap();
    in_s(store_at, SLOT(SLOT_USER));
    CHECK_S_FAULT(CAUSE_STORE_PAGE_FAULT, SLOT(SLOT_USER));
    csr_set(mstatus, MSTATUS_SUM);
    CHECK_EQ(in_s(load_at, SLOT(SLOT_USER)), 0x4444);
    expect_strap();
    in_s(exec_at, SLOT(SLOT_UCODE));
    CHECK_S_FAULT(CAUSE_FETCH_PAGE_FAULT, SLOT(SLOT_UCODE));
    csr_clear(mstatus, MSTATUS_SUM);

    /* From U: U pages work, S pages fault (SUM does not matter). */
    CHECK_EQ(in_u(load_at, SLOT(SLOT_USER)), 0x4444);
    CHECK_EQ(in_u(exec_at, SLOT(SLOT_UCODE)), 42);
    expect_strap();
    in_u(load_at, SLOT(SLOT_ALIAS));
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, SLOT(SLOT_ALIAS));
    CHECK_EQ(strap.prev_mode, PRV_U);
    csr_set(mstatus, MSTATUS_SUM);
    expect_strap();
    in_u(store_at, SLOT(SLOT_ALIAS));
    CHECK_S_FAULT(CAUSE_STORE_PAGE_FAULT, SLOT(SLOT_ALIAS));
    csr_clear(mstatus, MSTATUS_SUM);
    expect_strap();
    in_u(exec_at, SLOT(SLOT_XONLY));
    CHECK_S_FAULT(CAUSE_FETCH_PAGE_FAULT, SLOT(SLOT_XONLY));

    /* Misaligned superpages are page faults (4.3.2 step 6). */
    expect_strap();
    in_s(load_at, BAD_MEGA_VA + 8);
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, BAD_MEGA_VA + 8);
    expect_strap();
    in_s(store_at, BAD_GIGA_VA);
    CHECK_S_FAULT(CAUSE_STORE_PAGE_FAULT, BAD_GIGA_VA);

    /* sfence.vma makes a changed PTE visible. */
    data[4][0] = 0x55;
    data[5][0] = 0x66;
    CHECK_EQ(in_s(remap_and_load, SLOT(SLOT_REMAP)), (0x55ull << 32) | 0x66);

    /* MPRV: M-mode loads and stores translated with MPP's privilege. */
    data[0][5] = 0x7777;
    u64 v;
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, (u64)PRV_S << 11);
    asm volatile("csrs mstatus, %2\n ld %0, 0(%1)\n csrc mstatus, %2"
                 : "=&r"(v)
                 : "r"(SLOT(SLOT_ALIAS) + 40), "r"(MSTATUS_MPRV)
                 : "memory");
    CHECK_EQ(v, 0x7777);
}

int main(void) {
    build_tables();
    csr_write(medeleg, (1ull << CAUSE_FETCH_PAGE_FAULT) | (1ull << CAUSE_LOAD_PAGE_FAULT) |
                           (1ull << CAUSE_STORE_PAGE_FAULT));

    checks_for_current_mode(SATP_SV39);
    /* Sv39 addresses must be sign-extended from bit 38 (4.4.1). */
    expect_strap();
    in_s(load_at, TERA_VA + 0x80000000ull);
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, TERA_VA + 0x80000000ull);

    checks_for_current_mode(SATP_SV48);
    /* Sv48 terapage: VA 2^39 + x maps PA x. */
    data[0][6] = 0x8888;
    CHECK_EQ(in_s(load_at, TERA_VA + (u64)&data[0][6]), 0x8888);
    /* Sv48 addresses must be sign-extended from bit 47. */
    expect_strap();
    in_s(load_at, 0x0000800000000000ull);
    CHECK_S_FAULT(CAUSE_LOAD_PAGE_FAULT, 0x0000800000000000ull);

    csr_write(satp, 0);
    csr_write(medeleg, 0);
    return 0;
}
