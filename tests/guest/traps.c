/* Synchronous traps (privileged spec 3.1.14-3.1.20, 3.3, 4.1): causes and xtval, delegation to S,
   xRET state transitions, and the TSR/TW/TVM traps. */
#include "insn.h"

#define ILLEGAL_CSRW_CYCLE 0xc0001073u   /* csrrw x0, cycle, x0: writes a read-only CSR */
#define UNMAPPED           0x40000000ull /* no memory or device here on either platform */

static void illegal_instruction(void) {
    u64 at;
    expect_mtrap();
    asm volatile(".option push\n .option norvc\n la %0, 1f\n 1: .word 0xc0001073\n .option pop" : "=r"(at));
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(mtrap.epc, at);
    CHECK_EQ(mtrap.tval, ILLEGAL_CSRW_CYCLE); /* mtval = the instruction bits */
    CHECK_EQ(mtrap.prev_mode, PRV_M);
    /* A reserved 16-bit encoding (c.addi4spn with nzuimm = 0): mtval holds just those 16 bits. */
    expect_mtrap();
    asm volatile("la %0, 1f\n 1: .half 0x0004" : "=r"(at));
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(mtrap.epc, at);
    CHECK_EQ(mtrap.tval, 0x0004);
    /* An unassigned major opcode (custom-0 with all-ones fields is not implemented). */
    expect_mtrap();
    asm volatile(".option push\n .option norvc\n la %0, 1f\n 1: .word 0xffffe00b\n .option pop" : "=r"(at));
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(mtrap.tval, 0xffffe00bu);
}

static u64 do_ecall(u64 unused) {
    (void)unused;
    asm volatile("ecall");
    return 0;
}
static u64 do_ebreak(u64 unused) {
    (void)unused;
    asm volatile("ebreak");
    return 0;
}

static void environment_calls(void) {
    u64 at;
    expect_mtrap();
    asm volatile(".option push\n .option norvc\n la %0, 1f\n 1: ecall\n .option pop" : "=r"(at));
    CHECK_MTRAP(CAUSE_MACHINE_ECALL);
    CHECK_EQ(mtrap.epc, at); /* epc = the ecall itself, not the next instruction */
    CHECK_EQ(mtrap.tval, 0);
    expect_mtrap();
    run_in_mode(PRV_S, do_ecall, 0);
    CHECK_MTRAP(CAUSE_SUPERVISOR_ECALL);
    CHECK_EQ(mtrap.prev_mode, PRV_S);
    expect_mtrap();
    run_in_mode(PRV_U, do_ecall, 0);
    CHECK_MTRAP(CAUSE_USER_ECALL);
    CHECK_EQ(mtrap.prev_mode, PRV_U);
    expect_mtrap();
    asm volatile(".option push\n .option norvc\n la %0, 1f\n 1: ebreak\n .option pop" : "=r"(at));
    CHECK_MTRAP(CAUSE_BREAKPOINT);
    CHECK_EQ(mtrap.epc, at);
    expect_mtrap();
    run_in_mode(PRV_U, do_ebreak, 0);
    CHECK_MTRAP(CAUSE_BREAKPOINT);
    CHECK_EQ(mtrap.prev_mode, PRV_U);
}

static void access_faults(void) {
    expect_mtrap();
    (void)*(volatile u64 *)UNMAPPED;
    CHECK_MTRAP(CAUSE_LOAD_ACCESS);
    CHECK_EQ(mtrap.tval, UNMAPPED);
    expect_mtrap();
    *(volatile u32 *)(UNMAPPED + 8) = 1;
    CHECK_MTRAP(CAUSE_STORE_ACCESS);
    CHECK_EQ(mtrap.tval, UNMAPPED + 8);
    /* Fetch: the handler resumes at the caller's ra. */
    expect_mtrap();
    asm volatile("jalr %0" : : "r"(UNMAPPED + 0x100) : "ra", "memory");
    CHECK_MTRAP(CAUSE_FETCH_ACCESS);
    CHECK_EQ(mtrap.epc, UNMAPPED + 0x100);
    CHECK_EQ(mtrap.tval, UNMAPPED + 0x100);
}

