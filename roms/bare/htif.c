#include "htif.h"

/* The host finds these by name in the ELF symbol table; 8 bytes each, as QEMU's spike HTIF requires. */
volatile uint64_t tohost __attribute__((section(".tohost"), aligned(8)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(8)));

#define HTIF_COMMAND(device, cmd, payload) (((uint64_t)(device) << 56) | ((uint64_t)(cmd) << 48) | (payload))

/* The host takes a command by clearing tohost; a reply, if any, lands in fromhost. */
static void htif_send(uint64_t command) {
    while (tohost) {
    }
    tohost = command;
    while (tohost) {
    }
    fromhost = 0;
}

void htif_putchar(char c) { htif_send(HTIF_COMMAND(1, 1, (uint8_t)c)); }

void htif_puts(const char* s) {
    while (*s) htif_putchar(*s++);
}

void htif_put_u64(uint64_t value) {
    char digits[21];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n) htif_putchar(digits[--n]);
}

void htif_put_hex(uint64_t value) {
    htif_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4) htif_putchar("0123456789abcdef"[(value >> shift) & 15]);
}

void htif_exit(uint64_t code) {
    tohost = (code << 1) | 1;
    for (;;) {
    }
}
