/* Shared harness of the self-checking guest programs (bare-metal RV64GC, M/S/U).
 *
 * A program defines `int main(void)`, returns 0 when every check passed, and otherwise ends through
 * a failing CHECK: the exit code is the source line of that check (printed in full on the HTIF
 * console, since a host process exit status keeps only its low 8 bits).  Traps the test provokes are
 * announced with expect_mtrap()/expect_strap() and examined afterwards through `mtrap`/`strap`. */
#ifndef TERN_GUEST_HARNESS_H
#define TERN_GUEST_HARNESS_H

#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;
typedef int64_t i64;

/* ---- CSR access (names as in the privileged spec) ---- */
#define STR_(x) #x
#define STR(x)  STR_(x)
#define csr_read(csr)                                                                                        \
    ({                                                                                                       \
        u64 v_;                                                                                              \
        asm volatile("csrr %0, " STR(csr) : "=r"(v_)::"memory");                                             \
        v_;                                                                                                  \
    })
#define csr_write(csr, val) asm volatile("csrw " STR(csr) ", %0" ::"r"((u64)(val)) : "memory")
#define csr_set(csr, val)   asm volatile("csrs " STR(csr) ", %0" ::"r"((u64)(val)) : "memory")
#define csr_clear(csr, val) asm volatile("csrc " STR(csr) ", %0" ::"r"((u64)(val)) : "memory")
#define csr_swap(csr, val)                                                                                   \
    ({                                                                                                       \
        u64 v_;                                                                                              \
        asm volatile("csrrw %0, " STR(csr) ", %1" : "=r"(v_) : "r"((u64)(val)) : "memory");                  \
        v_;                                                                                                  \
    })
#define barrier() asm volatile("" ::: "memory")

/* Sstc / Smstateen-era CSRs GCC 12 may not know by name. */
#define CSR_STIMECMP 0x14d
#define CSR_MENVCFG  0x30a
#define CSR_SENVCFG  0x10a

/* ---- mstatus / sstatus fields (privileged spec 3.1.6) ---- */
#define MSTATUS_SIE  (1ull << 1)
#define MSTATUS_MIE  (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE  (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP  (1ull << 8)
#define MSTATUS_VS   (3ull << 9)
#define MSTATUS_MPP  (3ull << 11)
#define MSTATUS_FS   (3ull << 13)
#define MSTATUS_XS   (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM  (1ull << 18)
#define MSTATUS_MXR  (1ull << 19)
#define MSTATUS_TVM  (1ull << 20)
#define MSTATUS_TW   (1ull << 21)
#define MSTATUS_TSR  (1ull << 22)
#define MSTATUS_UXL  (3ull << 32)
#define MSTATUS_SXL  (3ull << 34)
#define MSTATUS_SD   (1ull << 63)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* ---- mcause values (privileged spec table 3.6) ---- */
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6
#define CAUSE_STORE_ACCESS        7
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_MACHINE_ECALL       11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
#define INTERRUPT_BIT             (1ull << 63)
#define IRQ_S_SOFT                1
#define IRQ_M_SOFT                3
#define IRQ_S_TIMER               5
#define IRQ_M_TIMER               7
#define IRQ_S_EXT                 9
#define IRQ_M_EXT                 11
#define MIP_SSIP                  (1ull << IRQ_S_SOFT)
#define MIP_MSIP                  (1ull << IRQ_M_SOFT)
#define MIP_STIP                  (1ull << IRQ_S_TIMER)
#define MIP_MTIP                  (1ull << IRQ_M_TIMER)
#define MIP_SEIP                  (1ull << IRQ_S_EXT)
#define MIP_MEIP                  (1ull << IRQ_M_EXT)

/* ---- CLINT (platform: msip +0, mtimecmp +0x4000, mtime +0xbff8) ---- */
#define CLINT_BASE     0x02000000ull
#define CLINT_MSIP     ((volatile u32 *)(CLINT_BASE + 0x0))
#define CLINT_MTIMECMP ((volatile u64 *)(CLINT_BASE + 0x4000))
#define CLINT_MTIME    ((volatile u64 *)(CLINT_BASE + 0xbff8))

/* ---- console and exit (HTIF) ---- */
void put_char(char c);
void put_str(const char *s);
void put_hex(u64 v);
void put_dec(u64 v);
_Noreturn void test_exit(u64 code);
_Noreturn void test_fail(u64 line, const char *what);
_Noreturn void test_fail_eq(u64 line, const char *what, u64 got, u64 expected);

#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (!(cond)) test_fail(__LINE__, #cond);                                                             \
    } while (0)
