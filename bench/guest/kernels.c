// A bare-metal RV64 guest program for the JIT's lockstep runner and benchmark
// (bench/jit_lockstep.cpp): integer kernels compiled by GCC, so the JIT meets
// real compiler output (calls and returns, jump tables, Zba/Zbb idioms).
// It stores its checksum at `result` and spins on `j .` at `done`.
#include <stdint.h>

uint64_t result;
uint64_t stack[8192];
static uint32_t data[4096];
static uint8_t sieve[65536];
static int64_t ma[24][24], mb[24][24], mc[24][24];

void done(void) __attribute__((noreturn, noinline));
void done(void) {
    for (;;) __asm__ volatile("");
}

static uint32_t lcg(uint32_t* s) { return *s = *s * 1664525u + 1013904223u; }

static void quicksort(uint32_t* a, long lo, long hi) {
    while (lo < hi) {
        uint32_t pivot = a[(lo + hi) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static uint32_t crc32(const uint8_t* p, unsigned long n) {
    uint32_t crc = ~0u;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static uint64_t primes(unsigned n) {
    uint64_t count = 0;
    for (unsigned i = 2; i < n; i++) sieve[i] = 1;
    for (unsigned i = 2; i * i < n; i++)
        if (sieve[i])
            for (unsigned j = i * i; j < n; j += i) sieve[j] = 0;
    for (unsigned i = 2; i < n; i++) count += sieve[i];
    return count;
}

static int64_t matrix(uint32_t seed) {
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < 24; j++) {
            ma[i][j] = (int32_t)lcg(&seed) % 1000;
            mb[i][j] = (int32_t)lcg(&seed) % 1000;
        }
    int64_t trace = 0;
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < 24; j++) {
            int64_t s = 0;
            for (int k = 0; k < 24; k++) s += ma[i][k] * mb[k][j];
            mc[i][j] = s / (j + 1) + s % 7;
        }
    for (int i = 0; i < 24; i++) trace += mc[i][i];
    return trace;
}

// A switch GCC turns into a jump table: indirect jumps through jalr.
static uint64_t interpret_bytes(const uint8_t* p, unsigned long n) {
    uint64_t acc = 1;
    for (unsigned long i = 0; i < n; i++) {
        switch (p[i] & 15) {
        case 0: acc += p[i]; break;
        case 1: acc ^= acc << 13; break;
        case 2: acc ^= acc >> 7; break;
        case 3: acc *= 0x9e3779b97f4a7c15ull; break;
        case 4: acc = (acc << 5) | (acc >> 59); break;
        case 5: acc -= i; break;
        case 6: acc += __builtin_popcountll(acc); break;
        case 7: acc += __builtin_clzll(acc | 1); break;
        case 8: acc += __builtin_ctzll(acc | 0x100); break;
        case 9: acc = acc > i * 77 ? acc - i : acc + i; break;
        case 10: acc /= 3; acc += 0x1234567; break;
        default: acc += p[i] * (i & 7); break;
        }
    }
    return acc;
}

int main(void) {
    uint64_t sum = 0;
    for (int round = 0; round < 3; round++) {
        uint32_t seed = 12345 + round;
        for (int i = 0; i < 4096; i++) data[i] = lcg(&seed);
        quicksort(data, 0, 4095);
        for (int i = 1; i < 4096; i++)
            if (data[i - 1] > data[i]) return -1;
        sum = sum * 31 + crc32((const uint8_t*)data, sizeof data);
        sum = sum * 31 + primes(65536);
        sum = sum * 31 + (uint64_t)matrix(seed);
        sum = sum * 31 + interpret_bytes((const uint8_t*)data, sizeof data);
    }
    return (int)(sum ^ (sum >> 32));
}

__attribute__((naked, section(".text.start"))) void _start(void) {
    __asm__ volatile("la sp, stack + 65536\n"
                     "call main\n"
                     "la t0, result\n"
                     "sd a0, 0(t0)\n"
                     "j done\n");
}
