/* F and D extensions (unprivileged spec chapters 11-13): every instruction, every rounding mode
   (static and dynamic) on values that round differently, exact fflags, NaN-boxing, canonical NaNs,
   fmin/fmax with sNaN and signed zeros, fcvt saturation, fclass and single-rounding FMA.
   Values are IEEE-754 bit patterns worked out by hand from the operands. */
#include "insn.h"

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

/* Single-precision constants. */
#define S_1     0x3f800000u
#define S_M1    0xbf800000u
#define S_2     0x40000000u
#define S_3     0x40400000u
#define S_5     0x40a00000u
#define S_7     0x40e00000u
#define S_15    0x41700000u
#define S_HALF  0x3f000000u
#define S_MAX   0x7f7fffffu
#define S_INF   0x7f800000u
#define S_NINF  0xff800000u
#define S_QNAN  0x7fc00000u /* canonical NaN */
#define S_SNAN  0x7f800001u
#define S_NZERO 0x80000000u
/* Double-precision constants. */
#define D_1     0x3ff0000000000000ull
#define D_M1    0xbff0000000000000ull
#define D_2     0x4000000000000000ull
#define D_3     0x4008000000000000ull
#define D_5     0x4014000000000000ull
#define D_7     0x401c000000000000ull
#define D_15    0x402e000000000000ull
#define D_HALF  0x3fe0000000000000ull
#define D_MAX   0x7fefffffffffffffull
#define D_INF   0x7ff0000000000000ull
#define D_NINF  0xfff0000000000000ull
#define D_QNAN  0x7ff8000000000000ull
#define D_SNAN  0x7ff0000000000001ull
#define D_NZERO 0x8000000000000000ull

/* A single-precision value in an f register is NaN-boxed: upper 32 bits all ones (12.2). */
#define BOX(s) (0xffffffff00000000ull | (u32)(s))

struct fres {
    u64 v, flags;
};

/* Run `code` with fflags cleared; inputs %2 %3 %4 (integer registers), output %0. */
#define FP_RUN(code, a, b, c)                                                                                \
    ({                                                                                                       \
        struct fres r_;                                                                                      \
        asm volatile("csrw fflags, x0\n" code "\n csrr %1, fflags"                                           \
                     : "=&r"(r_.v), "=&r"(r_.flags)                                                          \
                     : "r"((u64)(a)), "r"((u64)(b)), "r"((u64)(c))                                           \
                     : "ft0", "ft1", "ft2", "ft3", "memory");                                                \
        r_;                                                                                                  \
    })
#define TEST_F(code, a, b, c, exp, fl)                                                                       \
    do {                                                                                                     \
        struct fres t_ = FP_RUN(code, a, b, c);                                                              \
        CHECK_EQ(t_.v, exp);                                                                                 \
        CHECK_EQ(t_.flags, fl);                                                                              \
    } while (0)

#define IN_S "fmv.w.x ft0, %2\n fmv.w.x ft1, %3\n fmv.w.x ft2, %4\n "
#define IN_D "fmv.d.x ft0, %2\n fmv.d.x ft1, %3\n fmv.d.x ft2, %4\n "
#define OUT  "\n fmv.x.d %0, ft3"

/* rm is "" (dynamic: frm) or ", rne" etc. */
#define S2(op, rm, a, b, exp, fl)    TEST_F(IN_S op " ft3, ft0, ft1" rm OUT, a, b, 0, BOX(exp), fl)
#define D2(op, rm, a, b, exp, fl)    TEST_F(IN_D op " ft3, ft0, ft1" rm OUT, a, b, 0, exp, fl)
#define S1(op, rm, a, exp, fl)       TEST_F(IN_S op " ft3, ft0" rm OUT, a, 0, 0, BOX(exp), fl)
#define D1(op, rm, a, exp, fl)       TEST_F(IN_D op " ft3, ft0" rm OUT, a, 0, 0, exp, fl)
#define S3(op, rm, a, b, c, exp, fl) TEST_F(IN_S op " ft3, ft0, ft1, ft2" rm OUT, a, b, c, BOX(exp), fl)
#define D3(op, rm, a, b, c, exp, fl) TEST_F(IN_D op " ft3, ft0, ft1, ft2" rm OUT, a, b, c, exp, fl)
/* FP -> integer register results (compares, fclass, fcvt to integer). */
#define SX1(op, rm, a, exp, fl) TEST_F(IN_S op " %0, ft0" rm, a, 0, 0, exp, fl)
#define DX1(op, rm, a, exp, fl) TEST_F(IN_D op " %0, ft0" rm, a, 0, 0, exp, fl)
#define SX2(op, a, b, exp, fl)  TEST_F(IN_S op " %0, ft0, ft1", a, b, 0, exp, fl)
#define DX2(op, a, b, exp, fl)  TEST_F(IN_D op " %0, ft0, ft1", a, b, 0, exp, fl)
/* Integer -> FP. */
#define XS1(op, rm, a, exp, fl) TEST_F(op " ft3, %2" rm OUT, a, 0, 0, BOX(exp), fl)
#define XD1(op, rm, a, exp, fl) TEST_F(op " ft3, %2" rm OUT, a, 0, 0, exp, fl)

