/* What every benchmark kernel shares. A kernel is one C file defining
   `uint64_t kernel(void)`, which returns a checksum of all its results; the
   same file is linked into the bare guest wrapper (bench/guest_main.c) and
   the native one (bench/native_main.c), so both compute the same thing. */
#pragma once
#include <stdint.h>

uint64_t kernel(void);

/* Deterministic pseudo-random numbers (xorshift64), identical on every target. */
static inline uint64_t xorshift64(uint64_t* state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Folds one value into a running checksum (FNV-style, order-sensitive). */
static inline uint64_t mix(uint64_t sum, uint64_t value) {
    return (sum ^ value) * 0x100000001b3ull + (sum >> 29);
}
