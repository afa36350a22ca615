/* Misaligned loads and stores of every width and signedness (RV64I, F, D) at every misalignment,
   inside a page and across a page boundary.  The unprivileged spec (2.6) lets an EEI either perform
   them or trap; Tern performs them (built with -DEMULATES_MISALIGNED, this program requires that),
   while on other platforms a clean address-misaligned trap with xtval = the address is accepted. */
#include "insn.h"

static volatile u8 buf[3 * 4096] __attribute__((aligned(4096)));
#define PAGE_END ((u64)buf + 4096)

static u8 pattern(u64 i) { return (u8)(i * 37 + 11); }

static void fill(void) {
    for (u64 i = 0; i < sizeof buf; i++)
        buf[i] = pattern(i);
}

/* The little-endian value of `width` bytes at addr, from byte loads (the reference). */
static u64 bytes_at(u64 addr, int width) {
    u64 v = 0;
    for (int i = width - 1; i >= 0; i--)
        v = (v << 8) | *(volatile u8 *)(addr + i);
    return v;
}

static u64 sext(u64 v, int width) {
    return width == 8 ? v : (u64)((i64)(v << (64 - 8 * width)) >> (64 - 8 * width));
}

#define POISON 0xdeadbeefcafef00dull
#define LOADER(name, text)                                                                                   \
    static u64 name(u64 a) {                                                                                 \
        u64 r = POISON;                                                                                      \
        asm volatile(text : "+r"(r) : "r"(a) : "ft0", "memory");                                             \
        return r;                                                                                            \
    }
#define STORER(name, text)                                                                                   \
    static void name(u64 a, u64 v) { asm volatile(text : : "r"(a), "r"(v) : "ft0", "memory"); }

LOADER(do_lh, "lh %0, 0(%1)")
LOADER(do_lhu, "lhu %0, 0(%1)")
LOADER(do_lw, "lw %0, 0(%1)")
LOADER(do_lwu, "lwu %0, 0(%1)")
LOADER(do_ld, "ld %0, 0(%1)")
LOADER(do_flw, "flw ft0, 0(%1)\n fmv.x.w %0, ft0")
LOADER(do_fld, "fld ft0, 0(%1)\n fmv.x.d %0, ft0")
STORER(do_sh, "sh %1, 0(%0)")
STORER(do_sw, "sw %1, 0(%0)")
STORER(do_sd, "sd %1, 0(%0)")
STORER(do_fsw, "fmv.w.x ft0, %1\n fsw ft0, 0(%0)")
STORER(do_fsd, "fmv.d.x ft0, %1\n fsd ft0, 0(%0)")

static const struct load_case {
    const char *name;
    u64 (*fn)(u64);
    int width, is_signed;
} loads[] = {
    {"lh", do_lh, 2, 1}, {"lhu", do_lhu, 2, 0}, {"lw", do_lw, 4, 1},   {"lwu", do_lwu, 4, 0},
    {"ld", do_ld, 8, 0}, {"flw", do_flw, 4, 1}, {"fld", do_fld, 8, 0},
};

static const struct store_case {
    const char *name;
    void (*fn)(u64, u64);
    int width;
} stores[] = {
    {"sh", do_sh, 2}, {"sw", do_sw, 4}, {"sd", do_sd, 8}, {"fsw", do_fsw, 4}, {"fsd", do_fsd, 8},
};

static u64 traps_accepted;

static void report(const char *name, u64 addr) {
    put_str("  case: ");
    put_str(name);
    put_str(" at ");
    put_hex(addr);
    put_char('\n');
}

/* After an access that may have trapped: 1 if it was performed, 0 if it trapped acceptably. */
static int performed(const char *name, u64 addr, u64 misaligned_cause) {
    mtrap.expect = 0;
    if (mtrap.count == 0) return 1;
    report(name, addr);
#ifdef EMULATES_MISALIGNED
    CHECK_EQ(mtrap.count, 0); /* Tern emulates misaligned accesses */
#endif
    CHECK_EQ(mtrap.cause, misaligned_cause);
    CHECK_EQ(mtrap.tval, addr);
    traps_accepted++;
    return 0;
}

static void check_load(const struct load_case *c, u64 addr) {
    fill();
    expect_mtraps(1);
    u64 r = c->fn(addr);
    if (!performed(c->name, addr, CAUSE_MISALIGNED_LOAD)) return;
    u64 expect = bytes_at(addr, c->width);
    if (c->is_signed) expect = sext(expect, c->width);
    if (r != expect) report(c->name, addr);
    CHECK_EQ(r, expect);
}

static void check_store(const struct store_case *c, u64 addr) {
    fill();
    const u64 value = 0x0123456789abcdefull;
    expect_mtraps(1);
    c->fn(addr, value);
    int done = performed(c->name, addr, CAUSE_MISALIGNED_STORE);
    /* The stored bytes (if performed) and every byte around them. */
    for (u64 a = addr - 8; a < addr + c->width + 8; a++) {
        u64 i = a - (u64)buf;
        u8 want = pattern(i);
        if (done && a >= addr && a < addr + c->width) want = (u8)(value >> (8 * (a - addr)));
        if (buf[i] != want) report(c->name, addr);
        CHECK_EQ(buf[i], want);
    }
}

int main(void) {
    for (unsigned i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        int w = loads[i].width;
        for (int off = 1; off < 8; off++)
            if (off % w) check_load(&loads[i], (u64)buf + 64 + off);
        for (int k = 1; k < w; k++)
            check_load(&loads[i], PAGE_END - k); /* straddles two pages */
    }
    for (unsigned i = 0; i < sizeof stores / sizeof stores[0]; i++) {
        int w = stores[i].width;
        for (int off = 1; off < 8; off++)
            if (off % w) check_store(&stores[i], (u64)buf + 64 + off);
        for (int k = 1; k < w; k++)
            check_store(&stores[i], PAGE_END - k);
    }
    /* Aligned accesses, for contrast, never trap. */
    check_load(&loads[4], (u64)buf + 64);
    check_store(&stores[2], (u64)buf + 64);
    if (traps_accepted) {
        put_str("note: ");
        put_dec(traps_accepted);
        put_str(" misaligned accesses trapped (accepted: not built with EMULATES_MISALIGNED)\n");
    }
    return 0;
}