static void set_frm(u64 rm) { csr_write(frm, rm); }

/* Operands whose exact result lies 3/4 ulp above 1 (a), exactly halfway (tie) or 3/4 ulp below -1:
   every rounding mode gives a different combination (IEEE 754 4.3). */
#define S_Q3  0x33c00000u /* 1.5 * 2^-24 = 0.75 ulp(1.0f) */
#define S_TIE 0x33800000u /* 2^-24 = 0.5 ulp */
#define D_Q3  0x3ca8000000000000ull
#define D_TIE 0x3ca0000000000000ull

static void rounding_modes(void) {
    /* Static rounding modes. */
    S2("fadd.s", ", rne", S_1, S_Q3, S_1 + 1, NX);
    S2("fadd.s", ", rtz", S_1, S_Q3, S_1, NX);
    S2("fadd.s", ", rdn", S_1, S_Q3, S_1, NX);
    S2("fadd.s", ", rup", S_1, S_Q3, S_1 + 1, NX);
    S2("fadd.s", ", rmm", S_1, S_Q3, S_1 + 1, NX);
    S2("fadd.s", ", rne", S_1, S_TIE, S_1, NX);     /* ties to even */
    S2("fadd.s", ", rmm", S_1, S_TIE, S_1 + 1, NX); /* ties away */
    S2("fadd.s", ", rne", S_M1, S_Q3 | 0x80000000u, S_M1 + 1, NX);
    S2("fadd.s", ", rtz", S_M1, S_Q3 | 0x80000000u, S_M1, NX);
    S2("fadd.s", ", rdn", S_M1, S_Q3 | 0x80000000u, S_M1 + 1, NX);
    S2("fadd.s", ", rup", S_M1, S_Q3 | 0x80000000u, S_M1, NX);
    S2("fadd.s", ", rmm", S_M1, S_Q3 | 0x80000000u, S_M1 + 1, NX);
    D2("fadd.d", ", rne", D_1, D_Q3, D_1 + 1, NX);
    D2("fadd.d", ", rtz", D_1, D_Q3, D_1, NX);
    D2("fadd.d", ", rdn", D_1, D_Q3, D_1, NX);
    D2("fadd.d", ", rup", D_1, D_Q3, D_1 + 1, NX);
    D2("fadd.d", ", rne", D_1, D_TIE, D_1, NX);
    D2("fadd.d", ", rmm", D_1, D_TIE, D_1 + 1, NX);
    D2("fadd.d", ", rdn", D_M1, D_Q3 | D_NZERO, D_M1 + 1, NX);
    D2("fadd.d", ", rup", D_M1, D_Q3 | D_NZERO, D_M1, NX);
    /* Dynamic rounding: the same cases through frm. */
    set_frm(0);
    S2("fadd.s", "", S_1, S_TIE, S_1, NX);
    D2("fadd.d", "", D_1, D_TIE, D_1, NX);
    set_frm(1);
    S2("fadd.s", "", S_1, S_Q3, S_1, NX);
    D2("fadd.d", "", D_1, D_Q3, D_1, NX);
    set_frm(2);
    S2("fadd.s", "", S_M1, S_Q3 | 0x80000000u, S_M1 + 1, NX);
    S2("fadd.s", "", S_1, S_Q3, S_1, NX);
    set_frm(3);
    S2("fadd.s", "", S_1, S_Q3, S_1 + 1, NX);
    D2("fadd.d", "", D_M1, D_Q3 | D_NZERO, D_M1, NX);
    set_frm(4);
    S2("fadd.s", "", S_1, S_TIE, S_1 + 1, NX);
    D2("fadd.d", "", D_1, D_TIE, D_1 + 1, NX);
    /* x - x is +0 except in round-down, where it is -0 (IEEE 754 6.3). */
    set_frm(2);
    S2("fsub.s", "", S_3, S_3, S_NZERO, 0);
    D2("fsub.d", "", D_3, D_3, D_NZERO, 0);
    set_frm(0);
    S2("fsub.s", "", S_3, S_3, 0, 0);
    D2("fsub.d", "", D_3, D_3, 0, 0);
    S2("fsub.s", ", rdn", S_3, S_3, S_NZERO, 0);
    /* Integer conversions of +-2.5 distinguish all five modes. */
    SX1("fcvt.w.s", ", rne", 0x40200000u, 2, NX);
    SX1("fcvt.w.s", ", rtz", 0x40200000u, 2, NX);
    SX1("fcvt.w.s", ", rdn", 0x40200000u, 2, NX);
    SX1("fcvt.w.s", ", rup", 0x40200000u, 3, NX);
    SX1("fcvt.w.s", ", rmm", 0x40200000u, 3, NX);
    SX1("fcvt.w.s", ", rne", 0xc0200000u, -2ll, NX);
    SX1("fcvt.w.s", ", rtz", 0xc0200000u, -2ll, NX);
    SX1("fcvt.w.s", ", rdn", 0xc0200000u, -3ll, NX);
    SX1("fcvt.w.s", ", rup", 0xc0200000u, -2ll, NX);
    SX1("fcvt.w.s", ", rmm", 0xc0200000u, -3ll, NX);
    set_frm(3);
    DX1("fcvt.l.d", "", 0xc004000000000000ull, -2ll, NX);
    set_frm(4);
    DX1("fcvt.l.d", "", 0xc004000000000000ull, -3ll, NX);
    set_frm(0);
    DX1("fcvt.l.d", "", 0xc004000000000000ull, -2ll, NX);
    set_frm(0);

    /* Reserved rounding modes are illegal: static rm 5 (.insn: fadd.s with funct3 = 5), and dynamic
       with frm holding 5 or 7. */
    expect_mtrap();
    asm volatile(".insn r 0x53, 5, 0, ft3, ft0, ft1" ::: "ft3");
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    set_frm(5);
    expect_mtrap();
    asm volatile("fadd.s ft3, ft0, ft1" ::: "ft3");
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    set_frm(7);
    expect_mtrap();
    asm volatile("fmul.d ft3, ft0, ft1" ::: "ft3");
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    /* ...but an instruction that does not round is legal whatever frm holds. */
    S2("fsgnj.s", "", S_1, S_M1, S_M1, 0);
    set_frm(0);
}

