/* The floating-point kernel: a double matrix multiply, steps of a small
   n-body simulation (with square roots and divisions) and float dot
   products. The checksum folds in the bits of the results, so it only
   matches if every engine rounds every operation the same way: built with
   -ffp-contract=off (no fused multiply-add, which the RISC-V compiler would
   otherwise use and x86-64 without FMA cannot) and -fno-math-errno (sqrt
   is the instruction, correctly rounded on both). */
#include "common.h"

#ifndef ROUNDS
#define ROUNDS 96
#endif

static uint64_t double_bits(double d) {
    union {
        double d;
        uint64_t u;
    } v = {.d = d};
    return v.u;
}

static uint64_t float_bits(float f) {
    union {
        float f;
        uint32_t u;
    } v = {.f = f};
    return v.u;
}

/* A double in [-1, 1) from the top 53 random bits. */
static double random_unit(uint64_t* rng) { return (double)(int64_t)xorshift64(rng) * 0x1p-63; }

/* 1. Matrix multiply, 64x64 doubles. */
enum { kN = 64 };
static double ma[kN][kN], mb[kN][kN], mc[kN][kN];

static uint64_t matmul(uint64_t* rng) {
    for (unsigned i = 0; i < kN; ++i)
        for (unsigned j = 0; j < kN; ++j) {
            ma[i][j] = random_unit(rng);
            mb[i][j] = random_unit(rng);
        }
    for (unsigned i = 0; i < kN; ++i)
        for (unsigned j = 0; j < kN; ++j) {
            double acc = 0;
            for (unsigned k = 0; k < kN; ++k)
                acc += ma[i][k] * mb[k][j];
            mc[i][j] = acc;
        }
    uint64_t sum = 0;
    for (unsigned i = 0; i < kN; ++i)
        sum = mix(sum, double_bits(mc[i][(i * 7) % kN]));
    return sum;
}

/* 2. N-body: gravitational pull between every pair, then a leapfrog step. */
enum { kBodies = 48, kSteps = 24 };
static double px[kBodies], py[kBodies], pz[kBodies], vx[kBodies], vy[kBodies], vz[kBodies], mass[kBodies];

static uint64_t nbody(uint64_t* rng) {
    for (unsigned i = 0; i < kBodies; ++i) {
        px[i] = random_unit(rng) * 10;
        py[i] = random_unit(rng) * 10;
        pz[i] = random_unit(rng) * 10;
        vx[i] = vy[i] = vz[i] = 0;
        mass[i] = 1.0 + random_unit(rng) * 0.5;
    }
    const double dt = 0.01, softening = 0.01;
    for (unsigned step = 0; step < kSteps; ++step) {
        for (unsigned i = 0; i < kBodies; ++i) {
            double ax = 0, ay = 0, az = 0;
            for (unsigned j = 0; j < kBodies; ++j) {
                const double dx = px[j] - px[i], dy = py[j] - py[i], dz = pz[j] - pz[i];
                const double r2 = dx * dx + dy * dy + dz * dz + softening;
                const double r = __builtin_sqrt(r2);
                const double f = mass[j] / (r2 * r);
                ax += dx * f;
                ay += dy * f;
                az += dz * f;
            }
            vx[i] += ax * dt;
            vy[i] += ay * dt;
            vz[i] += az * dt;
        }
        for (unsigned i = 0; i < kBodies; ++i) {
            px[i] += vx[i] * dt;
            py[i] += vy[i] * dt;
            pz[i] += vz[i] * dt;
        }
    }
    uint64_t sum = 0;
    for (unsigned i = 0; i < kBodies; ++i)
        sum = mix(mix(mix(sum, double_bits(px[i])), double_bits(py[i])), double_bits(vz[i]));
    return sum;
}

/* 3. Single-precision dot products over 4096-element vectors. */
enum { kLength = 4096, kDots = 64 };
static float va[kLength], vb[kLength];

static uint64_t dots(uint64_t* rng) {
    for (unsigned i = 0; i < kLength; ++i) {
        va[i] = (float)random_unit(rng);
        vb[i] = (float)random_unit(rng);
    }
    uint64_t sum = 0;
    for (unsigned d = 0; d < kDots; ++d) {
        float acc = 0;
        for (unsigned i = 0; i < kLength; ++i)
            acc += va[i] * vb[(i + d) & (kLength - 1)];
        sum = mix(sum, float_bits(acc));
    }
    return sum;
}

uint64_t kernel(void) {
    uint64_t rng = 0x853c49e6748fea9bull, checksum = 0;
    for (unsigned round = 0; round < ROUNDS; ++round) {
        checksum = mix(checksum, matmul(&rng));
        checksum = mix(checksum, nbody(&rng));
        checksum = mix(checksum, dots(&rng));
    }
    return checksum;
}
