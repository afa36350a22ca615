/* Runtime of the multi-hart guest programs: hart count, barriers, failure reporting and trap
   dispatch (see smp.h). */
#include "smp.h"

extern volatile u32 smp_boot_flag;
extern char smp_s_exit[];

static volatile u64 nharts;

/* Sense-reversing barrier: the last hart to arrive resets the count and bumps the generation. */
static volatile u32 barrier_count;
static volatile u32 barrier_generation;

/* The first failure on any hart; hart 0 prints it. */
enum failure_kind { FAIL_CHECK, FAIL_CHECK_EQ, FAIL_TRAP };
static struct {
    volatile u32 claimed;
    volatile u32 ready;
    u64 hart, line, kind, got, expected, extra;
    const char* what;
} failure;

u64 smp_nharts(void) { return nharts; }

/* ---- device tree (Devicetree Specification 5: flattened format, big-endian) ---- */
#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static u32 be32(const u8* p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }
static u64 align4(u64 n) { return (n + 3) & ~3ull; }
static int str_eq(const char* a, const char* b) {
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}
static int starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}
static u64 str_len(const char* s) {
    u64 n = 0;
    while (s[n])
        n++;
    return n;
}

/* The number of /cpus/cpu@N nodes, or 0 if the blob is not a device tree. */
static u64 count_cpus(const u8* fdt) {
    if (!fdt || be32(fdt) != FDT_MAGIC) return 0;
    const u8* p = fdt + be32(fdt + 8); /* off_dt_struct */
    u64 depth = 0, cpus = 0;
    int in_cpus = 0;
    for (;;) {
        u32 token = be32(p);
        p += 4;
        switch (token) {
        case FDT_BEGIN_NODE: {
            const char* name = (const char*)p;
            p += align4(str_len(name) + 1);
            depth++; /* the root node is depth 1 */
            if (depth == 2 && str_eq(name, "cpus")) in_cpus = 1;
            if (depth == 3 && in_cpus && starts_with(name, "cpu@")) cpus++;
            break;
        }
        case FDT_END_NODE:
            if (depth == 2) in_cpus = 0;
            depth--;
            break;
        case FDT_PROP: p += 8 + align4(be32(p)); break;
        case FDT_NOP: break;
        case FDT_END: return cpus;
        default: return 0;
        }
    }
}

/* Hart 0, after clearing .bss: count the harts, then release the others (start.S). */
void smp_boot(const u8* fdt) {
    nharts = count_cpus(fdt);
    CHECK(nharts >= 1 && nharts <= SMP_MAX_HARTS);
    FENCE(rw, w); /* release: .bss clear and hart count before the flag */
    smp_boot_flag = 1;
}

/* ---- failures ---- */
static _Noreturn void park(void) {
    for (;;)
        asm volatile("wfi");
}

static _Noreturn void report(void) {
    SPIN_UNTIL(failure.ready); /* another hart may still be filling the record */
    FENCE(r, r);
    put_str("hart ");
    put_dec(failure.hart);
    put_str(": ");
    if (failure.kind == FAIL_TRAP) {
        put_str("FAIL unexpected trap: cause ");
        put_hex(failure.got);
        put_str(" epc ");
        put_hex(failure.expected);
        put_str(" tval ");
        put_hex(failure.extra);
        put_char('\n');
    } else {
        put_failure(failure.line, failure.what, failure.kind == FAIL_CHECK_EQ, failure.got, failure.expected);
    }
    test_exit(failure.line);
}

void smp_poll(void) {
    if (!failure.ready) return;
    if (smp_hart() == 0) report();
    park();
}

static _Noreturn void fail(u64 line, const char* what, u64 kind, u64 got, u64 expected, u64 extra) {
    u32 was_claimed;
    asm volatile("amoswap.w.aqrl %0, %2, (%1)"
                 : "=r"(was_claimed)
                 : "r"(&failure.claimed), "r"(1)
                 : "memory");
    if (!was_claimed) {
        failure.hart = smp_hart();
        failure.line = line;
        failure.what = what;
        failure.kind = kind;
        failure.got = got;
        failure.expected = expected;
        failure.extra = extra;
        FENCE(rw, w);
        failure.ready = 1;
        /* Wake hart 0 should it wait in WFI for this hart (interrupt handlers poll). */
        FENCE(rw, o);
        if (smp_hart() != 0) CLINT_MSIP[0] = 1;
    }
    if (smp_hart() == 0) report();
    park();
}

_Noreturn void test_fail(u64 line, const char* what) { fail(line, what, FAIL_CHECK, 0, 0, 0); }
_Noreturn void test_fail_eq(u64 line, const char* what, u64 got, u64 expected) {
    fail(line, what, FAIL_CHECK_EQ, got, expected, 0);
}

/* ---- barrier ---- */
void smp_barrier(void) {
    u32 generation = barrier_generation;
    u32 arrived;
    FENCE(rw, rw);
    asm volatile("amoadd.w.aqrl %0, %2, (%1)" : "=r"(arrived) : "r"(&barrier_count), "r"(1) : "memory");
    if (arrived + 1 == nharts) {
        barrier_count = 0;
        FENCE(rw, w);
        barrier_generation = generation + 1;
    } else {
        SPIN_UNTIL(barrier_generation != generation);
    }
    FENCE(rw, rw);
}

/* ---- IPIs ---- */
void smp_send_ipi(u64 hart) {
    FENCE(rw, o); /* the message in memory is visible before the interrupt */
    CLINT_MSIP[hart] = 1;
}

void smp_clear_own_ipi(void) {
    CLINT_MSIP[smp_hart()] = 0;
    FENCE(o, rw); /* cleared before whatever the handler does next (a reply may provoke a new IPI) */
}

/* ---- per-hart entry and traps ---- */
_Noreturn void smp_hart_entry(u64 hart) {
    /* PMP: S/U accesses with no matching entry fail (privileged spec 3.7.1); each hart has its own. */
    pmp_allow_all();
    CHECK(hart < nharts);
    smp_barrier(); /* start-up: every hart is set up before any program code runs */
    smp_main(hart, nharts);
    smp_barrier(); /* every hart is done */
    if (hart == 0) test_exit(0);
    park();
}

static _Noreturn void unexpected_trap(u64 cause, u64 epc, u64 tval) {
    fail(250, "", FAIL_TRAP, cause, epc, tval);
}

/* Returns 1 for the ecall that ends smp_run_in_s. */
u64 smp_m_trap(u64* frame) {
    (void)frame;
    u64 cause = csr_read(mcause), epc = csr_read(mepc);
    if (cause == CAUSE_SUPERVISOR_ECALL && epc == (u64)smp_s_exit) return 1;
    if (cause & INTERRUPT_BIT) {
        smp_poll();
        if (smp_m_interrupt) {
            smp_m_interrupt(cause & ~INTERRUPT_BIT);
            return 0;
        }
    }
    unexpected_trap(cause, epc, csr_read(mtval));
}

void smp_s_trap(u64* frame) {
    (void)frame;
    u64 cause = csr_read(scause);
    if ((cause & INTERRUPT_BIT) && smp_s_interrupt) {
        smp_s_interrupt(cause & ~INTERRUPT_BIT);
        return;
    }
    unexpected_trap(cause, csr_read(sepc), csr_read(stval));
}
