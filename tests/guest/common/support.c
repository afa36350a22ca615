/* The parts of the guest harness that need no trap machinery (see harness.h): the HTIF mailbox,
   console, exit, failure message, memory helpers and the PMP opening.  Linked into the single-hart
   programs (with start.S and harness.c) and into the SMP programs (with smp/start.S and smp/smp.c). */
#include "harness.h"

/* HTIF mailbox (QEMU and Tern find it by these symbol names); link.ld gives it its own page. */
volatile u64 tohost __attribute__((section(".tohost"), aligned(64)));
volatile u64 fromhost __attribute__((section(".tohost")));

/* HTIF: device 1 (console), command 1 (putchar); the host clears tohost when it has consumed it. */
void put_char(char c) {
    tohost = (1ull << 56) | (1ull << 48) | (u8)c;
    while (tohost != 0) {
    }
    fromhost = 0;
}

void put_str(const char* s) {
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

void put_failure(u64 line, const char* what, int has_values, u64 got, u64 expected) {
    put_str("FAIL line ");
    put_dec(line);
    put_str(": ");
    put_str(what);
    if (has_values) {
        put_str(" = ");
        put_hex(got);
        put_str(", expected ");
        put_hex(expected);
    }
    put_char('\n');
}

void* memset(void* d, int c, unsigned long n) {
    u8* p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void* memcpy(void* d, const void* s, unsigned long n) {
    u8* p = d;
    const u8* q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

void pmp_allow_all(void) {
    csr_write(pmpaddr0, ~0ull);
    csr_write(pmpcfg0, 0x1f); /* A = NAPOT, X, W, R */
}
