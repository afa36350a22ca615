/* Runtime of the multi-hart guest programs (see README.md).
 *
 * Every hart enters _start (smp/start.S) in M-mode; hart 0 clears .bss, counts the harts in the
 * device tree and releases the others; after a start-up barrier every hart runs
 * smp_main(hart, nharts).  When all have returned (a final barrier) hart 0 alone reports through
 * HTIF.  A failing CHECK on any hart records the failure (the first one wins) and parks that hart;
 * hart 0 notices it in its waits (SPIN_UNTIL, barriers, interrupts) and reports it: only hart 0
 * ever writes tohost.  No program depends on timing or on how the harts are scheduled. */
#ifndef TERN_GUEST_SMP_H
#define TERN_GUEST_SMP_H

#define SMP_MAX_HARTS 8
/* Per-hart area: [0, 0x100) the M context of smp_run_in_s, then stacks (tops given). */
#define SMP_HART_AREA       0x8000
#define SMP_M_STACK_TOP     0x4000
#define SMP_S_STACK_TOP     0x6000
#define SMP_MTRAP_STACK_TOP 0x7000
#define SMP_STRAP_STACK_TOP 0x8000

#ifndef __ASSEMBLER__
#include "harness.h"

/* Provided by each program; runs on every hart after the start-up barrier. */
void smp_main(u64 hart, u64 nharts);

/* Interrupt handlers a program may define (irq = cause without the interrupt bit).  Without one,
   an interrupt in that mode is an unexpected trap. */
void smp_m_interrupt(u64 irq) __attribute__((weak));
void smp_s_interrupt(u64 irq) __attribute__((weak));

/* This hart's id: mhartid, kept in tp so S-mode code can read it too. */
static inline u64 smp_hart(void) {
    u64 t;
    asm volatile("mv %0, tp" : "=r"(t));
    return t;
}
u64 smp_nharts(void);

/* Every hart waits until all have arrived. */
void smp_barrier(void);
/* Called in every wait: once some hart has failed, hart 0 reports it and the others park. */
void smp_poll(void);
#define SPIN_UNTIL(cond)                                                                                     \
    do {                                                                                                     \
        while (!(cond)) {                                                                                    \
            smp_poll();                                                                                      \
            asm volatile("pause" ::: "memory");                                                              \
        }                                                                                                    \
    } while (0)

/* Memory-ordering fences (unprivileged spec 2.7): FENCE(rw, rw), FENCE(w, w), FENCE(iorw, iorw)... */
#define FENCE(pred, succ) asm volatile("fence " #pred ", " #succ ::: "memory")

/* CLINT software interrupts (msip, one word per hart). */
void smp_send_ipi(u64 hart);
void smp_clear_own_ipi(void);

/* Run fn(arg) in S-mode on this hart's S stack and return its result in M-mode (it returns through
   an ecall the M handler recognises). */
u64 smp_run_in_s(u64 (*fn)(u64), u64 arg);
#endif

#endif
