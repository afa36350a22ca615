/* The memory kernel: pointer chasing over a random cyclic permutation of
   64-byte nodes spread over 8 MiB, and word-by-word copies between two
   4 MiB halves of the work area. The guest wrapper runs it in S-mode with
   Sv39 4 KiB pages, so nearly every chase step needs a new translation. */
#include "common.h"

#ifndef ROUNDS
#define ROUNDS 6
#endif

enum { kAreaBytes = 8 << 20, kNodeWords = 8, kNodes = kAreaBytes / (8 * kNodeWords), kChaseSteps = 1 << 20 };
enum { kHalfWords = kAreaBytes / 16, kCopies = 4 };
static uint64_t area[kAreaBytes / 8] __attribute__((aligned(4096)));

/* Sattolo's algorithm: a uniformly random permutation that is one single cycle,
   so the chase visits every node before it repeats. The link is in word 0 of
   each node, the other words are payload. */
static void build_cycle(uint64_t* rng) {
    for (uint64_t i = 0; i < kNodes; ++i) {
        area[i * kNodeWords] = i;
        for (unsigned w = 1; w < kNodeWords; ++w)
            area[i * kNodeWords + w] = i * w;
    }
    for (uint64_t i = kNodes - 1; i > 0; --i) {
        const uint64_t j = xorshift64(rng) % i;
        const uint64_t t = area[i * kNodeWords];
        area[i * kNodeWords] = area[j * kNodeWords];
        area[j * kNodeWords] = t;
    }
}

static uint64_t chase(uint64_t start) {
    uint64_t node = start, sum = 0;
    for (unsigned step = 0; step < kChaseSteps; ++step) {
        sum += area[node * kNodeWords + 1 + (step & 3)];
        node = area[node * kNodeWords];
    }
    return mix(sum, node);
}

/* memcpy-style copies: the lower half to the upper half and back, with a
   different rotation each time so no copy repeats the one before. */
static void copy_words(uint64_t* restrict dst, const uint64_t* restrict src, unsigned count) {
    for (unsigned i = 0; i < count; ++i)
        dst[i] = src[i];
}

static uint64_t copies(unsigned round) {
    uint64_t* const low = area;
    uint64_t* const high = area + kHalfWords;
    uint64_t sum = 0;
    for (unsigned c = 0; c < kCopies; ++c) {
        const unsigned shift = (round * kCopies + c) * 4099 % kHalfWords;
        copy_words(high, low + shift, kHalfWords - shift);
        copy_words(high + kHalfWords - shift, low, shift);
        copy_words(low, high, kHalfWords);
        for (unsigned i = 0; i < kHalfWords; i += 4093)
            sum = mix(sum, low[i]);
    }
    return sum;
}

uint64_t kernel(void) {
    uint64_t rng = 0x2545f4914f6cdd1dull, checksum = 0;
    for (unsigned round = 0; round < ROUNDS; ++round) {
        build_cycle(&rng);
        checksum = mix(checksum, chase(xorshift64(&rng) % kNodes));
        checksum = mix(checksum, copies(round));
    }
    return checksum;
}
