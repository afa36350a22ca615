/* RV64I base integer instructions (unprivileged spec chapters 2 and 5). */
#include "insn.h"

static void alu_reg_reg(void) {
    TEST_RR("add", 1, 2, 3);
    TEST_RR("add", 0x7fffffffffffffffull, 1, 0x8000000000000000ull);
    TEST_RR("add", -1ll, 1, 0);
    TEST_RR("sub", 1, 2, -1ll);
    TEST_RR("sub", 0x8000000000000000ull, 1, 0x7fffffffffffffffull);
    TEST_RR("sll", 1, 0, 1);
    TEST_RR("sll", 1, 31, 0x80000000ull);
    TEST_RR("sll", 1, 32, 0x100000000ull);
    TEST_RR("sll", 1, 63, 0x8000000000000000ull);
    TEST_RR("sll", 1, 64 + 3, 8); /* only rs2[5:0] is the shift amount */
    TEST_RR("srl", 0x8000000000000000ull, 0, 0x8000000000000000ull);
    TEST_RR("srl", 0x8000000000000000ull, 31, 0x100000000ull);
    TEST_RR("srl", 0x8000000000000000ull, 32, 0x80000000ull);
    TEST_RR("srl", 0x8000000000000000ull, 63, 1);
    TEST_RR("sra", 0x8000000000000000ull, 0, 0x8000000000000000ull);
    TEST_RR("sra", 0x8000000000000000ull, 31, 0xffffffff00000000ull);
    TEST_RR("sra", 0x8000000000000000ull, 32, 0xffffffff80000000ull);
    TEST_RR("sra", 0x8000000000000000ull, 63, -1ll);
    TEST_RR("sra", 0x4000000000000000ull, 62, 1);
    TEST_RR("slt", -1ll, 1, 1);
    TEST_RR("slt", 1, -1ll, 0);
    TEST_RR("slt", 5, 5, 0);
    TEST_RR("sltu", -1ll, 1, 0);
    TEST_RR("sltu", 1, -1ll, 1);
    TEST_RR("sltu", 0, 0, 0);
    TEST_RR("xor", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xf0f0f0f0f0f0f0f0ull);
    TEST_RR("or", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xfff0fff0fff0fff0ull);
    TEST_RR("and", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0x0f000f000f000f00ull);

    /* W forms operate on the low 32 bits and sign-extend the 32-bit result (spec 5.2). */
    TEST_RR("addw", 0x7fffffff, 1, 0xffffffff80000000ull);
    TEST_RR("addw", 0xffffffff00000001ull, 0x1ffffffffull, 0);
    TEST_RR("subw", 0, 1, -1ll);
    TEST_RR("subw", 0x80000000ull, 1, 0x7fffffff);
    TEST_RR("sllw", 1, 0, 1);
    TEST_RR("sllw", 1, 31, 0xffffffff80000000ull);
    TEST_RR("sllw", 1, 32, 1); /* only rs2[4:0] */
    TEST_RR("sllw", 0xffffffff12345678ull, 4, 0x23456780);
    TEST_RR("srlw", 0xffffffff80000000ull, 0, 0xffffffff80000000ull);
    TEST_RR("srlw", 0xffffffff80000000ull, 31, 1);
    TEST_RR("srlw", 0xffffffff80000000ull, 32, 0xffffffff80000000ull);
    TEST_RR("srlw", 0x80000000ull, 1, 0x40000000);
    TEST_RR("sraw", 0x80000000ull, 0, 0xffffffff80000000ull);
    TEST_RR("sraw", 0x80000000ull, 31, -1ll);
    TEST_RR("sraw", 0x80000000ull, 32, 0xffffffff80000000ull);
    TEST_RR("sraw", 0x7fffffff00000000ull, 4, 0);
}

