/* A extension (unprivileged spec chapter 8): LR/SC rules and every AMO in .w and .d. */
#include "insn.h"

static volatile u64 cell[2] __attribute__((aligned(16)));
static volatile u64 far_cell[512] __attribute__((aligned(4096))); /* another reservation granule */

/* AMO: rd = old memory value, memory = op(old, rs2). */
#define AMO(insn, addr, v)                                                                                   \
    ({                                                                                                       \
        u64 r_;                                                                                              \
        asm volatile(insn " %0, %2, (%1)" : "=r"(r_) : "r"(addr), "r"((u64)(v)) : "memory");                 \
        r_;                                                                                                  \
    })

#define TEST_AMO_D(insn, init, v, new_mem)                                                                   \
    do {                                                                                                     \
        cell[0] = (init);                                                                                    \
        CHECK_EQ(AMO(insn, &cell[0], v), (init));                                                            \
        CHECK_EQ(cell[0], (new_mem));                                                                        \
    } while (0)
/* .w: the loaded word is sign-extended into rd; only the addressed word changes. */
#define TEST_AMO_W(insn, init, v, new_word)                                                                  \
    do {                                                                                                     \
        cell[0] = 0x5555555500000000ull | (u32)(init);                                                       \
        CHECK_EQ(AMO(insn, &cell[0], v), SEXT32(init));                                                      \
        CHECK_EQ(cell[0], 0x5555555500000000ull | (u32)(new_word));                                          \
    } while (0)

static void lr_sc(void) {
    u64 v, rc;
    cell[0] = 0x1234;
    asm volatile("lr.d %0, (%2)\n sc.d %1, %3, (%2)"
                 : "=&r"(v), "=&r"(rc)
                 : "r"(&cell[0]), "r"(0x5678ull)
                 : "memory");
    CHECK_EQ(v, 0x1234);
    CHECK_EQ(rc, 0); /* success writes zero to rd */
    CHECK_EQ(cell[0], 0x5678);

    /* An SC invalidates the reservation, so a second SC without an LR fails and stores nothing. */
    asm volatile("sc.d %0, %2, (%1)" : "=&r"(rc) : "r"(&cell[0]), "r"(0x9999ull) : "memory");
    CHECK(rc != 0);
    CHECK_EQ(cell[0], 0x5678);

    /* SC to an address outside the reservation set fails. */
    far_cell[0] = 7;
    asm volatile("lr.d %0, (%2)\n sc.d %1, %3, (%4)"
                 : "=&r"(v), "=&r"(rc)
                 : "r"(&cell[0]), "r"(0x1111ull), "r"(&far_cell[0])
                 : "memory");
    CHECK(rc != 0);
    CHECK_EQ(far_cell[0], 7);
    asm volatile("sc.d %0, %2, (%1)" : "=&r"(rc) : "r"(&cell[0]), "r"(0x9999ull) : "memory");
    CHECK(rc != 0); /* the failed SC also ended the reservation */
    CHECK_EQ(cell[0], 0x5678);

    /* lr.w sign-extends; sc.w writes only the word. */
    cell[0] = 0xaaaaaaaa80000001ull;
    asm volatile("lr.w %0, (%2)\n sc.w %1, %3, (%2)"
                 : "=&r"(v), "=&r"(rc)
                 : "r"(&cell[0]), "r"(0xffffffff00000002ull)
                 : "memory");
    CHECK_EQ(v, 0xffffffff80000001ull);
    CHECK_EQ(rc, 0);
    CHECK_EQ(cell[0], 0xaaaaaaaa00000002ull);
    asm volatile("sc.w %0, %2, (%1)" : "=&r"(rc) : "r"(&cell[0]), "r"(3ull) : "memory");
    CHECK(rc != 0);
    CHECK_EQ(cell[0], 0xaaaaaaaa00000002ull);

    /* A store by this hart between LR and SC to the reserved address: the SC's result is not
       specified there (8.3), but an intervening LR re-acquires: lr; lr; sc succeeds. */
    asm volatile("lr.d %0, (%2)\n lr.d %0, (%2)\n sc.d %1, %3, (%2)"
                 : "=&r"(v), "=&r"(rc)
                 : "r"(&cell[0]), "r"(42ull)
                 : "memory");
    CHECK_EQ(rc, 0);
    CHECK_EQ(cell[0], 42);
    /* aq/rl variants decode and behave alike. */
    asm volatile("lr.d.aqrl %0, (%2)\n sc.d.aqrl %1, %3, (%2)"
                 : "=&r"(v), "=&r"(rc)
                 : "r"(&cell[0]), "r"(43ull)
                 : "memory");
    CHECK_EQ(v, 42);
    CHECK_EQ(rc, 0);
    CHECK_EQ(cell[0], 43);
}