static void arithmetic(void) {
    S2("fadd.s", "", S_2, S_3, S_5, 0);
    D2("fadd.d", "", D_2, D_3, D_5, 0);
    S2("fsub.s", "", S_2, S_3, S_M1, 0);
    D2("fsub.d", "", D_2, D_3, D_M1, 0);
    S2("fmul.s", "", S_3, S_5, S_15, 0);
    D2("fmul.d", "", D_3, D_5, D_15, 0);
    /* Overflow: to infinity or to the largest finite value, per mode. */
    S2("fmul.s", ", rne", S_MAX, S_2, S_INF, OF | NX);
    S2("fmul.s", ", rtz", S_MAX, S_2, S_MAX, OF | NX);
    S2("fmul.s", ", rdn", S_MAX, S_2, S_MAX, OF | NX);
    S2("fmul.s", ", rup", S_MAX, S_2, S_INF, OF | NX);
    D2("fmul.d", ", rne", D_MAX, D_2, D_INF, OF | NX);
    D2("fmul.d", ", rtz", D_MAX, D_2, D_MAX, OF | NX);
    D2("fadd.d", ", rdn", D_MAX | D_NZERO, D_MAX | D_NZERO, D_NINF, OF | NX);
    /* Underflow is flagged only when the tiny result is also inexact. */
    S2("fmul.s", "", 0x00800000u, S_HALF, 0x00400000u, 0);
    S2("fmul.s", ", rne", 0x00000001u, S_HALF, 0, UF | NX);
    S2("fmul.s", ", rup", 0x00000001u, S_HALF, 1, UF | NX);
    D2("fmul.d", ", rne", 1, D_HALF, 0, UF | NX);
    D2("fmul.d", ", rmm", 1, D_HALF, 1, UF | NX);
    /* Division: 1/3 rounds differently up and down; x/0 and 0/0. */
    S2("fdiv.s", ", rne", S_1, S_3, 0x3eaaaaabu, NX);
    S2("fdiv.s", ", rtz", S_1, S_3, 0x3eaaaaaau, NX);
    D2("fdiv.d", ", rne", D_1, D_3, 0x3fd5555555555555ull, NX);
    D2("fdiv.d", ", rup", D_1, D_3, 0x3fd5555555555556ull, NX);
    S2("fdiv.s", "", S_15, S_3, S_5, 0);
    S2("fdiv.s", "", S_1, 0, S_INF, DZ);
    S2("fdiv.s", "", S_M1, 0, S_NINF, DZ);
    D2("fdiv.d", "", D_1, D_NZERO, D_NINF, DZ);
    S2("fdiv.s", "", 0, 0, S_QNAN, NV);
    D2("fdiv.d", "", D_INF, D_INF, D_QNAN, NV);
    /* Square root. */
    S1("fsqrt.s", ", rne", S_2, 0x3fb504f3u, NX);
    S1("fsqrt.s", ", rup", S_2, 0x3fb504f4u, NX);
    D1("fsqrt.d", ", rne", D_2, 0x3ff6a09e667f3bcdull, NX);
    D1("fsqrt.d", ", rtz", D_2, 0x3ff6a09e667f3bccull, NX);
    S1("fsqrt.s", "", 0x41100000u /* 9 */, S_3, 0);
    S1("fsqrt.s", "", S_M1, S_QNAN, NV);
    D1("fsqrt.d", "", D_M1, D_QNAN, NV);
    S1("fsqrt.s", "", S_NZERO, S_NZERO, 0);
    D1("fsqrt.d", "", D_INF, D_INF, 0);
    /* NaN results are canonical; a quiet NaN operand raises nothing, a signalling one NV. */
    S2("fadd.s", "", 0x7fc12345u, S_1, S_QNAN, 0);
    S2("fadd.s", "", 0xffc00001u, S_1, S_QNAN, 0);
    S2("fmul.s", "", S_SNAN, S_1, S_QNAN, NV);
    D2("fadd.d", "", 0x7ff8000000012345ull, D_1, D_QNAN, 0);
    D2("fsub.d", "", D_1, D_SNAN, D_QNAN, NV);
    S2("fsub.s", "", S_INF, S_INF, S_QNAN, NV);
    D2("fmul.d", "", D_INF, 0, D_QNAN, NV);
    /* fflags accumulate until cleared. */
    u64 flags;
    asm volatile("csrw fflags, x0\n fmv.w.x ft0, %1\n fmv.w.x ft1, x0\n fdiv.s ft2, ft0, ft1\n"
                 "fmv.w.x ft0, %2\n fmul.s ft2, ft0, ft0\n csrr %0, fflags"
                 : "=r"(flags)
                 : "r"((u64)S_1), "r"((u64)S_MAX)
                 : "ft0", "ft1", "ft2");
    CHECK_EQ(flags, DZ | OF | NX);
    /* fcsr = frm << 5 | fflags; bits 31:8 read as zero. */
    csr_write(fcsr, 0xffffffffu);
    CHECK_EQ(csr_read(fcsr), 0xff);
    CHECK_EQ(csr_read(frm), 7);
    CHECK_EQ(csr_read(fflags), 0x1f);
    csr_write(frm, 2);
    CHECK_EQ(csr_read(fcsr), 0x5f);
    csr_write(fflags, 0x21);
    CHECK_EQ(csr_read(fcsr), 0x41);
    csr_write(fcsr, 0);
}

