/* RV64C (unprivileged spec chapter 16): every RV64 compressed form, written with explicit c.
   mnemonics so the assembler must emit the 16-bit encoding.  Operands live in a0/a1 (x10/x11, inside
   the x8-x15 set the CIW/CL/CS/CA/CB formats can name). */
#include "insn.h"

#define C1(body, x)                                                                                          \
    ({                                                                                                       \
        register u64 a0_ asm("a0") = (u64)(x);                                                               \
        asm volatile(body : "+r"(a0_));                                                                      \
        a0_;                                                                                                 \
    })
#define C2(body, x, y)                                                                                       \
    ({                                                                                                       \
        register u64 a0_ asm("a0") = (u64)(x);                                                               \
        register u64 a1_ asm("a1") = (u64)(y);                                                               \
        asm volatile(body : "+r"(a0_) : "r"(a1_));                                                           \
        a0_;                                                                                                 \
    })

static volatile u64 buf[4] __attribute__((aligned(16)));

static void arithmetic(void) {
    CHECK_EQ(C1("c.li %0, -32", 5), -32ll);
    CHECK_EQ(C1("c.li %0, 31", 5), 31);
    CHECK_EQ(C1("c.lui %0, 1", 0), 0x1000);
    CHECK_EQ(C1("c.lui %0, 0xfffe0", 0), 0xfffffffffffe0000ull); /* nzimm[17] sign-extends */
    CHECK_EQ(C1("c.lui %0, 0x1f", 0), 0x1f000);
    CHECK_EQ(C1("c.addi %0, -32", 2), -30ll);
    CHECK_EQ(C1("c.addi %0, 31", 0x7fffffffffffffffull), 0x800000000000001eull);
    CHECK_EQ(C1("c.addiw %0, 1", 0x7fffffff), 0xffffffff80000000ull);
    CHECK_EQ(C1("c.addiw %0, 0", 0x1ffffffffull), -1ll); /* sext.w */
    CHECK_EQ(C1("c.slli %0, 63", 1), 0x8000000000000000ull);
    CHECK_EQ(C1("c.slli %0, 32", 3), 0x300000000ull);
    CHECK_EQ(C1("c.srli %0, 63", 0x8000000000000000ull), 1);
    CHECK_EQ(C1("c.srli %0, 32", -1ll), 0xffffffffull);
    CHECK_EQ(C1("c.srai %0, 63", 0x8000000000000000ull), -1ll);
    CHECK_EQ(C1("c.srai %0, 4", 0x8000000000000000ull), 0xf800000000000000ull);
    CHECK_EQ(C1("c.srai %0, 1", 0x4000000000000000ull), 0x2000000000000000ull);
    CHECK_EQ(C1("c.andi %0, -16", 0x12345678ull), 0x12345670ull);
    CHECK_EQ(C1("c.andi %0, 15", 0x12345678ull), 8);
    CHECK_EQ(C2("c.mv %0, %1", 1, 0xabcdull), 0xabcd);
    CHECK_EQ(C2("c.add %0, %1", 40, 2), 42);
    CHECK_EQ(C2("c.sub %0, %1", 2, 40), -38ll);
    CHECK_EQ(C2("c.xor %0, %1", 0xff00ull, 0x0ff0ull), 0xf0f0);
    CHECK_EQ(C2("c.or %0, %1", 0xff00ull, 0x0ff0ull), 0xfff0);
    CHECK_EQ(C2("c.and %0, %1", 0xff00ull, 0x0ff0ull), 0x0f00);
    CHECK_EQ(C2("c.addw %0, %1", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK_EQ(C2("c.subw %0, %1", 0x100000000ull, 1), -1ll);
    CHECK_EQ(C1("c.nop", 77), 77);
}

static void stack_relative(void) {
    u64 r, expect;
    /* c.addi16sp: sp += nzimm (multiple of 16, -512..496). */
    asm volatile("mv %1, sp\n c.addi16sp sp, -512\n mv %0, sp\n c.addi16sp sp, 496\n c.addi16sp sp, 16"
                 : "=&r"(r), "=&r"(expect));
    CHECK_EQ(r, expect - 512);
    /* c.addi4spn: rd' = sp + nzuimm. */
    asm volatile("c.addi4spn a0, sp, 1020\n addi %1, sp, 1020\n mv %0, a0" : "=r"(r), "=r"(expect) : : "a0");
    CHECK_EQ(r, expect);
    /* SP-relative loads/stores on a 64-byte scratch area below the live stack. */
    asm volatile("addi sp, sp, -64\n"
                 "li a0, -2\n c.sdsp a0, 8(sp)\n"
                 "li a0, 0x80000001\n c.swsp a0, 20(sp)\n"
                 "c.ldsp a1, 8(sp)\n c.lwsp a2, 20(sp)\n"
                 "sub %0, a1, a2\n"
                 "addi sp, sp, 64"
                 : "=r"(r)
                 :
                 : "a0", "a1", "a2", "memory");
    /* -2 - sext(0x80000001) = -2 + 0x7fffffff = 0x7ffffffd */
    CHECK_EQ(r, 0x7ffffffd);
    asm volatile("addi sp, sp, -512\n li a0, 0x1234\n c.sdsp a0, 504(sp)\n ld %0, 504(sp)\n addi sp, sp, 512"
                 : "=r"(r)
                 :
                 : "a0", "memory");
    CHECK_EQ(r, 0x1234);
    asm volatile("addi sp, sp, -256\n li a0, -1\n sw a0, 252(sp)\n c.lwsp %0, 252(sp)\n addi sp, sp, 256"
                 : "=r"(r)
                 :
                 : "a0", "memory");
    CHECK_EQ(r, -1ll);
}

static void loads_stores(void) {
    buf[0] = 0x8000000180000002ull;
    buf[1] = 0;
    buf[2] = 0;
    register u64 base asm("a1") = (u64)buf;
    register u64 v asm("a0");
    asm volatile("c.lw %0, 4(%1)" : "=r"(v) : "r"(base) : "memory");
    CHECK_EQ(v, 0xffffffff80000001ull); /* sign-extended */
    asm volatile("c.ld %0, 0(%1)" : "=r"(v) : "r"(base) : "memory");
    CHECK_EQ(v, 0x8000000180000002ull);
    v = 0x1122334455667788ull;
    asm volatile("c.sw %0, 8(%1)" : : "r"(v), "r"(base) : "memory");
    CHECK_EQ(buf[1], 0x55667788ull);
    asm volatile("c.sd %0, 16(%1)" : : "r"(v), "r"(base) : "memory");
    CHECK_EQ(buf[2], 0x1122334455667788ull);
    /* FP forms (RV64DC): c.fld/c.fsd and c.fldsp/c.fsdsp move the raw 64 bits. */
    buf[3] = 0x400921fb54442d18ull;
    asm volatile("c.fld fa0, 24(%0)\n c.fsd fa0, 8(%0)" : : "r"(base) : "fa0", "memory");
    CHECK_EQ(buf[1], 0x400921fb54442d18ull);
    u64 r;
    asm volatile(
        "addi sp, sp, -16\n c.fld fa1, 24(%1)\n c.fsdsp fa1, 8(sp)\n c.fldsp fa2, 8(sp)\n fmv.x.d %0, fa2\n"
        "addi sp, sp, 16"
        : "=r"(r)
        : "r"(base)
        : "fa1", "fa2", "memory");
    CHECK_EQ(r, 0x400921fb54442d18ull);
}

static void control_transfer(void) {
    u64 r, link, expect;
    asm volatile("li %0, 1\n c.j 1f\n li %0, 2\n 1:" : "=&r"(r));
    CHECK_EQ(r, 1);
    register u64 a0 asm("a0");
    a0 = 0;
    asm volatile("li t0, 1\n c.beqz %1, 1f\n li t0, 2\n 1: mv %0, t0" : "=r"(r) : "r"(a0) : "t0");
    CHECK_EQ(r, 1);
    a0 = 5;
    asm volatile("li t0, 1\n c.beqz %1, 1f\n li t0, 2\n 1: mv %0, t0" : "=r"(r) : "r"(a0) : "t0");
    CHECK_EQ(r, 2);
    asm volatile("li t0, 1\n c.bnez %1, 1f\n li t0, 2\n 1: mv %0, t0" : "=r"(r) : "r"(a0) : "t0");
    CHECK_EQ(r, 1);
    a0 = 0;
    asm volatile("li t0, 1\n c.bnez %1, 1f\n li t0, 2\n 1: mv %0, t0" : "=r"(r) : "r"(a0) : "t0");
    CHECK_EQ(r, 2);
    /* Backward c.bnez loop. */
    asm volatile("li a0, 4\n li %0, 0\n 1: addi %0, %0, 1\n c.addi a0, -1\n c.bnez a0, 1b"
                 : "=&r"(r)
                 :
                 : "a0");
    CHECK_EQ(r, 4);
    /* c.jr */
    asm volatile("la t1, 1f\n li %0, 1\n c.jr t1\n li %0, 2\n 1:" : "=&r"(r) : : "t1");
    CHECK_EQ(r, 1);
    /* c.jalr links ra = pc + 2. */
    asm volatile("mv t2, ra\n la t1, 2f\n la %1, 1f\n c.jalr t1\n 1: j 3f\n 2: mv %0, ra\n ret\n 3: mv ra, t2"
                 : "=&r"(link), "=&r"(expect)
                 :
                 : "t1", "t2", "ra");
    CHECK_EQ(link, expect);
}

static void ebreak(void) {
    u64 at;
    expect_mtrap();
    asm volatile("la %0, 1f\n 1: c.ebreak" : "=r"(at));
    CHECK_MTRAP(CAUSE_BREAKPOINT);
    CHECK_EQ(mtrap.epc, at);
    /* The all-zero halfword is defined illegal (16.5). */
    expect_mtrap();
    asm volatile("la %0, 1f\n 1: .half 0" : "=r"(at));
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(mtrap.epc, at);
}

int main(void) {
    arithmetic();
    stack_relative();
    loads_stores();
    control_transfer();
    ebreak();
    return 0;
}