static void alu_reg_imm(void) {
    TEST_RI("addi", 1, 2047, 2048);
    TEST_RI("addi", 1, -2048, -2047ll);
    TEST_RI("addi", 0x7fffffffffffffffull, 1, 0x8000000000000000ull);
    TEST_RI("slti", -1ll, 0, 1);
    TEST_RI("slti", 0, -1, 0);
    TEST_RI("sltiu", 0, -1, 1); /* the immediate is sign-extended, then compared unsigned */
    TEST_RI("sltiu", -1ll, -1, 0);
    TEST_RI("sltiu", 0, 1, 1); /* seqz */
    TEST_RI("xori", 0x00ff00ffull, -1, 0xffffffffff00ff00ull);
    TEST_RI("xori", 0x0f, 0x7f0, 0x7ff);
    TEST_RI("ori", 0x1000, -2048, 0xfffffffffffff800ull);
    TEST_RI("ori", 0x1000, 0x0ff, 0x10ff);
    TEST_RI("andi", 0x123456789abcdef0ull, -16, 0x123456789abcdef0ull);
    TEST_RI("andi", 0x123456789abcdef0ull, 0x7ff, 0x6f0);
    TEST_RI("slli", 1, 0, 1);
    TEST_RI("slli", 1, 31, 0x80000000ull);
    TEST_RI("slli", 1, 32, 0x100000000ull);
    TEST_RI("slli", 3, 63, 0x8000000000000000ull);
    TEST_RI("srli", -1ll, 0, -1ll);
    TEST_RI("srli", -1ll, 31, 0x1ffffffffull);
    TEST_RI("srli", -1ll, 32, 0xffffffffull);
    TEST_RI("srli", -1ll, 63, 1);
    TEST_RI("srai", 0x8000000000000000ull, 0, 0x8000000000000000ull);
    TEST_RI("srai", 0x8000000000000000ull, 31, 0xffffffff00000000ull);
    TEST_RI("srai", 0x8000000000000000ull, 32, 0xffffffff80000000ull);
    TEST_RI("srai", 0x8000000000000000ull, 63, -1ll);
    TEST_RI("srai", 0x7000000000000000ull, 60, 7);
    TEST_RI("addiw", 0x7fffffff, 1, 0xffffffff80000000ull);
    TEST_RI("addiw", 0x12345678ffffffffull, 1, 0);
    TEST_RI("addiw", 0xffffffff, 0, -1ll); /* sext.w */
    TEST_RI("slliw", 1, 0, 1);
    TEST_RI("slliw", 1, 31, 0xffffffff80000000ull);
    TEST_RI("slliw", 0x0000000180000001ull, 1, 2);
    TEST_RI("srliw", 0xffffffff80000000ull, 0, 0xffffffff80000000ull);
    TEST_RI("srliw", 0xffffffff80000000ull, 31, 1);
    TEST_RI("srliw", 0x00000000fffffff0ull, 4, 0x0fffffff);
    TEST_RI("sraiw", 0x80000000ull, 0, 0xffffffff80000000ull);
    TEST_RI("sraiw", 0x80000000ull, 31, -1ll);
    TEST_RI("sraiw", 0x00000000fffffff0ull, 4, -1ll);
    TEST_RI("sraiw", 0xffffffff7ffffff0ull, 4, 0x07ffffff);
}

static void upper_immediates(void) {
    u64 r;
    asm volatile("lui %0, 0x80000" : "=r"(r));
    CHECK_EQ(r, 0xffffffff80000000ull); /* the 32-bit result is sign-extended on RV64 */
    asm volatile("lui %0, 0x7ffff" : "=r"(r));
    CHECK_EQ(r, 0x7ffff000ull);
    asm volatile("lui %0, 0xfffff" : "=r"(r));
    CHECK_EQ(r, 0xfffffffffffff000ull);
    u64 a, here;
    asm volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(a), "=r"(here));
    CHECK_EQ(a, here);
    asm volatile("1: auipc %0, 1\n la %1, 1b" : "=r"(a), "=r"(here));
    CHECK_EQ(a, here + 0x1000);
    asm volatile("1: auipc %0, 0xfffff\n la %1, 1b" : "=r"(a), "=r"(here));
    CHECK_EQ(a, here - 0x1000);
}

/* 1 if the branch was taken. */
#define BRANCH(insn, a, b)                                                                                   \
    ({                                                                                                       \
        u64 t_;                                                                                              \
        asm volatile("li %0, 1\n " insn " %1, %2, 1f\n li %0, 0\n1:"                                         \
                     : "=&r"(t_)                                                                             \
                     : "r"((u64)(a)), "r"((u64)(b)));                                                        \
        t_;                                                                                                  \
    })

static void branches(void) {
    CHECK_EQ(BRANCH("beq", 5, 5), 1);
    CHECK_EQ(BRANCH("beq", 5, 6), 0);
    CHECK_EQ(BRANCH("bne", 5, 6), 1);
    CHECK_EQ(BRANCH("bne", 5, 5), 0);
    CHECK_EQ(BRANCH("blt", -1ll, 0), 1);
    CHECK_EQ(BRANCH("blt", 0, -1ll), 0);
    CHECK_EQ(BRANCH("blt", 3, 3), 0);
    CHECK_EQ(BRANCH("bge", 0, -1ll), 1);
    CHECK_EQ(BRANCH("bge", 3, 3), 1);
    CHECK_EQ(BRANCH("bge", -1ll, 0), 0);
    CHECK_EQ(BRANCH("bltu", 0, -1ll), 1);
    CHECK_EQ(BRANCH("bltu", -1ll, 0), 0);
    CHECK_EQ(BRANCH("bltu", 3, 3), 0);
    CHECK_EQ(BRANCH("bgeu", -1ll, 0), 1);
    CHECK_EQ(BRANCH("bgeu", 3, 3), 1);
    CHECK_EQ(BRANCH("bgeu", 0, -1ll), 0);
    /* Backward branch. */
    u64 n;
    asm volatile("li %0, 0\n li t0, 5\n 1: addi %0, %0, 1\n addi t0, t0, -1\n bnez t0, 1b"
                 : "=&r"(n)
                 :
                 : "t0");
    CHECK_EQ(n, 5);
}