static void fused(void) {
    S3("fmadd.s", "", S_2, S_3, S_1, S_7, 0);
    S3("fmsub.s", "", S_2, S_3, S_1, S_5, 0);
    S3("fnmsub.s", "", S_2, S_3, S_1, S_5 | 0x80000000u, 0);
    S3("fnmadd.s", "", S_2, S_3, S_1, S_7 | 0x80000000u, 0);
    D3("fmadd.d", "", D_2, D_3, D_1, D_7, 0);
    D3("fmsub.d", "", D_2, D_3, D_1, D_5, 0);
    D3("fnmsub.d", "", D_2, D_3, D_1, D_5 | D_NZERO, 0);
    D3("fnmadd.d", "", D_2, D_3, D_1, D_7 | D_NZERO, 0);
    /* One rounding: (1+2^-12)^2 - 1 = 2^-11 + 2^-24 exactly; a separate multiply would round
       the product's 2^-24 away (tie to even). */
    S3("fmadd.s", "", 0x3f800800u, 0x3f800800u, S_M1, 0x3a000400u, 0);
    D3("fmadd.d", "", 0x3ff0000002000000ull, 0x3ff0000002000000ull, D_M1, 0x3e50000001000000ull,
       0); /* 2^-26 + 2^-54 */
    /* inf * 0 is invalid even when the addend is a quiet NaN (11.6). */
    S3("fmadd.s", "", S_INF, 0, S_QNAN, S_QNAN, NV);
    D3("fmadd.d", "", 0, D_INF, D_1, D_QNAN, NV);
    S3("fmadd.s", "", S_1, S_1, S_SNAN, S_QNAN, NV);
    /* Rounding of the fused result. */
    S3("fmadd.s", ", rne", S_1, S_1, S_Q3, S_1 + 1, NX);
    S3("fmadd.s", ", rdn", S_1, S_1, S_Q3, S_1, NX);
}