static void amos(void) {
    TEST_AMO_D("amoswap.d", 0x1111222233334444ull, 0x5555666677778888ull, 0x5555666677778888ull);
    TEST_AMO_D("amoadd.d", 0xffffffffffffffffull, 2, 1);
    TEST_AMO_D("amoxor.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xf0f0f0f0f0f0f0f0ull);
    TEST_AMO_D("amoand.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0x0f000f000f000f00ull);
    TEST_AMO_D("amoor.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xfff0fff0fff0fff0ull);
    TEST_AMO_D("amomin.d", -5ll, 3, -5ll);
    TEST_AMO_D("amomin.d", 3, -5ll, -5ll);
    TEST_AMO_D("amomax.d", -5ll, 3, 3);
    TEST_AMO_D("amomax.d", 3, -5ll, 3);
    TEST_AMO_D("amominu.d", -5ll, 3, 3);
    TEST_AMO_D("amominu.d", 3, -5ll, 3);
    TEST_AMO_D("amomaxu.d", -5ll, 3, -5ll);
    TEST_AMO_D("amomaxu.d", 3, -5ll, -5ll);
    TEST_AMO_D("amoadd.d.aqrl", 40, 2, 42);

    TEST_AMO_W("amoswap.w", 0x80000000u, 0x1234ull, 0x1234u);
    TEST_AMO_W("amoadd.w", 0x7fffffffu, 1, 0x80000000u);
    TEST_AMO_W("amoadd.w", 0xffffffffu, 0xffffffff00000002ull, 1u); /* only rs2's low word counts */
    TEST_AMO_W("amoxor.w", 0xff00ff00u, 0x0ff00ff0u, 0xf0f0f0f0u);
    TEST_AMO_W("amoand.w", 0xff00ff00u, 0x0ff00ff0u, 0x0f000f00u);
    TEST_AMO_W("amoor.w", 0xff00ff00u, 0x0ff00ff0u, 0xfff0fff0u);
    /* .w comparisons are on the 32-bit values (rs2's upper half ignored). */
    TEST_AMO_W("amomin.w", 0xfffffffbu, 3, 0xfffffffbu);
    TEST_AMO_W("amomin.w", 3, 0x00000000fffffffbull, 0xfffffffbu);
    TEST_AMO_W("amomax.w", 0xfffffffbu, 3, 3u);
    TEST_AMO_W("amomax.w", 3, 0x00000000fffffffbull, 3u);
    TEST_AMO_W("amominu.w", 0xfffffffbu, 3, 3u);
    TEST_AMO_W("amominu.w", 3, 0xfffffffb00000005ull, 3u);
    TEST_AMO_W("amomaxu.w", 0xfffffffbu, 3, 0xfffffffbu);
    TEST_AMO_W("amomaxu.w", 3, 0x00000000fffffffbull, 0xfffffffbu);

    /* The high word of a doubleword is addressable by .w AMOs. */
    cell[0] = 0x8000000000000001ull;
    CHECK_EQ(AMO("amoadd.w", (u8 *)&cell[0] + 4, 1), 0xffffffff80000000ull);
    CHECK_EQ(cell[0], 0x8000000100000001ull);
    /* rd = x0 discards the old value but still performs the operation. */
    cell[0] = 1;
    asm volatile("amoadd.d x0, %1, (%0)" : : "r"(&cell[0]), "r"(2ull) : "memory");
    CHECK_EQ(cell[0], 3);
}

/* Misaligned AMOs/LR/SC raise an address-misaligned or access-fault exception (8.4), with
   mtval = the faulting address. */
#define CHECK_MISALIGNED_AMO(asm_text, addr, misaligned_cause)                                               \
    do {                                                                                                     \
        cell[0] = 0x0123456789abcdefull;                                                                     \
        cell[1] = 0;                                                                                         \
        expect_mtrap();                                                                                      \
        u64 rd_ = 0xdead;                                                                                    \
        asm volatile(asm_text : "+r"(rd_) : "r"(addr), "r"(1ull) : "memory");                                \
        mtrap.expect = 0;                                                                                    \
        /* QEMU 7.2 lets an SC without reservation fail before checking alignment. */                        \
        CHECK_QEMU_DEVIATES(mtrap.count == 1);                                                               \
        if (mtrap.count == 1) {                                                                              \
            /* QEMU 7.2 reports misaligned AMOs as load-address-misaligned (4). */                           \
            CHECK_QEMU_DEVIATES(mtrap.cause == (misaligned_cause) || mtrap.cause == (misaligned_cause) + 1); \
            CHECK_EQ(mtrap.tval, (u64)(addr));                                                               \
            CHECK_EQ(rd_, 0xdead);                                                                           \
        }                                                                                                    \
        CHECK_EQ(cell[0], 0x0123456789abcdefull);                                                            \
    } while (0)

static void misaligned(void) {
    u8 *base = (u8 *)&cell[0];
    CHECK_MISALIGNED_AMO("amoadd.d %0, %2, (%1)", base + 4, CAUSE_MISALIGNED_STORE);
    CHECK_MISALIGNED_AMO("amoswap.d %0, %2, (%1)", base + 1, CAUSE_MISALIGNED_STORE);
    CHECK_MISALIGNED_AMO("amoadd.w %0, %2, (%1)", base + 2, CAUSE_MISALIGNED_STORE);
    CHECK_MISALIGNED_AMO("amomaxu.w %0, %2, (%1)", base + 1, CAUSE_MISALIGNED_STORE);
    CHECK_MISALIGNED_AMO("sc.d %0, %2, (%1)", base + 4, CAUSE_MISALIGNED_STORE);
    CHECK_MISALIGNED_AMO("lr.w %0, (%1)", base + 2, CAUSE_MISALIGNED_LOAD);
    CHECK_MISALIGNED_AMO("lr.d %0, (%1)", base + 4, CAUSE_MISALIGNED_LOAD);
}

int main(void) {
    lr_sc();
    amos();
    misaligned();
    return 0;
}
