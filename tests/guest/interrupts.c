/* Interrupts (privileged spec 3.1.9, 3.2.1, 4.1.3, Sstc): machine timer and software interrupts from
   the CLINT, vectored mtvec, delegated supervisor software and timer interrupts, global-enable
   rules per privilege, priority, and WFI wake-up.  Nothing depends on absolute time: each event is
   awaited with a bounded spin that turns "never happened" into a failure. */
#include "insn.h"

#define MCAUSE_IRQ(n) (INTERRUPT_BIT | (n))
#define MENVCFG_STCE  (1ull << 63)

static int wait_mip(u64 bits, u64 want) {
    for (u64 i = 0; i < 50000000; i++)
        if ((csr_read(mip) & bits) == want) return 1;
    return 0;
}

static void arm_mtimer_soon(void) { *CLINT_MTIMECMP = *CLINT_MTIME + 100; }

static void machine_timer(void) {
    csr_write(mie, 0);
    /* MTIP follows mtime >= mtimecmp, whatever the enables. */
    *CLINT_MTIMECMP = 0;
    CHECK(wait_mip(MIP_MTIP, MIP_MTIP));
    *CLINT_MTIMECMP = ~0ull;
    CHECK(wait_mip(MIP_MTIP, 0));
    /* MTIP is read-only in mip. */
    csr_set(mip, MIP_MTIP);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);

    csr_write(mie, MIP_MTIP);
    expect_mtrap();
    arm_mtimer_soon();
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_for_count(&mtrap.count, 1));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_EQ(mtrap.prev_mode, PRV_M);
    /* On the trap: MPIE = old MIE (1), MIE = 0; mtval is zero for interrupts. */
    CHECK_EQ(mtrap.status & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MPIE);
    CHECK_EQ(mtrap.tval, 0);
    /* Masked by mie: pending but not taken. */
    csr_write(mie, 0);
    expect_mtraps(0);
    *CLINT_MTIMECMP = 0;
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_mip(MIP_MTIP, MIP_MTIP));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_NO_MTRAP();
    *CLINT_MTIMECMP = ~0ull;
}

static void machine_software(void) {
    csr_write(mie, 0);
    *CLINT_MSIP = 1;
    CHECK(wait_mip(MIP_MSIP, MIP_MSIP));
    *CLINT_MSIP = 0;
    CHECK(wait_mip(MIP_MSIP, 0));
    csr_write(mie, MIP_MSIP);
    expect_mtrap();
    *CLINT_MSIP = 1;
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_for_count(&mtrap.count, 1));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(*CLINT_MSIP, 0); /* the handler cleared it */
    csr_write(mie, 0);
}

static void vectored(void) {
    csr_write(mtvec, (u64)mtvec_vector_table | 1);
    csr_write(mie, MIP_MTIP | MIP_MSIP);
    /* Interrupt i enters at BASE + 4*i. */
    expect_mtrap();
    arm_mtimer_soon();
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_for_count(&mtrap.count, 1));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_EQ(mtrap.vector, IRQ_M_TIMER);
    expect_mtrap();
    *CLINT_MSIP = 1;
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_for_count(&mtrap.count, 1));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(mtrap.vector, IRQ_M_SOFT);
    /* Exceptions enter at BASE. */
    expect_mtrap();
    asm volatile("ecall");
    CHECK_MTRAP(CAUSE_MACHINE_ECALL);
    CHECK_EQ(mtrap.vector, ~0ull);
    csr_write(mtvec, (u64)trap_entry);
    csr_write(mie, 0);
}

static void priority(void) {
    /* Simultaneously pending: MEI > MSI > MTI > SEI > SSI > STI (3.1.9). */
    csr_write(mideleg, 0);
    csr_write(mie, MIP_MSIP | MIP_MTIP | MIP_SSIP);
    *CLINT_MTIMECMP = 0;
    csr_set(mip, MIP_SSIP);
    *CLINT_MSIP = 1;
    CHECK(wait_mip(MIP_MSIP | MIP_MTIP | MIP_SSIP, MIP_MSIP | MIP_MTIP | MIP_SSIP));
    expect_mtraps(3);
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_for_count(&mtrap.count, 3));
    csr_clear(mstatus, MSTATUS_MIE);
    mtrap.expect = 0;
    CHECK_EQ(mtrap.count, 3);
    /* QEMU 7.2 takes the lowest-numbered pending interrupt first. */
    CHECK_QEMU_DEVIATES(mtrap.history[0] == MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_QEMU_DEVIATES(mtrap.history[1] == MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_QEMU_DEVIATES(mtrap.history[2] == MCAUSE_IRQ(IRQ_S_SOFT));
    csr_write(mie, 0);
}

static u64 wait_m_trap(u64 n) { return wait_for_count(&mtrap.count, n); }
static u64 wait_s_trap(u64 n) { return wait_for_count(&strap.count, n); }
static u64 enable_sie_and_wait(u64 n) {
    csr_set(sstatus, MSTATUS_SIE);
    u64 ok = wait_for_count(&strap.count, n);
    csr_clear(sstatus, MSTATUS_SIE);
    return ok;
}

static void privilege_enables(void) {
    /* M-level interrupts are always enabled below M, whatever mstatus.MIE (3.1.6.1). */
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIP_MSIP);
    expect_mtrap();
    *CLINT_MSIP = 1;
    CHECK_EQ(run_in_mode(PRV_S, wait_m_trap, 1), 1);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(mtrap.prev_mode, PRV_S);
    expect_mtrap();
    *CLINT_MSIP = 1;
    CHECK_EQ(run_in_mode(PRV_U, wait_m_trap, 1), 1);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(mtrap.prev_mode, PRV_U);
    csr_write(mie, 0);

    /* Delegated supervisor software interrupt, raised by M writing mip.SSIP. */
    csr_write(mideleg, MIP_SSIP);
    csr_write(mie, MIP_SSIP);
    csr_set(mip, MIP_SSIP);
    CHECK(csr_read(sip) & MIP_SSIP);
    /* In M a delegated interrupt is never taken. */
    expect_mtraps(0);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 1000; i++) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_NO_MTRAP();
    /* In S it waits for sstatus.SIE. */
    expect_straps(1);
    CHECK_EQ(run_in_mode(PRV_S, enable_sie_and_wait, 1), 1);
    CHECK_STRAP(MCAUSE_IRQ(IRQ_S_SOFT));
    CHECK_EQ(strap.prev_mode, PRV_S);
    CHECK_EQ(strap.status & (MSTATUS_SIE | MSTATUS_SPIE), MSTATUS_SPIE);
    CHECK_EQ(csr_read(mip) & MIP_SSIP, 0);
    /* In U it is taken even with SIE = 0. */
    csr_clear(mstatus, MSTATUS_SIE);
    csr_set(mip, MIP_SSIP);
    expect_straps(1);
    CHECK_EQ(run_in_mode(PRV_U, wait_s_trap, 1), 1);
    CHECK_STRAP(MCAUSE_IRQ(IRQ_S_SOFT));
    CHECK_EQ(strap.prev_mode, PRV_U);
    /* S software can raise its own SSIP through sip. */
    csr_clear(mip, MIP_SSIP);
    csr_set(sip, MIP_SSIP);
    CHECK(csr_read(mip) & MIP_SSIP);
    csr_clear(sip, MIP_SSIP);
    csr_write(mideleg, 0);
    csr_write(mie, 0);
}

