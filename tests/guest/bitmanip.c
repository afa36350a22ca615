/* Zba, Zbb and Zbs (bit-manipulation spec 1.0, chapter "Instructions"): every instruction. */
#include "insn.h"

static void zba(void) {
    /* add.uw: rd = rs2 + zext32(rs1) */
    TEST_RR("add.uw", 0xffffffff80000000ull, 1, 0x80000001ull);
    TEST_RR("add.uw", 0x12345678ffffffffull, 1, 0x100000000ull);
    TEST_RR("sh1add", 3, 100, 106);
    TEST_RR("sh1add", 0x8000000000000001ull, 0, 2);
    TEST_RR("sh2add", 3, 100, 112);
    TEST_RR("sh2add", -1ll, 0, -4ll);
    TEST_RR("sh3add", 3, 100, 124);
    TEST_RR("sh3add", 0x2000000000000000ull, 5, 5);
    TEST_RR("sh1add.uw", 0xffffffff80000000ull, 1, 0x100000001ull);
    TEST_RR("sh2add.uw", 0xffffffff80000000ull, 1, 0x200000001ull);
    TEST_RR("sh3add.uw", 0xffffffff80000001ull, 1, 0x400000009ull);
    TEST_RI("slli.uw", 0xffffffff80000001ull, 0, 0x80000001ull);
    TEST_RI("slli.uw", 0xffffffff80000001ull, 4, 0x800000010ull);
    TEST_RI("slli.uw", 0xffffffff80000001ull, 63, 0x8000000000000000ull);
}

static void zbb(void) {
    TEST_RR("andn", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xf000f000f000f000ull);
    TEST_RR("orn", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xff0fff0fff0fff0full);
    TEST_RR("xnor", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0x0f0f0f0f0f0f0f0full);
    TEST_R("clz", 0, 64);
    TEST_R("clz", 1, 63);
    TEST_R("clz", 0x8000000000000000ull, 0);
    TEST_R("clz", 0x00000000ffffffffull, 32);
    TEST_R("clzw", 0, 32);
    TEST_R("clzw", 0xffffffff00000001ull, 31);
    TEST_R("clzw", 0x80000000ull, 0);
    TEST_R("ctz", 0, 64);
    TEST_R("ctz", 0x8000000000000000ull, 63);
    TEST_R("ctz", 6, 1);
    TEST_R("ctzw", 0xffffffff00000000ull, 32);
    TEST_R("ctzw", 0x80000000ull, 31);
    TEST_R("ctzw", 0x10, 4);
    TEST_R("cpop", 0, 0);
    TEST_R("cpop", -1ll, 64);
    TEST_R("cpop", 0xf0f0000000000001ull, 9);
    TEST_R("cpopw", -1ll, 32);
    TEST_R("cpopw", 0xffffffff00000003ull, 2);
    TEST_RR("max", -1ll, 1, 1);
    TEST_RR("max", 0x8000000000000000ull, 0x7fffffffffffffffull, 0x7fffffffffffffffull);
    TEST_RR("maxu", -1ll, 1, -1ll);
    TEST_RR("min", -1ll, 1, -1ll);
    TEST_RR("min", 0x8000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull);
    TEST_RR("minu", -1ll, 1, 1);
    TEST_R("sext.b", 0x1234567880ull, 0xffffffffffffff80ull);
    TEST_R("sext.b", 0xff7full, 0x7f);
    TEST_R("sext.h", 0x12348000ull, 0xffffffffffff8000ull);
    TEST_R("sext.h", 0xffff7fffull, 0x7fff);
    TEST_R("zext.h", 0xffffffffffff8001ull, 0x8001);
    TEST_RR("rol", 0x8000000000000001ull, 1, 3);
    TEST_RR("rol", 0x0123456789abcdefull, 0, 0x0123456789abcdefull);
    TEST_RR("rol", 0x0123456789abcdefull, 64 + 4, 0x123456789abcdef0ull); /* rs2[5:0] */
    TEST_RR("ror", 0x8000000000000001ull, 1, 0xc000000000000000ull);
    TEST_RR("ror", 0x0123456789abcdefull, 32, 0x89abcdef01234567ull);
    TEST_RI("rori", 0x0123456789abcdefull, 4, 0xf0123456789abcdeull);
    TEST_RI("rori", 0x0123456789abcdefull, 63, 0x02468acf13579bdeull);
    TEST_RR("rolw", 0x80000001ull, 1, 3);
    TEST_RR("rolw", 0xffffffff40000000ull, 1, 0xffffffff80000000ull); /* result sign-extended */
    TEST_RR("rolw", 0x12345678ull, 32 + 4, 0x23456781ull);            /* rs2[4:0] */
    TEST_RR("rorw", 0x00000001ull, 1, 0xffffffff80000000ull);
    TEST_RR("rorw", 0xabcd000012345678ull, 16, 0x56781234ull);
    TEST_RI("roriw", 0x00000003ull, 1, 0xffffffff80000001ull);
    TEST_RI("roriw", 0x12345678ull, 31, 0x2468acf0ull);
    TEST_R("orc.b", 0x0001020000ff1000ull, 0x00ffff0000ffff00ull);
    TEST_R("orc.b", 0, 0);
    TEST_R("rev8", 0x0123456789abcdefull, 0xefcdab8967452301ull);
}

static void zbs(void) {
    TEST_RR("bclr", -1ll, 63, 0x7fffffffffffffffull);
    TEST_RR("bclr", -1ll, 64 + 1, 0xfffffffffffffffdull); /* index = rs2 mod 64 */
    TEST_RI("bclri", -1ll, 0, 0xfffffffffffffffeull);
    TEST_RI("bclri", -1ll, 40, 0xfffffeffffffffffull);
    TEST_RR("bext", 0x8000000000000000ull, 63, 1);
    TEST_RR("bext", 0x8000000000000000ull, 62, 0);
    TEST_RR("bext", 0x10, 64 + 4, 1);
    TEST_RI("bexti", 0x100000000ull, 32, 1);
    TEST_RI("bexti", 0x100000000ull, 31, 0);
    TEST_RR("binv", 0, 63, 0x8000000000000000ull);
    TEST_RR("binv", -1ll, 0, -2ll);
    TEST_RI("binvi", 0x100000000ull, 32, 0);
    TEST_RI("binvi", 0, 5, 32);
    TEST_RR("bset", 0, 63, 0x8000000000000000ull);
    TEST_RR("bset", 1, 64, 1);
    TEST_RI("bseti", 0, 31, 0x80000000ull); /* no sign extension: RV64 64-bit op */
    TEST_RI("bseti", 0, 32, 0x100000000ull);
}

int main(void) {
    zba();
    zbb();
    zbs();
    return 0;
}
