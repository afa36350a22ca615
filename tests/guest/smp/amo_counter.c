/* Shared counters incremented by every hart with amoadd.w and amoadd.d (unprivileged spec, "A"
   extension, AMOs): the final values are exact, and each hart sees its own AMOs' old values grow by
   at least its own increment, since every other hart only adds.  All four aq/rl orderings are used. */
#include "smp.h"

#define ITERATIONS 20000
/* Hart h adds h + 1 to the word counter and (h + 1) * D_STEP to the doubleword counter: D_STEP
   carries into the upper half, so a 32-bit-wide amoadd.d would be caught. */
#define D_STEP 0x0000000100000001ull
/* Start the word counter so that it crosses 0x80000000: amoadd.w's old value is sign-extended. */
#define W_START 0x7ffff000u

static volatile u32 counter_w = W_START;
static volatile u64 counter_d;

#define AMOADD(insn, addr, value)                                                                            \
    ({                                                                                                       \
        u64 old_;                                                                                            \
        asm volatile(insn " %0, %2, (%1)" : "=r"(old_) : "r"(addr), "r"((u64)(value)) : "memory");           \
        old_;                                                                                                \
    })

static u64 amoadd_w(unsigned ordering, u32 value) {
    switch (ordering) {
    case 0: return AMOADD("amoadd.w", &counter_w, value);
    case 1: return AMOADD("amoadd.w.aq", &counter_w, value);
    case 2: return AMOADD("amoadd.w.rl", &counter_w, value);
    default: return AMOADD("amoadd.w.aqrl", &counter_w, value);
    }
}

static u64 amoadd_d(unsigned ordering, u64 value) {
    switch (ordering) {
    case 0: return AMOADD("amoadd.d", &counter_d, value);
    case 1: return AMOADD("amoadd.d.aq", &counter_d, value);
    case 2: return AMOADD("amoadd.d.rl", &counter_d, value);
    default: return AMOADD("amoadd.d.aqrl", &counter_d, value);
    }
}

void smp_main(u64 hart, u64 nharts) {
    const u32 step_w = (u32)(hart + 1);
    const u64 step_d = (hart + 1) * D_STEP;
    u64 previous_w = 0, previous_d = 0;
    for (u64 i = 0; i < ITERATIONS; i++) {
        u64 old_w = amoadd_w(i & 3, step_w);
        u64 old_d = amoadd_d((i >> 2) & 3, step_d);
        /* rd gets the old word sign-extended to 64 bits (spec: AMOs on words sign-extend). */
        CHECK_EQ(old_w, (u64)(i64)(i32)(u32)old_w);
        u32 w = (u32)old_w;
        CHECK(w >= W_START);
        if (i > 0) {
            CHECK(w - W_START >= (previous_w - W_START) + step_w);
            CHECK(old_d >= previous_d + step_d);
        }
        previous_w = w;
        previous_d = old_d;
    }
    smp_barrier();
    if (hart == 0) {
        const u64 sum_of_steps = nharts * (nharts + 1) / 2; /* harts add 1, 2, ..., nharts */
        put_str("amo_counter: ");
        put_dec(nharts);
        put_str(" harts x ");
        put_dec(ITERATIONS);
        put_str(" iterations: word ");
        put_hex(counter_w);
        put_str(", doubleword ");
        put_hex(counter_d);
        put_char('\n');
        CHECK_EQ(counter_w, (u32)(W_START + ITERATIONS * sum_of_steps));
        CHECK_EQ(counter_d, ITERATIONS * sum_of_steps * D_STEP);
    }
}