static void sign_min_max_compare(void) {
    S2("fsgnj.s", "", S_1, S_M1, S_M1, 0);
    S2("fsgnj.s", "", S_M1, S_1, S_1, 0);
    S2("fsgnjn.s", "", S_1, S_M1, S_1, 0);
    S2("fsgnjn.s", "", S_1, S_1, S_M1, 0);
    S2("fsgnjx.s", "", S_M1, S_M1, S_1, 0);
    S2("fsgnjx.s", "", S_M1, S_1, S_M1, 0);
    S2("fsgnj.s", "", S_SNAN, S_M1, S_SNAN | 0x80000000u, 0); /* sign injection never canonicalises */
    D2("fsgnj.d", "", D_1, D_M1, D_M1, 0);
    D2("fsgnjn.d", "", D_1, D_M1, D_1, 0);
    D2("fsgnjx.d", "", D_M1, D_M1, D_1, 0);
    D2("fsgnjx.d", "", D_SNAN, D_M1, D_SNAN | D_NZERO, 0);

    S2("fmin.s", "", S_M1, S_2, S_M1, 0);
    S2("fmax.s", "", S_M1, S_2, S_2, 0);
    S2("fmin.s", "", S_NZERO, 0, S_NZERO, 0); /* -0 < +0 for fmin/fmax */
    S2("fmin.s", "", 0, S_NZERO, S_NZERO, 0);
    S2("fmax.s", "", S_NZERO, 0, 0, 0);
    S2("fmax.s", "", 0, S_NZERO, 0, 0);
    S2("fmin.s", "", S_QNAN, S_1, S_1, 0); /* one NaN: the other operand */
    S2("fmin.s", "", S_SNAN, S_1, S_1, NV);
    S2("fmax.s", "", S_1, S_SNAN, S_1, NV);
    S2("fmax.s", "", 0x7fc00001u, S_QNAN, S_QNAN, 0); /* both NaN: canonical */
    S2("fmin.s", "", S_SNAN, S_QNAN, S_QNAN, NV);
    D2("fmin.d", "", D_NZERO, 0, D_NZERO, 0);
    D2("fmax.d", "", D_NZERO, 0, 0, 0);
    D2("fmin.d", "", D_SNAN, D_1, D_1, NV);
    D2("fmax.d", "", D_QNAN, D_M1, D_M1, 0);
    D2("fmax.d", "", D_SNAN, D_SNAN, D_QNAN, NV);

    SX2("feq.s", S_1, S_1, 1, 0);
    SX2("feq.s", S_NZERO, 0, 1, 0);
    SX2("feq.s", S_QNAN, S_1, 0, 0); /* quiet comparison */
    SX2("feq.s", S_SNAN, S_1, 0, NV);
    SX2("flt.s", S_M1, S_1, 1, 0);
    SX2("flt.s", S_NZERO, 0, 0, 0);
    SX2("flt.s", S_QNAN, S_1, 0, NV); /* signalling comparison */
    SX2("fle.s", S_NZERO, 0, 1, 0);
    SX2("fle.s", S_1, S_QNAN, 0, NV);
    SX2("fle.s", S_2, S_1, 0, 0);
    DX2("feq.d", D_1, D_1, 1, 0);
    DX2("feq.d", D_QNAN, D_QNAN, 0, 0);
    DX2("feq.d", D_SNAN, D_1, 0, NV);
    DX2("flt.d", D_M1, D_1, 1, 0);
    DX2("flt.d", D_1, D_QNAN, 0, NV);
    DX2("fle.d", D_1, D_1, 1, 0);
    DX2("fle.d", D_QNAN, D_1, 0, NV);
}

