// Randomised agreement between independent paths through cpu/fpu.cpp, in every rounding mode and with or
// without flags already accrued: operations whose exact result fits a double must give the same bits and
// flags as rounding that exact double to binary32 (FCVT.S.D). Host mulss/cvtsd2ss (RNE/RTZ/RDN/RUP),
// round-to-odd plus the software rounding (RMM), and the integer-to-float software rounding are all different
// code. A differential check against an exact rational reference lives in tests/unit/fp_reference/.
#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <random>

#include "cpu/fpu.hpp"

using namespace tern::fpu;

namespace {

// Random binary32 bit patterns, biased toward the interesting ranges (subnormal and overflowing products,
// short significands that make ties likely).
uint32_t random_single(std::mt19937_64& rng) {
    const uint32_t bits = static_cast<uint32_t>(rng());
    switch (rng() % 4) {
    case 0: return bits;
    case 1: return (bits & 0x80ffffffu) | ((0x20u + static_cast<uint32_t>(rng() % 0x40)) << 23); // tiny
    case 2: return (bits & 0x80ffffffu) | ((0x9fu + static_cast<uint32_t>(rng() % 0x40)) << 23); // huge
    default: return (bits & 0xbfff0000u) | 0x3f000000u; // near 1 with few significand bits
    }
}

// The exact product of two singles as a double (48 significant bits, exponent within double range); a
// signalling NaN raises NV on the way.
uint64_t exact_product(uint32_t a, uint32_t b, uint32_t& flags) {
    const uint64_t da = widen(a, kRNE, flags), db = widen(b, kRNE, flags);
    return Ieee<double>::mul(da, db, kRTZ, flags); // exact, so the mode does not matter
}

} // namespace

TEST_CASE("fmul.s agrees with rounding the exact double product") {
    std::mt19937_64 rng(12345);
    for (int i = 0; i < 20000; ++i) {
        const uint32_t a = random_single(rng), b = random_single(rng);
        const unsigned rm = static_cast<unsigned>(rng() % 5);
        const uint32_t accrued = (rng() % 3 == 0) ? static_cast<uint32_t>(rng() % 32) : 0;
        CAPTURE(a);
        CAPTURE(b);
        CAPTURE(rm);
        CAPTURE(accrued);
        uint32_t direct_flags = accrued, narrowed_flags = accrued;
        const uint32_t direct = Ieee<float>::mul(a, b, rm, direct_flags);
        const uint32_t narrowed = narrow(exact_product(a, b, narrowed_flags), rm, narrowed_flags);
        CHECK(direct == narrowed);
        CHECK(direct_flags == narrowed_flags);
    }
}

TEST_CASE("fmadd.s with a zero addend agrees with fmul.s") {
    std::mt19937_64 rng(777);
    for (int i = 0; i < 20000; ++i) {
        const uint32_t a = random_single(rng), b = random_single(rng);
        const unsigned rm = static_cast<unsigned>(rng() % 5);
        // a×b + (-0) is a×b exactly, in every mode and for every sign of a×b, except that an exact +0 product
        // plus -0 is -0 in RDN.
        if (rm == kRDN && ((a & ~kSignBit<float>) == 0 || (b & ~kSignBit<float>) == 0)) continue;
        CAPTURE(a);
        CAPTURE(b);
        CAPTURE(rm);
        uint32_t mul_flags = 0, fma_flags = 0;
        const uint32_t product = Ieee<float>::mul(a, b, rm, mul_flags);
        const uint32_t fused = Ieee<float>::fma(a, b, kSignBit<float>, rm, fma_flags);
        CHECK(product == fused);
        CHECK(mul_flags == fma_flags);
    }
}

TEST_CASE("fcvt.s.w agrees with rounding the exact double") {
    std::mt19937_64 rng(99);
    for (int i = 0; i < 20000; ++i) {
        const int32_t v = static_cast<int32_t>(rng() >> (rng() % 40));
        const unsigned rm = static_cast<unsigned>(rng() % 5);
        CAPTURE(v);
        CAPTURE(rm);
        uint32_t direct_flags = 0, narrowed_flags = 0;
        const uint32_t direct = IntConvert<float, int32_t>::from_int(v, rm, direct_flags);
        const uint64_t as_double = IntConvert<double, int32_t>::from_int(v, rm, narrowed_flags); // exact
        CHECK(narrowed_flags == 0);
        CHECK(direct == narrow(as_double, rm, narrowed_flags));
        CHECK(direct_flags == narrowed_flags);
    }
}
