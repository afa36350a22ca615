/* Macros that run one instruction on register operands and yield its result, so a check reads
   `TEST_RR("add", 1, 2, 3)`.  Operands are C constants: the expected values are folded by the
   compiler from the spec's definition, never computed by the instruction under test. */
#ifndef TERN_GUEST_INSN_H
#define TERN_GUEST_INSN_H
#include "harness.h"

#define OP_RR(insn, a, b)                                                                                    \
    ({                                                                                                       \
        u64 r_;                                                                                              \
        asm volatile(insn " %0, %1, %2" : "=r"(r_) : "r"((u64)(a)), "r"((u64)(b)));                          \
        r_;                                                                                                  \
    })
#define OP_RI(insn, a, imm)                                                                                  \
    ({                                                                                                       \
        u64 r_;                                                                                              \
        asm volatile(insn " %0, %1, %2" : "=r"(r_) : "r"((u64)(a)), "i"(imm));                               \
        r_;                                                                                                  \
    })
#define OP_R(insn, a)                                                                                        \
    ({                                                                                                       \
        u64 r_;                                                                                              \
        asm volatile(insn " %0, %1" : "=r"(r_) : "r"((u64)(a)));                                             \
        r_;                                                                                                  \
    })
#define TEST_RR(insn, a, b, exp)   CHECK_EQ(OP_RR(insn, a, b), exp)
#define TEST_RI(insn, a, imm, exp) CHECK_EQ(OP_RI(insn, a, imm), exp)
#define TEST_R(insn, a, exp)       CHECK_EQ(OP_R(insn, a), exp)

#define SEXT32(x) ((u64)(i64)(i32)(u32)(x))
#endif