/* Emitted once (noinline), so the global label names the one faulting instruction. */
extern char illegal_fn_insn[];
static __attribute__((noinline)) u64 illegal_fn(u64 unused) {
    (void)unused;
    asm volatile(".option push\n .option norvc\n .globl illegal_fn_insn\n illegal_fn_insn: .word 0xc0001073\n"
                 " .option pop");
    return 7;
}
static u64 ecall_fn(u64 v) {
    register u64 a0 asm("a0") = v;
    asm volatile("ecall" : "+r"(a0));
    return a0 + 1;
}

static void delegation(void) {
    csr_write(medeleg, (1ull << CAUSE_ILLEGAL_INSTRUCTION) | (1ull << CAUSE_USER_ECALL));
    /* From U: taken in S with scause/sepc/stval; SPP = U. */
    expect_straps(1);
    expect_mtraps(0);
    csr_set(mstatus, MSTATUS_SIE);
    CHECK_EQ(run_in_mode(PRV_U, illegal_fn, 0), 7);
    CHECK_NO_MTRAP();
    CHECK_STRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(strap.tval, ILLEGAL_CSRW_CYCLE);
    CHECK_EQ(strap.prev_mode, PRV_U);
    CHECK_EQ(strap.epc, (u64)illegal_fn_insn);
    /* Entering S cleared SIE after saving it in SPIE (4.1.1). */
    CHECK_EQ(strap.status & (MSTATUS_SIE | MSTATUS_SPIE), MSTATUS_SPIE);
    /* From S: taken in S, SPP = S. */
    expect_straps(1);
    run_in_mode(PRV_S, illegal_fn, 0);
    CHECK_STRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(strap.prev_mode, PRV_S);
    CHECK_EQ(strap.epc, (u64)illegal_fn_insn);
    /* A delegated U ecall goes to S. */
    expect_straps(1);
    CHECK_EQ(run_in_mode(PRV_U, ecall_fn, 41), 42);
    CHECK_STRAP(CAUSE_USER_ECALL);
    /* Traps in M are never delegated. */
    expect_straps(0);
    expect_mtrap();
    illegal_fn(0);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(strap.count, 0);
    csr_write(medeleg, 0);
    csr_clear(mstatus, MSTATUS_SIE);
    /* Not delegated: M takes it, scause untouched. */
    csr_write(scause, 0x55);
    expect_mtrap();
    run_in_mode(PRV_S, illegal_fn, 0);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(csr_read(scause), 0x55);
}

static u64 nothing_fn(u64 v) { return v; }

static void mret_transitions(void) {
    /* mret: MIE <- MPIE, MPIE <- 1, MPP <- U, privilege <- old MPP (3.1.6.1). */
    csr_clear(mie, ~0ull);
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPP);
    csr_set(mstatus, MSTATUS_MPIE | MSTATUS_MPP);
    u64 s;
    asm volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1: csrr %0, mstatus" : "=r"(s) : : "t0");
    CHECK_EQ(s & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP), MSTATUS_MIE | MSTATUS_MPIE);
    csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
    asm volatile("li t0, 3 << 11\n csrs mstatus, t0\n la t0, 1f\n csrw mepc, t0\n mret\n 1: csrr %0, mstatus"
                 : "=r"(s)
                 :
                 : "t0");
    CHECK_EQ(s & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP), MSTATUS_MPIE);
    /* An mret to a mode below M also clears MPRV (3.1.6.1, since 1.12; QEMU 7.2 keeps it). */
    csr_set(mstatus, MSTATUS_MPRV);
    run_in_mode(PRV_S, nothing_fn, 0);
    CHECK_QEMU_DEVIATES((csr_read(mstatus) & MSTATUS_MPRV) == 0);
    csr_clear(mstatus, MSTATUS_MPRV);
}

