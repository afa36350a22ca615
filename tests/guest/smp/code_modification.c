/* Cross-hart code modification (unprivileged spec, "Zifencei": FENCE.I orders a hart's instruction
   fetches after the stores it has observed, including other harts' stores, once they are visible to
   it).  Hart 0 rewrites the immediate of `li a0, N` in a small function, then publishes the round
   (`fence w,w`, then the round number); every hart, having executed the function's old version (so
   it is cached and translated), waits for the round, executes `fence.i` and must see the new value
   at once.  Hart 0 then waits for all harts to acknowledge before the next rewrite. */
#include "smp.h"

#define ROUNDS 300

/* patched_value: `li a0, imm` (addi a0, x0, imm) then `ret`, in .text. */
asm(".pushsection .text\n"
    ".option push\n"
    ".option norvc\n" /* a full 32-bit addi, whatever the immediate */
    ".balign 4\n"
    ".globl patched_value\n"
    "patched_value:\n"
    "  addi a0, x0, 0\n"
    "  ret\n"
    ".option pop\n"
    ".popsection\n");
u64 patched_value(void);
extern u32 patched_insn __asm__("patched_value");

static volatile u64 round_published;
static volatile u64 round_seen[SMP_MAX_HARTS] __attribute__((aligned(64)));

/* addi a0, x0, imm (I-type: imm[11:0] | rs1 | funct3 000 | rd 10 | opcode 0010011). */
static u32 li_a0(u64 imm) { return (u32)((imm & 0xfff) << 20) | (10u << 7) | 0x13u; }

static void fence_i(void) { asm volatile("fence.i" ::: "memory"); }

void smp_main(u64 hart, u64 nharts) {
    for (u64 round = 1; round <= ROUNDS; round++) {
        /* Everybody runs the current version first, so it is cached when it changes. */
        CHECK_EQ(patched_value(), round - 1);
        smp_barrier();
        if (hart == 0) {
            volatile u32* insn = &patched_insn;
            *insn = li_a0(round);
            FENCE(w, w); /* the new instruction before the round number */
            round_published = round;
            fence_i();
        } else {
            SPIN_UNTIL(round_published == round);
            fence_i(); /* our fetches now see hart 0's store */
        }
        CHECK_EQ(patched_value(), round);
        round_seen[hart] = round;
        if (hart == 0)
            for (u64 h = 0; h < nharts; h++) SPIN_UNTIL(round_seen[h] == round);
        smp_barrier();
    }
    if (hart == 0) {
        put_str("code_modification: ");
        put_dec(nharts);
        put_str(" harts x ");
        put_dec(ROUNDS);
        put_str(" rewrites seen after fence.i\n");
    }
}
