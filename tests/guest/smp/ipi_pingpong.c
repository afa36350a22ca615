/* Inter-processor interrupts through the CLINT's msip registers (privileged spec 3.1.9: MSIP in mip
   mirrors the hart's memory-mapped msip bit).  Each interrupted hart takes a machine software
   interrupt, clears its own msip (mip.MSIP must then read 0), and replies.
   Phase 1, ping-pong: hart 0 pings hart 1..N-1 in turn, each ping answered by an IPI back to hart 0
   before the next is sent.  Phase 2, ring: one token travels 0 -> 1 -> ... -> N-1 -> 0; each hart
   checks the token's value on every arrival.  Every count is checked exactly.  Harts wait in WFI
   with mstatus.MIE clear around the test of their condition, so no interrupt is lost between the
   test and the WFI (WFI wakes on a pending interrupt enabled in mie regardless of mstatus.MIE). */
#include "smp.h"

#define PINGS 300 /* per secondary hart, phase 1 */
#define LAPS  300 /* phase 2 */

enum { PHASE_PING = 1, PHASE_RING = 2 };
static volatile u64 phase;
static volatile u64 pings_received[SMP_MAX_HARTS];
static volatile u64 replies_received; /* hart 0, phase 1 */
static volatile u64 tokens_received[SMP_MAX_HARTS];
static volatile u64 token; /* how many hops the token has made */
static volatile u64 total_hops;

void smp_m_interrupt(u64 irq) {
    const u64 hart = smp_hart(), nharts = smp_nharts();
    CHECK_EQ(irq, IRQ_M_SOFT);
    smp_clear_own_ipi();
    CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
    if (phase == PHASE_PING) {
        if (hart == 0) {
            replies_received++;
        } else {
            pings_received[hart]++;
            smp_send_ipi(0);
        }
    } else {
        CHECK_EQ(phase, PHASE_RING);
        /* Hart h receives hops h-1, h-1+N, h-1+2N, ... (hart 0: N-1, 2N-1, ...). */
        const u64 hop = token;
        CHECK_EQ(hop, tokens_received[hart] * nharts + (hart + nharts - 1) % nharts);
        tokens_received[hart]++;
        token = hop + 1;
        if (hop + 1 < total_hops) smp_send_ipi((hart + 1) % nharts);
    }
}

/* Sleep until *count reaches n, taking interrupts only between the test and the next WFI. */
static void wait_with_interrupts(volatile u64* count, u64 n) {
    for (;;) {
        csr_clear(mstatus, MSTATUS_MIE);
        if (*count >= n) break;
        smp_poll();
        asm volatile("wfi");
        csr_set(mstatus, MSTATUS_MIE); /* a pending MSI is taken here */
    }
}

void smp_main(u64 hart, u64 nharts) {
    csr_set(mie, MIP_MSIP);
    if (hart == 0) {
        phase = PHASE_PING;
        total_hops = LAPS * nharts;
    }
    smp_barrier();

    if (hart == 0) {
        u64 sent = 0;
        for (u64 i = 0; i < PINGS; i++)
            for (u64 h = 1; h < nharts; h++) {
                smp_send_ipi(h);
                wait_with_interrupts(&replies_received, ++sent);
                CHECK_EQ(pings_received[h], i + 1);
            }
    } else {
        wait_with_interrupts(&pings_received[hart], PINGS);
    }
    smp_barrier();
    CHECK_EQ(pings_received[hart], hart == 0 ? 0 : PINGS);

    if (hart == 0) {
        CHECK_EQ(replies_received, PINGS * (nharts - 1));
        phase = PHASE_RING;
    }
    smp_barrier();
    if (hart == 0) smp_send_ipi(1);
    wait_with_interrupts(&tokens_received[hart], LAPS);
    smp_barrier();

    csr_clear(mie, MIP_MSIP);
    CHECK_EQ(CLINT_MSIP[hart], 0);
    if (hart == 0) {
        CHECK_EQ(token, total_hops);
        for (u64 h = 0; h < nharts; h++)
            CHECK_EQ(tokens_received[h], LAPS);
        put_str("ipi_pingpong: ");
        put_dec(nharts);
        put_str(" harts: ");
        put_dec(replies_received);
        put_str(" pings answered, token made ");
        put_dec(token);
        put_str(" hops\n");
    }
}