static u64 sret_fn(u64 spp) {
    /* In S: sret with SPP = spp, SPIE = 1, SIE = 0 -> back in S/U at 1:, SIE = 1, SPIE = 1, SPP = U. */
    u64 s;
    csr_clear(sstatus, MSTATUS_SIE | MSTATUS_SPP);
    csr_set(sstatus, MSTATUS_SPIE | (spp << 8));
    asm volatile("la t0, 1f\n csrw sepc, t0\n sret\n 1:" : : : "t0", "memory");
    if (spp == PRV_S) {
        s = csr_read(sstatus);
        csr_clear(sstatus, MSTATUS_SIE);
        return s;
    }
    return 0x1234; /* now in U */
}

static u64 sret_only(u64 u) {
    (void)u;
    asm volatile("la t0, 1f\n csrw sepc, t0\n sret\n 1:" ::: "t0", "memory");
    return 5;
}
static u64 sret_in_u(u64 u) {
    (void)u;
    asm volatile("sret");
    return 6;
}
static u64 mret_in_s(u64 u) {
    (void)u;
    asm volatile("mret");
    return 8;
}
static u64 wfi_fn(u64 u) {
    (void)u;
    asm volatile("wfi");
    return 9;
}
static u64 satp_fn(u64 u) {
    (void)u;
    return csr_read(satp);
}
static u64 sfence_fn(u64 u) {
    (void)u;
    asm volatile("sfence.vma" ::: "memory");
    return 10;
}

static void sret_transitions(void) {
    csr_write(mie, 0);
    CHECK_EQ(run_in_mode(PRV_S, sret_fn, PRV_S) & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
             MSTATUS_SIE | MSTATUS_SPIE);
    /* sret to U: the rest of sret_fn runs in U and its ecall is a user ecall. */
    CHECK_EQ(run_in_mode(PRV_S, sret_fn, PRV_U), 0x1234);
    CHECK_EQ(csr_read(mstatus) & MSTATUS_SPP, 0);
    /* xRET above the current privilege is illegal. */
    expect_mtrap();
    CHECK_EQ(run_in_mode(PRV_U, sret_in_u, 0), 6);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    expect_mtrap();
    CHECK_EQ(run_in_mode(PRV_S, mret_in_s, 0), 8);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
}

static void tsr_tw_tvm(void) {
    /* TSR: sret in S traps. */
    csr_set(mstatus, MSTATUS_TSR);
    expect_mtrap();
    CHECK_EQ(run_in_mode(PRV_S, sret_only, 0), 5);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_clear(mstatus, MSTATUS_TSR);
    expect_mtraps(0);
    CHECK_EQ(run_in_mode(PRV_S, sret_only, 0), 5);
    CHECK_NO_MTRAP();
    /* TW: wfi in S (and U) traps. */
    csr_set(mstatus, MSTATUS_TW);
    expect_mtrap();
    CHECK_EQ(run_in_mode(PRV_S, wfi_fn, 0), 9);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    expect_mtrap();
    CHECK_EQ(run_in_mode(PRV_U, wfi_fn, 0), 9);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_clear(mstatus, MSTATUS_TW);
    /* TVM: satp accesses and sfence.vma in S trap. */
    csr_set(mstatus, MSTATUS_TVM);
    expect_mtrap();
    run_in_mode(PRV_S, satp_fn, 0);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    expect_mtrap();
    CHECK_EQ(run_in_mode(PRV_S, sfence_fn, 0), 10);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
    csr_clear(mstatus, MSTATUS_TVM);
    expect_mtraps(0);
    run_in_mode(PRV_S, satp_fn, 0);
    CHECK_EQ(run_in_mode(PRV_S, sfence_fn, 0), 10);
    CHECK_NO_MTRAP();
    /* sfence.vma from U is always illegal. */
    expect_mtrap();
    run_in_mode(PRV_U, sfence_fn, 0);
    CHECK_MTRAP(CAUSE_ILLEGAL_INSTRUCTION);
}

int main(void) {
    illegal_instruction();
    environment_calls();
    access_faults();
    delegation();
    mret_transitions();
    sret_transitions();
    tsr_tw_tvm();
    return 0;
}