static void classify(void) {
    static const u32 s_values[10] = {S_NINF, S_M1, 0x80000001u, S_NZERO, 0, 1, S_1, S_INF, S_SNAN, S_QNAN};
    static const u64 d_values[10] = {D_NINF, D_M1,  0x800fffffffffffffull, D_NZERO, 0, 1, D_1, D_INF,
                                     D_SNAN, D_QNAN};
    for (int i = 0; i < 10; i++) {
        SX1("fclass.s", "", s_values[i], 1u << i, 0);
        DX1("fclass.d", "", d_values[i], 1u << i, 0);
    }
}

static void conversions(void) {
    /* FP -> integer: out-of-range and NaN inputs saturate and raise NV (table 11.4). */
    SX1("fcvt.w.s", ", rtz", 0xbfc00000u, -1ll, NX);
    SX1("fcvt.w.s", ", rne", 0xbfc00000u, -2ll, NX);
    SX1("fcvt.w.s", "", S_QNAN, 0x7fffffff, NV);
    SX1("fcvt.w.s", "", S_INF, 0x7fffffff, NV);
    SX1("fcvt.w.s", "", S_NINF, 0xffffffff80000000ull, NV);
    SX1("fcvt.w.s", "", 0x4f32d05eu /* 3e9 */, 0x7fffffff, NV);
    SX1("fcvt.w.s", "", 0xcf000000u /* -2^31 */, 0xffffffff80000000ull, 0);
    SX1("fcvt.wu.s", "", S_M1, 0, NV);
    SX1("fcvt.wu.s", ", rtz", 0xbf000000u /* -0.5 */, 0, NX);              /* rounds to 0: representable */
    SX1("fcvt.wu.s", "", 0x4f6e6b28u /* 4e9 */, 0xffffffffee6b2800ull, 0); /* 32-bit result sign-extended */
    SX1("fcvt.wu.s", "", S_QNAN, -1ll, NV);
    SX1("fcvt.wu.s", "", S_INF, -1ll, NV);
    SX1("fcvt.l.s", "", S_QNAN, 0x7fffffffffffffffull, NV);
    SX1("fcvt.l.s", "", S_NINF, 0x8000000000000000ull, NV);
    SX1("fcvt.l.s", "", 0x5f000000u /* 2^63 */, 0x7fffffffffffffffull, NV);
    SX1("fcvt.l.s", "", 0xdf000000u /* -2^63 */, 0x8000000000000000ull, 0);
    SX1("fcvt.l.s", "", 0x4f6e6b28u, 4000000000ull, 0);
    SX1("fcvt.lu.s", "", S_M1, 0, NV);
    SX1("fcvt.lu.s", "", S_SNAN, -1ll, NV);
    SX1("fcvt.lu.s", "", 0x5f000000u, 0x8000000000000000ull, 0);
    DX1("fcvt.w.d", ", rtz", 0xc1e0000000100000ull /* -2^31 - 0.5 */, 0xffffffff80000000ull, NX);
    DX1("fcvt.w.d", ", rne", 0xc1e0000000100000ull, 0xffffffff80000000ull, NX);
    DX1("fcvt.w.d", ", rdn", 0xc1e0000000100000ull, 0xffffffff80000000ull, NV);
    DX1("fcvt.w.d", "", D_QNAN, 0x7fffffff, NV);
    DX1("fcvt.wu.d", ", rtz", 0x41effffffff00000ull /* 2^32 - 0.5 */, -1ll, NX);
    DX1("fcvt.wu.d", ", rup", 0x41effffffff00000ull, -1ll, NV);
    DX1("fcvt.wu.d", "", D_M1, 0, NV);
    DX1("fcvt.l.d", "", 0x43e0000000000000ull /* 2^63 */, 0x7fffffffffffffffull, NV);
    DX1("fcvt.l.d", "", 0xc3e0000000000000ull, 0x8000000000000000ull, 0);
    DX1("fcvt.l.d", "", D_NINF, 0x8000000000000000ull, NV);
    DX1("fcvt.lu.d", "", D_M1, 0, NV);
    DX1("fcvt.lu.d", "", D_INF, -1ll, NV);
    DX1("fcvt.lu.d", "", 0x43e0000000000000ull, 0x8000000000000000ull, 0);
    /* Integer -> FP. */
    XS1("fcvt.s.w", "", -1ll, S_M1, 0);
    XS1("fcvt.s.w", "", 0x1234567800000003ull, S_3, 0); /* only the low word counts */
    XS1("fcvt.s.wu", ", rne", 0xffffffffull, 0x4f800000u, NX);
    XS1("fcvt.s.wu", ", rtz", 0xffffffffull, 0x4f7fffffu, NX);
    XS1("fcvt.s.l", "", 0x8000000000000000ull, 0xdf000000u, 0);
    XS1("fcvt.s.l", ", rtz", 0x7fffffffffffffffull, 0x5effffffu, NX);
    XS1("fcvt.s.lu", ", rne", -1ll, 0x5f800000u, NX);
    XS1("fcvt.s.lu", ", rtz", -1ll, 0x5f7fffffu, NX);
    XD1("fcvt.d.w", "", 0x12345678fffffffeull, 0xc000000000000000ull, 0);
    XD1("fcvt.d.wu", "", 0xffffffffull, 0x41efffffffe00000ull, 0);
    XD1("fcvt.d.l", ", rne", 0x20000000000001ull /* 2^53+1 */, 0x4340000000000000ull, NX);
    XD1("fcvt.d.l", ", rup", 0x20000000000001ull, 0x4340000000000001ull, NX);
    XD1("fcvt.d.l", "", -1ll, D_M1, 0);
    XD1("fcvt.d.lu", "", -1ll, 0x43f0000000000000ull, NX);
    /* Between formats. */
    TEST_F(IN_D "fcvt.s.d ft3, ft0, rne" OUT, 0x3ff0000000400000ull /* 1 + 2^-30 */, 0, 0, BOX(S_1), NX);
    TEST_F(IN_D "fcvt.s.d ft3, ft0, rup" OUT, 0x3ff0000000400000ull, 0, 0, BOX(S_1 + 1), NX);
    TEST_F(IN_D "fcvt.s.d ft3, ft0, rne" OUT, 0x7e37e43c8800759cull /* 1e300 */, 0, 0, BOX(S_INF), OF | NX);
    TEST_F(IN_D "fcvt.s.d ft3, ft0, rtz" OUT, 0x7e37e43c8800759cull, 0, 0, BOX(S_MAX), OF | NX);
    TEST_F(IN_D "fcvt.s.d ft3, ft0" OUT, D_SNAN, 0, 0, BOX(S_QNAN), NV);
    TEST_F(IN_D "fcvt.s.d ft3, ft0" OUT, 0xfff8000000000001ull, 0, 0, BOX(S_QNAN), 0);
    TEST_F(IN_S "fcvt.d.s ft3, ft0" OUT, 0x3fc00000u /* 1.5 */, 0, 0, 0x3ff8000000000000ull, 0);
    TEST_F(IN_S "fcvt.d.s ft3, ft0" OUT, 0x7fc12345u, 0, 0, D_QNAN, 0);
    TEST_F(IN_S "fcvt.d.s ft3, ft0" OUT, S_SNAN, 0, 0, D_QNAN, NV);
    TEST_F(IN_S "fcvt.d.s ft3, ft0" OUT, 1, 0, 0, 0x36a0000000000000ull /* 2^-149 */, 0);
}