static void wfi_wakeup(void) {
    /* WFI resumes when an interrupt enabled in mie is pending, even with MIE = 0 (3.3.3); no trap. */
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIP_MTIP);
    expect_mtraps(0);
    arm_mtimer_soon();
    for (u64 i = 0; i < 1000000 && !(csr_read(mip) & MIP_MTIP); i++)
        asm volatile("wfi");
    CHECK(csr_read(mip) & MIP_MTIP);
    CHECK_NO_MTRAP();
    *CLINT_MTIMECMP = ~0ull;
    /* With MIE = 1 the interrupt is taken after the WFI. */
    expect_mtrap();
    arm_mtimer_soon();
    csr_set(mstatus, MSTATUS_MIE);
    for (u64 i = 0; i < 1000000 && mtrap.count == 0; i++)
        asm volatile("wfi");
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_M_TIMER));
    csr_write(mie, 0);
}

static u64 s_arm_stimer(u64 unused) {
    (void)unused;
    csr_set(sie, MIP_STIP);
    csr_write(CSR_STIMECMP, csr_read(time) + 100);
    csr_set(sstatus, MSTATUS_SIE);
    u64 ok = wait_for_count(&strap.count, 1);
    csr_clear(sstatus, MSTATUS_SIE);
    return ok;
}

static void supervisor_timer_sstc(void) {
    /* Sstc: with menvcfg.STCE, STIP reflects time >= stimecmp and is read-only in mip. */
    csr_set(CSR_MENVCFG, MENVCFG_STCE);
    CHECK(csr_read(CSR_MENVCFG) & MENVCFG_STCE);
    sstc_in_use = 1;
    csr_write(CSR_STIMECMP, 0);
    CHECK(wait_mip(MIP_STIP, MIP_STIP));
    csr_write(CSR_STIMECMP, ~0ull);
    CHECK(wait_mip(MIP_STIP, 0));
    csr_set(mip, MIP_STIP);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    /* Delegated to S and armed from S (needs mcounteren.TM for time and stimecmp). */
    csr_write(mcounteren, 2);
    csr_write(mideleg, MIP_STIP);
    expect_straps(1);
    CHECK_EQ(run_in_mode(PRV_S, s_arm_stimer, 0), 1);
    CHECK_STRAP(MCAUSE_IRQ(IRQ_S_TIMER));
    CHECK_EQ(strap.prev_mode, PRV_S);
    /* Not delegated: taken in M. */
    csr_write(mideleg, 0);
    csr_write(mie, MIP_STIP);
    expect_mtrap();
    csr_write(CSR_STIMECMP, 0);
    csr_set(mstatus, MSTATUS_MIE);
    CHECK(wait_for_count(&mtrap.count, 1));
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_MTRAP(MCAUSE_IRQ(IRQ_S_TIMER));
    /* Without STCE, stimecmp is not accessible from S. */
    csr_clear(CSR_MENVCFG, MENVCFG_STCE);
    expect_mtrap();
    run_in_mode(PRV_S, s_arm_stimer, 0);
    mtrap.expect = 0;
    CHECK(mtrap.count >= 1);
    CHECK_EQ(mtrap.history[0], CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(mie, 0);
    csr_write(mcounteren, 0);
}

int main(void) {
    machine_timer();
    machine_software();
    vectored();
    priority();
    privilege_enables();
    wfi_wakeup();
    /* QEMU 7.2's spike machine has no time CSR, and so no Sstc. */
    if (QEMU_RELAXED)
        put_str("WARN known QEMU deviation: Sstc checks skipped\n");
    else
        supervisor_timer_sstc();
    return 0;
}