static void jumps(void) {
    u64 link, after;
    asm volatile(".option push\n .option norvc\n jal %0, 1f\n 2: nop\n 1: la %1, 2b\n .option pop"
                 : "=&r"(link), "=&r"(after));
    CHECK_EQ(link, after); /* jal writes pc+4 */
    u64 target, landed;
    asm volatile(".option push\n .option norvc\n la %1, 1f\n jalr %0, 0(%1)\n 2: li %1, 0\n j 3f\n 1: la %1, "
                 "2b\n 3:\n .option pop"
                 : "=&r"(link), "=&r"(landed));
    CHECK_EQ(link, landed); /* link = pc+4 */
    /* rd == rs1: the target is computed from the old rs1 value (spec 2.5.1). */
    asm volatile(".option push\n .option norvc\n la %0, 1f\n jalr %0, 0(%0)\n 2: li %0, 0\n j 3f\n 1: la %1, "
                 "2b\n 3:\n .option pop"
                 : "=&r"(link), "=&r"(target));
    CHECK_EQ(link, target);
    /* The target's bit 0 is cleared; the offset is added first. */
    asm volatile(".option push\n .option norvc\n la t0, 1f - 3\n li %0, 0\n jalr x0, 4(t0)\n li %0, 1\n 1:\n "
                 ".option pop"
                 : "=&r"(landed)
                 :
                 : "t0");
    CHECK_EQ(landed, 0);
    /* jal x0 (j) writes nothing. */
    asm volatile(".option push\n .option norvc\n li %0, 7\n jal x0, 1f\n li %0, 8\n 1:\n .option pop"
                 : "=&r"(landed));
    CHECK_EQ(landed, 7);
}

static volatile u64 mem[4] __attribute__((aligned(16)));

static void loads_stores(void) {
    mem[0] = 0x8081828384858687ull;
    mem[1] = 0x7071727374757677ull;
    volatile u8 *b = (volatile u8 *)mem;
    u64 r;
#define LOAD(insn, off)                                                                                      \
    ({                                                                                                       \
        asm volatile(insn " %0, %2(%1)" : "=r"(r) : "r"(b), "i"(off) : "memory");                            \
        r;                                                                                                   \
    })
    CHECK_EQ(LOAD("lb", 0), 0xffffffffffffff87ull);
    CHECK_EQ(LOAD("lb", 8), 0x77);
    CHECK_EQ(LOAD("lbu", 0), 0x87);
    CHECK_EQ(LOAD("lbu", 7), 0x80);
    CHECK_EQ(LOAD("lh", 0), 0xffffffffffff8687ull);
    CHECK_EQ(LOAD("lh", 8), 0x7677);
    CHECK_EQ(LOAD("lhu", 6), 0x8081);
    CHECK_EQ(LOAD("lw", 4), 0xffffffff80818283ull);
    CHECK_EQ(LOAD("lw", 8), 0x74757677);
    CHECK_EQ(LOAD("lwu", 4), 0x80818283ull);
    CHECK_EQ(LOAD("ld", 0), 0x8081828384858687ull);
    CHECK_EQ(LOAD("ld", 8), 0x7071727374757677ull);
    /* Negative offsets. */
    asm volatile("ld %0, -8(%1)" : "=r"(r) : "r"(b + 16) : "memory");
    CHECK_EQ(r, 0x7071727374757677ull);
#define STORE(insn, off, v) asm volatile(insn " %1, %2(%0)" : : "r"(b), "r"((u64)(v)), "i"(off) : "memory")
    mem[2] = 0;
    STORE("sb", 16, 0x1234567890abcdefull);
    CHECK_EQ(mem[2], 0xef);
    STORE("sh", 18, 0x1234567890abcdefull);
    CHECK_EQ(mem[2], 0xcdef00efull);
    STORE("sw", 20, 0x1234567890abcdefull);
    CHECK_EQ(mem[2], 0x90abcdefcdef00efull);
    STORE("sd", 16, 0x1122334455667788ull);
    CHECK_EQ(mem[2], 0x1122334455667788ull);
    STORE("sb", 23, 0xaa);
    CHECK_EQ(mem[2], 0xaa22334455667788ull);
}

static void x0_is_zero(void) {
    u64 r;
    asm volatile("addi x0, x0, 5\n mv %0, x0" : "=r"(r));
    CHECK_EQ(r, 0);
    asm volatile("lui x0, 0x12345\n add %0, x0, x0" : "=r"(r));
    CHECK_EQ(r, 0);
    asm volatile("ld x0, 0(%1)\n mv %0, x0" : "=r"(r) : "r"(mem) : "memory");
    CHECK_EQ(r, 0);
    asm volatile(".option push\n .option norvc\n jal x0, 1f\n 1: mv %0, x0\n .option pop" : "=r"(r));
    CHECK_EQ(r, 0);
}

int main(void) {
    alu_reg_reg();
    alu_reg_imm();
    upper_immediates();
    branches();
    jumps();
    loads_stores();
    x0_is_zero();
    /* fence / fence.i / pause are ordering hints here: they must execute as no-ops. */
    asm volatile("fence\n fence rw, rw\n fence.i\n pause" ::: "memory");
    return 0;
}
