/* Console output and exit through HTIF (tohost/fromhost), for bare programs. */
#pragma once
#include <stdint.h>

void htif_putchar(char c);
void htif_puts(const char* s); /* no newline added */
void htif_put_u64(uint64_t value);
void htif_put_hex(uint64_t value);
/* Ends the run: the emulator exits with status `code`. */
__attribute__((noreturn)) void htif_exit(uint64_t code);
