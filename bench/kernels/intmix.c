/* The integer mix: integer work of four kinds (sorting, hashing, a matrix
   multiply, a state machine) and a checksum over all of it. */
#include "common.h"

#ifndef ROUNDS
#define ROUNDS 128
#endif

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) { return xorshift64(&rng_state); }

/* 1. Sorting: an in-place heap sort of pseudo-random keys (no recursion, no libc). */
enum { kSortCount = 1 << 15 };
static uint32_t keys[kSortCount];

static void sift_down(uint32_t* a, unsigned root, unsigned end) {
    while (2 * root + 1 < end) {
        unsigned child = 2 * root + 1;
        if (child + 1 < end && a[child] < a[child + 1]) ++child;
        if (a[root] >= a[child]) return;
        const uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static uint64_t bench_sort(void) {
    for (unsigned i = 0; i < kSortCount; ++i) keys[i] = (uint32_t)next_random();
    for (unsigned i = kSortCount / 2; i-- > 0;) sift_down(keys, i, kSortCount);
    for (unsigned end = kSortCount - 1; end > 0; --end) {
        const uint32_t t = keys[0];
        keys[0] = keys[end];
        keys[end] = t;
        sift_down(keys, 0, end);
    }
    uint64_t sum = 0;
    for (unsigned i = 0; i < kSortCount; ++i) {
        if (i && keys[i - 1] > keys[i]) sum = mix(sum, 0xbad); /* not sorted: a wrong checksum shows it */
        sum = mix(sum, keys[i]);
    }
    return sum;
}

/* 2. Hashing: FNV-1a and a multiplicative hash over a byte buffer, plus an open-addressing table. */
enum { kBytes = 1 << 16, kTableSize = 1 << 12 };
static uint8_t buffer[kBytes];
static uint64_t table[kTableSize];

static uint64_t bench_hash(void) {
    for (unsigned i = 0; i < kBytes; ++i) buffer[i] = (uint8_t)next_random();
    uint64_t fnv = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < kBytes; ++i) fnv = (fnv ^ buffer[i]) * 0x100000001b3ull;
    for (unsigned i = 0; i < kTableSize; ++i) table[i] = 0;
    uint64_t probes = 0;
    for (unsigned i = 0; i + 8 <= kBytes && i < kTableSize * 6; i += 8) {
        uint64_t key = 0;
        for (unsigned b = 0; b < 8; ++b) key |= (uint64_t)buffer[i + b] << (8 * b);
        key |= 1; /* 0 marks an empty slot */
        unsigned slot = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 52) & (kTableSize - 1);
        while (table[slot] && table[slot] != key) {
            slot = (slot + 1) & (kTableSize - 1);
            ++probes;
        }
        table[slot] = key;
    }
    return mix(fnv, probes);
}

/* 3. Matrix multiply: 48x48 32-bit integers. */
enum { kN = 48 };
static int32_t ma[kN][kN], mb[kN][kN], mc[kN][kN];

static uint64_t bench_matmul(void) {
    for (unsigned i = 0; i < kN; ++i)
        for (unsigned j = 0; j < kN; ++j) {
            ma[i][j] = (int32_t)(next_random() % 2001) - 1000;
            mb[i][j] = (int32_t)(next_random() % 2001) - 1000;
        }
    for (unsigned i = 0; i < kN; ++i)
        for (unsigned j = 0; j < kN; ++j) {
            int32_t acc = 0;
            for (unsigned k = 0; k < kN; ++k) acc += ma[i][k] * mb[k][j];
            mc[i][j] = acc;
        }
    uint64_t sum = 0;
    for (unsigned i = 0; i < kN; ++i)
        for (unsigned j = 0; j < kN; ++j) sum = mix(sum, (uint32_t)mc[i][j]);
    return sum;
}

/* 4. A state machine: a tokenizer counting words, numbers and lines in generated text. */
enum { kTextLength = 1 << 16 };
enum State { kSpace, kWord, kNumber, kStateCount };
enum Class { kBlank, kLetter, kDigit, kNewline, kClassCount };
static const uint8_t kNext[kStateCount][kClassCount] = {
    [kSpace] = {kSpace, kWord, kNumber, kSpace},
    [kWord] = {kSpace, kWord, kWord, kSpace},
    [kNumber] = {kSpace, kWord, kNumber, kSpace},
};
static char text[kTextLength];

static uint64_t bench_state_machine(void) {
    static const char kAlphabet[] = "abcdefgh0123  \n";
    for (unsigned i = 0; i < kTextLength; ++i) text[i] = kAlphabet[next_random() % (sizeof kAlphabet - 1)];
    uint64_t counts[kStateCount] = {0}, lines = 0;
    unsigned state = kSpace;
    for (unsigned i = 0; i < kTextLength; ++i) {
        const char c = text[i];
        const unsigned cls = c == '\n' ? kNewline : c == ' ' ? kBlank : (c >= '0' && c <= '9') ? kDigit : kLetter;
        const unsigned next = kNext[state][cls];
        if (next != state) ++counts[next];
        lines += cls == kNewline;
        state = next;
    }
    return mix(mix(mix(0, counts[kWord]), counts[kNumber]), lines);
}

uint64_t kernel(void) {
    uint64_t checksum = 0;
    for (unsigned round = 0; round < ROUNDS; ++round) {
        checksum = mix(checksum, bench_sort());
        checksum = mix(checksum, bench_hash());
        checksum = mix(checksum, bench_matmul());
        checksum = mix(checksum, bench_state_machine());
    }
    return checksum;
}
