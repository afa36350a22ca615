/* M extension (unprivileged spec chapter 7): products, high halves with every signedness,
   division by zero and signed overflow (table 7.1), W forms. */
#include "insn.h"

#define MIN64 0x8000000000000000ull
#define MIN32 0xffffffff80000000ull /* -2^31 sign-extended */

int main(void) {
    TEST_RR("mul", 7, 6, 42);
    TEST_RR("mul", -7ll, 6, -42ll);
    TEST_RR("mul", 0x100000001ull, 0x100000001ull, 0x200000001ull);
    TEST_RR("mul", MIN64, -1ll, MIN64);

    /* mulh: signed x signed, upper 64 bits of the 128-bit product. */
    TEST_RR("mulh", 2, 3, 0);
    TEST_RR("mulh", -2ll, 3, -1ll);
    TEST_RR("mulh", MIN64, MIN64, 0x4000000000000000ull);
    TEST_RR("mulh", MIN64, -1ll, 0);
    TEST_RR("mulh", 0x7fffffffffffffffull, 0x7fffffffffffffffull, 0x3fffffffffffffffull);
    TEST_RR("mulh", -1ll, -1ll, 0);
    /* mulhu: unsigned x unsigned. */
    TEST_RR("mulhu", -1ll, -1ll, 0xfffffffffffffffeull);
    TEST_RR("mulhu", -2ll, 3, 2);
    TEST_RR("mulhu", MIN64, 2, 1);
    /* mulhsu: rs1 signed, rs2 unsigned. */
    TEST_RR("mulhsu", -1ll, -1ll, -1ll); /* -1 * (2^64-1) = -(2^64) + 1 -> high = -1 */
    TEST_RR("mulhsu", -2ll, 3, -1ll);
    TEST_RR("mulhsu", 3, -2ll, 2);                         /* 3 * (2^64-2) = 2*2^64 + (2^64-6) */
    TEST_RR("mulhsu", MIN64, -1ll, 0x8000000000000000ull); /* -2^63 * (2^64-1) */
    TEST_RR("mulhsu", 0, -1ll, 0);
    TEST_RR("mulw", 0x7fffffff, 2, -2ll);
    TEST_RR("mulw", 0x100000003ull, 0x100000005ull, 15);
    TEST_RR("mulw", 0x10000, 0x8000, MIN32);

    TEST_RR("div", 20, 6, 3);
    TEST_RR("div", -20ll, 6, -3ll); /* rounds toward zero */
    TEST_RR("div", 20, -6ll, -3ll);
    TEST_RR("div", -20ll, -6ll, 3);
    TEST_RR("divu", 20, 6, 3);
    TEST_RR("divu", -20ll, 6, 0x2aaaaaaaaaaaaaa7ull);
    TEST_RR("rem", 20, 6, 2);
    TEST_RR("rem", -20ll, 6, -2ll); /* the remainder has the dividend's sign */
    TEST_RR("rem", 20, -6ll, 2);
    TEST_RR("rem", -20ll, -6ll, -2ll);
    TEST_RR("remu", 20, 6, 2);
    TEST_RR("remu", -20ll, 6, 2);
    /* Division by zero: quotient all ones, remainder = dividend. */
    TEST_RR("div", 5, 0, -1ll);
    TEST_RR("div", -5ll, 0, -1ll);
    TEST_RR("divu", 5, 0, -1ll);
    TEST_RR("rem", -5ll, 0, -5ll);
    TEST_RR("remu", 5, 0, 5);
    /* Signed overflow: quotient = dividend, remainder = 0. */
    TEST_RR("div", MIN64, -1ll, MIN64);
    TEST_RR("rem", MIN64, -1ll, 0);

    /* W forms: 32-bit operands, sign-extended 32-bit results. */
    TEST_RR("divw", -20ll, 6, -3ll);
    TEST_RR("divw", 0x1ffffffecull, 6, -3ll); /* upper bits ignored: low word is -20 */
    TEST_RR("divuw", 0xffffffecull, 6, 0x2aaaaaa7);
    TEST_RR("divuw", 0xfffffffeull, 1, -2ll); /* 32-bit result 0xfffffffe sign-extended */
    TEST_RR("remw", -20ll, 6, -2ll);
    TEST_RR("remuw", 0xffffffecull, 6, 2);
    TEST_RR("remuw", 0x80000000ull, 0x100000000ull | 0xc0000000ull, MIN32); /* 0x80000000 % 0xc0000000 */
    TEST_RR("divw", 5, 0, -1ll);
    TEST_RR("divuw", 5, 0x100000000ull, -1ll);
    TEST_RR("remw", 0x1fffffffbull, 0, -5ll);
    TEST_RR("remuw", 0x80000005ull, 0, MIN32 | 5);
    TEST_RR("divw", 0x80000000ull, -1ll, MIN32);
    TEST_RR("remw", 0x80000000ull, -1ll, 0);
    return 0;
}