#define CHECK_EQ(got, expected)                                                                              \
    do {                                                                                                     \
        u64 got_ = (u64)(got), exp_ = (u64)(expected);                                                       \
        if (got_ != exp_) test_fail_eq(__LINE__, #got, got_, exp_);                                          \
    } while (0)

/* A check QEMU 7.2's spike machine is known to fail although the spec requires the behaviour (each
   use says why; README.md lists them).  Built with -DQEMU_DEVIATIONS_ARE_WARNINGS (for validating
   the programs on QEMU only) such a check prints a warning and the program goes on; the normal
   build, run on Tern, treats it as any other check. */
#ifdef QEMU_DEVIATIONS_ARE_WARNINGS
#define QEMU_RELAXED 1
#define CHECK_QEMU_DEVIATES(cond)                                                                            \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            put_str("WARN known QEMU deviation, line ");                                                     \
            put_dec(__LINE__);                                                                               \
            put_str(": " #cond "\n");                                                                        \
        }                                                                                                    \
    } while (0)
#else
#define QEMU_RELAXED 0
#define CHECK_QEMU_DEVIATES(cond)                                                                            \
    do {                                                                                                     \
        if (!(cond)) test_fail(__LINE__, #cond);                                                             \
    } while (0)
#endif

/* ---- traps ---- */
struct trap_record {
    volatile u64 expect; /* traps still expected; a trap beyond these fails the test */
    volatile u64 count;  /* traps recorded since the last expect_*trap() */
    volatile u64 cause, epc, tval;
    volatile u64 prev_mode;  /* MPP / SPP at the trap: the privilege the trap came from */
    volatile u64 status;     /* mstatus / sstatus as the handler saw it */
    volatile u64 vector;     /* mtvec vectored slot that was entered, -1 for BASE */
    volatile u64 resume;     /* if nonzero, the handler resumes here instead of skipping the instruction */
    volatile u64 history[8]; /* causes of the first traps since expect_*trap(), in order */
};
extern struct trap_record mtrap, strap;
/* Set by a test that arms stimecmp, so the M handler may quiesce a supervisor timer interrupt. */
extern volatile int sstc_in_use;

/* Expect n traps in M (or S).  Exceptions resume after the faulting instruction (2 or 4 bytes), at
   `resume` if set, or — for instruction-fetch faults — at the faulting code's ra (so "call bad_addr"
   returns).  Interrupts are recorded and their source silenced (mtimecmp/stimecmp = -1, msip = 0,
   SSIP cleared). */
void expect_mtraps(u64 n);
void expect_straps(u64 n);
static inline void expect_mtrap(void) { expect_mtraps(1); }
static inline void expect_strap(void) { expect_straps(1); }
/* Check exactly one trap with this cause was taken (and stop expecting more). */
#define CHECK_MTRAP(c)                                                                                       \
    do {                                                                                                     \
        mtrap.expect = 0;                                                                                    \
        CHECK_EQ(mtrap.count, 1);                                                                            \
        CHECK_EQ(mtrap.cause, (c));                                                                          \
    } while (0)
#define CHECK_STRAP(c)                                                                                       \
    do {                                                                                                     \
        strap.expect = 0;                                                                                    \
        CHECK_EQ(strap.count, 1);                                                                            \
        CHECK_EQ(strap.cause, (c));                                                                          \
    } while (0)
#define CHECK_NO_MTRAP()                                                                                     \
    do {                                                                                                     \
        mtrap.expect = 0;                                                                                    \
        CHECK_EQ(mtrap.count, 0);                                                                            \
    } while (0)

extern char trap_entry[], s_trap_entry[], mtvec_vector_table[], lower_mode_exit[];
_Noreturn void s_forward_exit(u64 result);
extern char __image_end[], __stack_top[];

/* Spin until *counter reaches n or a generous bound passes (no timing assumption: the bound only
   turns a missing event into a failure instead of a hang).  Returns 1 if reached. */
int wait_for_count(volatile u64 *counter, u64 n);

/* ---- privilege ---- */
/* Run fn(arg) in U (PRV_U) or S (PRV_S) mode and return its result in M-mode.  The lower code's
   return address and stack are the image's own plus lower_mode_va_offset, so a paging test can run
   U code through a U-accessible alias of the image (programs are linked with --no-relax, so code is
   position independent: no gp-relative accesses). */
u64 run_in_mode(u64 mode, u64 (*fn)(u64), u64 arg);
extern u64 lower_mode_va_offset;
/* PMP entry 0 = NAPOT over the whole address space, RWX (spec 3.7.1: S/U need a matching entry). */
void pmp_allow_all(void);

void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

#endif
