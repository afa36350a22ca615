/* Console, exit and trap handling of the guest harness (see harness.h). */
#include "harness.h"

extern volatile u64 tohost, fromhost;

struct trap_record mtrap, strap;
volatile int sstc_in_use;

/* HTIF: device 1 (console), command 1 (putchar); the host clears tohost when it has consumed it. */
void put_char(char c) {
    tohost = (1ull << 56) | (1ull << 48) | (u8)c;
    while (tohost != 0) {
    }
    fromhost = 0;
}

void put_str(const char *s) {
    while (*s)
        put_char(*s++);
}

void put_hex(u64 v) {
    put_str("0x");
    for (int i = 60; i >= 0; i -= 4)
        put_char("0123456789abcdef"[(v >> i) & 0xf]);
}

void put_dec(u64 v) {
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(buf[--n]);
}

_Noreturn void test_exit(u64 code) {
    if (code == 0) {
        put_str("PASS\n");
    } else if ((code & 0xff) == 0) {
        code |= 0xff; /* keep a host exit status (low 8 bits) nonzero */
    }
    for (;;)
        tohost = (code << 1) | 1;
}

_Noreturn void test_fail(u64 line, const char *what) {
    put_str("FAIL line ");
    put_dec(line);
    put_str(": ");
    put_str(what);
    put_char('\n');
    test_exit(line);
}

_Noreturn void test_fail_eq(u64 line, const char *what, u64 got, u64 expected) {
    put_str("FAIL line ");
    put_dec(line);
    put_str(": ");
    put_str(what);
    put_str(" = ");
    put_hex(got);
    put_str(", expected ");
    put_hex(expected);
    put_char('\n');
    test_exit(line);
}

void *memset(void *d, int c, unsigned long n) {
    u8 *p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n) {
    u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
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

void pmp_allow_all(void) {
    csr_write(pmpaddr0, ~0ull);
    csr_write(pmpcfg0, 0x1f); /* A = NAPOT, X, W, R */
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

/* Returns 1 when the trap is the lower-mode function's return (see run_in_mode in start.S). */
u64 m_trap_handler(u64 *frame) {
    u64 cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval), status = csr_read(mstatus);
    if ((cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL) &&
        (epc == (u64)lower_mode_exit + lower_mode_va_offset || epc == (u64)s_forward_exit))
        return 1;
    if (mtrap.expect == 0) unexpected("M", cause, epc, tval);
    mtrap.expect--;
    mtrap.cause = cause;
    mtrap.epc = epc;
    mtrap.tval = tval;
    mtrap.status = status;
    mtrap.prev_mode = (status & MSTATUS_MPP) >> 11;
    mtrap.vector = frame[0];
    if (mtrap.count < 8) mtrap.history[mtrap.count] = cause;
    mtrap.count++;
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
    if (strap.expect == 0) unexpected("S", cause, epc, tval);
    strap.expect--;
    strap.cause = cause;
    strap.epc = epc;
    strap.tval = tval;
    strap.status = status;
    strap.prev_mode = (status & MSTATUS_SPP) >> 8;
    strap.vector = frame[0];
    if (strap.count < 8) strap.history[strap.count] = cause;
    strap.count++;
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
