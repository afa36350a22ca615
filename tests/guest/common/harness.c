/* Failure exit and trap handling of the single-hart guest harness (see harness.h; the console,
   exit and memory helpers are in support.c). */
#include "harness.h"

struct trap_record mtrap, strap;
volatile int sstc_in_use;

_Noreturn void test_fail(u64 line, const char *what) {
    put_failure(line, what, 0, 0, 0);
    test_exit(line);
}

_Noreturn void test_fail_eq(u64 line, const char *what, u64 got, u64 expected) {
    put_failure(line, what, 1, got, expected);
    test_exit(line);
}

static void reset_record(struct trap_record *r, u64 n) {
    r->count = 0;
    r->cause = ~0ull;
    r->epc = r->tval = r->prev_mode = r->status = r->vector = ~0ull;
    r->expect = n;
    barrier();
}

void expect_mtraps(u64 n) { reset_record(&mtrap, n); }
void expect_straps(u64 n) { reset_record(&strap, n); }

int wait_for_count(volatile u64 *counter, u64 n) {
    for (u64 spins = 0; spins < 50000000; spins++)
        if (*counter >= n) return 1;
    return *counter >= n;
}

void harness_init(void) { pmp_allow_all(); }

/* Length of the instruction at pc: 16-bit unless its low two bits are 11 (unprivileged spec 1.5). */
static u64 insn_length(u64 pc) { return (*(volatile u16 *)pc & 3) == 3 ? 4 : 2; }

static int is_fetch_fault(u64 cause) {
    return cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS || cause == CAUSE_FETCH_PAGE_FAULT;
}

static _Noreturn void unexpected(const char *who, u64 cause, u64 epc, u64 tval) {
    put_str("FAIL unexpected trap in ");
    put_str(who);
    put_str(": cause ");
    put_hex(cause);
    put_str(" epc ");
    put_hex(epc);
    put_str(" tval ");
    put_hex(tval);
    put_char('\n');
    test_exit(250);
}

static void silence_interrupt(u64 irq) {
    switch (irq) {
    case IRQ_M_TIMER: *CLINT_MTIMECMP = ~0ull; break;
    case IRQ_M_SOFT: *CLINT_MSIP = 0; break;
    case IRQ_S_SOFT: csr_clear(mip, MIP_SSIP); break;
    case IRQ_S_TIMER:
        if (sstc_in_use) csr_write(CSR_STIMECMP, ~0ull);
        csr_clear(mip, MIP_STIP);
        break;
    default: break;
    }
}

/* Records an expected trap for the test to check; an unexpected one ends the test. */
static void record_trap(struct trap_record *r, const char *mode, u64 cause, u64 epc, u64 tval, u64 status,
                        u64 prev_mode, u64 vector) {
    if (r->expect == 0) unexpected(mode, cause, epc, tval);
    r->expect--;
    r->cause = cause;
    r->epc = epc;
    r->tval = tval;
    r->status = status;
    r->prev_mode = prev_mode;
    r->vector = vector;
    if (r->count < 8) r->history[r->count] = cause;
    r->count++;
}

/* Returns 1 when the trap is the lower-mode function's return (see run_in_mode in start.S). */
u64 m_trap_handler(u64 *frame) {
    u64 cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval), status = csr_read(mstatus);
    if ((cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL) &&
        (epc == (u64)lower_mode_exit + lower_mode_va_offset || epc == (u64)s_forward_exit))
        return 1;
    record_trap(&mtrap, "M", cause, epc, tval, status, (status & MSTATUS_MPP) >> 11, frame[0]);
    if (cause & INTERRUPT_BIT) {
        silence_interrupt(cause & ~INTERRUPT_BIT);
    } else if (mtrap.resume) {
        csr_write(mepc, mtrap.resume);
        mtrap.resume = 0;
    } else if (is_fetch_fault(cause)) {
        csr_write(mepc, frame[1]);
    } else {
        csr_write(mepc, epc + insn_length(epc));
    }
    return 0;
}

void s_trap_handler(u64 *frame) {
    u64 cause = csr_read(scause), epc = csr_read(sepc), tval = csr_read(stval), status = csr_read(sstatus);
    if (cause == CAUSE_USER_ECALL && epc == (u64)lower_mode_exit + lower_mode_va_offset)
        s_forward_exit(frame[10]);
    record_trap(&strap, "S", cause, epc, tval, status, (status & MSTATUS_SPP) >> 8, frame[0]);
    if (cause & INTERRUPT_BIT) {
        u64 irq = cause & ~INTERRUPT_BIT;
        if (irq == IRQ_S_SOFT) csr_clear(sip, MIP_SSIP);
        if (irq == IRQ_S_TIMER) csr_write(CSR_STIMECMP, ~0ull);
    } else if (strap.resume) {
        csr_write(sepc, strap.resume);
        strap.resume = 0;
    } else if (is_fetch_fault(cause)) {
        csr_write(sepc, frame[1]);
    } else {
        /* The faulting code may be on a U page (paging tests): read it with SUM set. */
        u64 sum = csr_read(sstatus) & MSTATUS_SUM;
        csr_set(sstatus, MSTATUS_SUM);
        u64 len = insn_length(epc);
        if (!sum) csr_clear(sstatus, MSTATUS_SUM);
        csr_write(sepc, epc + len);
    }
}