static void moves_loads_stores(void) {
    /* fmv.x.w sign-extends the 32 bits; fmv.w.x NaN-boxes. */
    TEST_F("fmv.w.x ft3, %2\n fmv.x.w %0, ft3", 0x1234567880000000ull, 0, 0, 0xffffffff80000000ull, 0);
    TEST_F("fmv.w.x ft3, %2" OUT, 0x1234567880000000ull, 0, 0, BOX(0x80000000u), 0);
    TEST_F("fmv.d.x ft3, %2" OUT, 0x123456789abcdef0ull, 0, 0, 0x123456789abcdef0ull, 0);
    TEST_F("fmv.d.x ft3, %2\n fmv.x.d %0, ft3", D_SNAN, 0, 0, D_SNAN, 0); /* no canonicalisation */
    static volatile u64 m[2];
    m[0] = 0x1122334455667788ull;
    m[1] = 0;
    TEST_F("flw ft3, 4(%2)" OUT, m, 0, 0, BOX(0x11223344u), 0);
    TEST_F("fld ft3, 0(%2)\n fsd ft3, 8(%2)\n ld %0, 8(%2)", m, 0, 0, 0x1122334455667788ull, 0);
    TEST_F("fld ft3, 0(%2)\n fsw ft3, 8(%2)\n lwu %0, 8(%2)", m, 0, 0, 0x55667788ull, 0);
    /* NaN-boxing (12.2): a single operand whose upper half is not all ones reads as the canonical
       NaN in arithmetic, sign injection, classify and conversion, but transfers move the raw bits. */
    TEST_F("fmv.d.x ft0, %2\n fmv.w.x ft1, %3\n fadd.s ft3, ft0, ft1" OUT, 0x000000003f800000ull, S_1, 0,
           BOX(S_QNAN), 0);
    TEST_F("fmv.d.x ft0, %2\n fsgnj.s ft3, ft0, ft0" OUT, 0x7fffffff3f800000ull, 0, 0, BOX(S_QNAN), 0);
    TEST_F("fmv.d.x ft0, %2\n fsgnjn.s ft3, ft0, ft0" OUT, 0x00000000bf800000ull, 0, 0,
           BOX(S_QNAN | 0x80000000u), 0);
    TEST_F("fmv.d.x ft0, %2\n fclass.s %0, ft0", 0xfffffffe3f800000ull, 0, 0, 1u << 9, 0);
    TEST_F("fmv.d.x ft0, %2\n fcvt.d.s ft3, ft0" OUT, 0x000000003f800000ull, 0, 0, D_QNAN, 0);
    TEST_F("fmv.d.x ft0, %2\n feq.s %0, ft0, ft0", 0x000000003f800000ull, 0, 0, 0, 0);
    TEST_F("fmv.d.x ft0, %2\n fmv.x.w %0, ft0", 0x00000000bf800000ull, 0, 0, 0xffffffffbf800000ull, 0);
    TEST_F("fmv.d.x ft0, %2\n fsw ft0, 8(%3)\n lwu %0, 8(%3)", 0x000000003f800000ull, m, 0, S_1, 0);
}

static void fs_state(void) {
    /* With mstatus.FS = Off, FP instructions and fcsr accesses are illegal (privileged 3.1.6.6). */
    csr_clear(mstatus, MSTATUS_FS);
    expect_mtrap();
    asm volatile("fadd.d ft3, ft0, ft1" ::: "ft3");
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    expect_mtrap();
    (void)csr_read(fcsr);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    expect_mtrap();
    asm volatile("fmv.x.d t0, ft0" ::: "t0");
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    /* Initial -> Dirty after an FP register write; SD then reads 1. */
    csr_set(mstatus, 1ull << 13);
    CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, 1ull << 13);
    asm volatile("fmv.d.x ft3, x0" ::: "ft3");
    CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, MSTATUS_FS);
    CHECK(csr_read(mstatus) & MSTATUS_SD);
}

int main(void) {
    rounding_modes();
    arithmetic();
    fused();
    sign_min_max_compare();
    classify();
    conversions();
    moves_loads_stores();
    fs_state();
    return 0;
}
