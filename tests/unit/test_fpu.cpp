// F and D semantics, run through the interpreter's dispatch table on a real Hart. Expected values come from
// the spec and from exact arithmetic on the operands (each case says why).
#include <doctest/doctest.h>

#include <bit>
#include <cfenv>
#include <cstdint>
#include <limits>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "core/ram.hpp"
#include "cpu/code_cache.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/decoder.hpp"
#include "cpu/exec.hpp"
#include "cpu/fpu.hpp"
#include "cpu/hart.hpp"

using namespace tern;
using namespace tern::fpu;

namespace {

constexpr uint32_t bits(float v) { return std::bit_cast<uint32_t>(v); }
constexpr uint64_t bits(double v) { return std::bit_cast<uint64_t>(v); }

// Fills the operand fields the encoding leaves free.
uint32_t encode(Op op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rm, unsigned rs3) {
    const OpInfo& info = op_info(op);
    const uint32_t fields = rd << 7 | rm << 12 | rs1 << 15 | rs2 << 20 | rs3 << 27;
    return info.match | (fields & ~info.mask);
}

constexpr uint64_t kFsInitial = 1ull << csr_bits::kFSShift;
constexpr uint64_t kIllegal = 2;

struct Fp {
    Ram ram{0x80000000, 1 << 20};
    Bus bus{ram};
    CodeCache cache{bus};
    MachineClock clock;
    Hart hart{0, bus, cache, clock};
    HartState& s = hart.state;

    Fp() {
        s.csr.mstatus = kFsInitial;
        s.pc = 0x80000000;
        s.csr.mtvec = 0x80004000;
    }
    // Executes one instruction; false if it trapped.
    bool run(Op op, unsigned rd, unsigned rs1, unsigned rs2 = 0, unsigned rm = kRNE, unsigned rs3 = 0) {
        const DecodedInsn d = decode32(encode(op, rd, rs1, rs2, rm, rs3));
        REQUIRE(d.op == op);
        hart.trapped = false;
        hart.next_pc = s.pc + 4;
        s.csr.mcause = 0;
        exec_fn(d.op)(hart, d);
        return !hart.trapped;
    }
    void set(unsigned r, float v) { s.f[r] = box(bits(v)); }
    void set(unsigned r, double v) { s.f[r] = bits(v); }
    // A single read back must be properly NaN-boxed.
    uint32_t single(unsigned r) {
        CHECK((s.f[r] >> 32) == 0xffffffffu);
        return static_cast<uint32_t>(s.f[r]);
    }
    uint32_t fflags() const { return s.csr.fcsr & kFflagsMask; }
    void clear_fflags() { s.csr.fcsr &= ~kFflagsMask; }

    // fd = op(a, b) in mode rm; returns the result bits and leaves the flags of this one op in fflags().
    uint32_t s2(Op op, float a, float b, unsigned rm = kRNE) {
        set(1, a), set(2, b), clear_fflags();
        REQUIRE(run(op, 3, 1, 2, rm));
        return single(3);
    }
    uint64_t d2(Op op, double a, double b, unsigned rm = kRNE) {
        set(1, a), set(2, b), clear_fflags();
        REQUIRE(run(op, 3, 1, 2, rm));
        return s.f[3];
    }
    uint32_t s3(Op op, float a, float b, float c, unsigned rm = kRNE) {
        set(1, a), set(2, b), set(4, c), clear_fflags();
        REQUIRE(run(op, 3, 1, 2, rm, 4));
        return single(3);
    }
    uint64_t d3(Op op, double a, double b, double c, unsigned rm = kRNE) {
        set(1, a), set(2, b), set(4, c), clear_fflags();
        REQUIRE(run(op, 3, 1, 2, rm, 4));
        return s.f[3];
    }
    // xd = op(fs1) for conversions to integers.
    uint64_t to_x(Op op, uint64_t raw_f, unsigned rm = kRNE) {
        s.f[1] = raw_f, clear_fflags();
        REQUIRE(run(op, 10, 1, 0, rm));
        return s.x[10];
    }
    uint64_t from_x(Op op, uint64_t x, unsigned rm = kRNE) {
        s.x[11] = x, clear_fflags();
        REQUIRE(run(op, 3, 11, 0, rm));
        return s.f[3];
    }
};

constexpr float kFltMax = std::numeric_limits<float>::max();
constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();
constexpr uint32_t kSNaN32 = 0x7f800001, kQNaNPayload32 = 0x7fc12345;
constexpr uint64_t kSNaN64 = 0x7ff0000000000001, kQNaNPayload64 = 0x7ff8000000012345;

} // namespace

TEST_CASE_FIXTURE(Fp, "every rounding mode on an exact tie of fadd") {
    // 1 + 2^-24 (binary32) and 1 + 2^-53 (binary64) lie exactly halfway between 1 and 1 + ulp.
    struct Case {
        unsigned rm;
        bool pos_up, neg_up; // whether +x / -x round away from zero
    } cases[] = {{kRNE, false, false},
                 {kRTZ, false, false},
                 {kRDN, false, true},
                 {kRUP, true, false},
                 {kRMM, true, true}};
    for (const Case& c : cases) {
        CAPTURE(c.rm);
        CHECK(s2(Op::fadd_s, 1.0f, 0x1p-24f, c.rm) == bits(c.pos_up ? 0x1.000002p0f : 1.0f));
        CHECK(fflags() == kNX);
        CHECK(s2(Op::fadd_s, -1.0f, -0x1p-24f, c.rm) == bits(c.neg_up ? -0x1.000002p0f : -1.0f));
        CHECK(fflags() == kNX);
        CHECK(d2(Op::fadd_d, 1.0, 0x1p-53, c.rm) == bits(c.pos_up ? 0x1.0000000000001p0 : 1.0));
        CHECK(d2(Op::fadd_d, -1.0, -0x1p-53, c.rm) == bits(c.neg_up ? -0x1.0000000000001p0 : -1.0));
        CHECK(fflags() == kNX);
    }
}

TEST_CASE_FIXTURE(Fp, "RMM and RNE differ on a tie whose lower neighbour is even (fmul)") {
    // (1 + 3·2^-23)·1.5 = 1.5 + 4.5·2^-23: a tie between significands ...4 (even) and ...5.
    CHECK(s2(Op::fmul_s, 0x1.000006p0f, 1.5f, kRNE) == bits(0x1.800008p0f));
    CHECK(s2(Op::fmul_s, 0x1.000006p0f, 1.5f, kRMM) == bits(0x1.80000ap0f));
    CHECK(fflags() == kNX);
    CHECK(s2(Op::fmul_s, 0x1.000006p0f, 1.5f, kRTZ) == bits(0x1.800008p0f));
    CHECK(s2(Op::fmul_s, 0x1.000006p0f, 1.5f, kRUP) == bits(0x1.80000ap0f));
    CHECK(d2(Op::fmul_d, 0x1.0000000000003p0, 1.5, kRNE) == bits(0x1.8000000000004p0));
    CHECK(d2(Op::fmul_d, 0x1.0000000000003p0, 1.5, kRMM) == bits(0x1.8000000000005p0));
    CHECK(fflags() == kNX);
    CHECK(d2(Op::fmul_d, -0x1.0000000000003p0, 1.5, kRMM) == bits(-0x1.8000000000005p0));
    CHECK(d2(Op::fmul_d, -0x1.0000000000003p0, 1.5, kRDN) == bits(-0x1.8000000000005p0));
    CHECK(d2(Op::fmul_d, -0x1.0000000000003p0, 1.5, kRUP) == bits(-0x1.8000000000004p0));
}

TEST_CASE_FIXTURE(Fp, "division and square root round in every mode") {
    // 1/3 = 0.0101...: binary32 rounds up to ...ab in RNE, binary64 rounds down to ...55.
    const uint32_t third_s[] = {0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab};
    const uint64_t third_d[] = {0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555,
                                0x3fd5555555555556, 0x3fd5555555555555};
    // sqrt(2): binary32 0x3fb504f3 lies below it, binary64 0x3ff6a09e667f3bcd above it.
    const uint32_t sqrt2_s[] = {0x3fb504f3, 0x3fb504f3, 0x3fb504f3, 0x3fb504f4, 0x3fb504f3};
    const uint64_t sqrt2_d[] = {0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcc,
                                0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcd};
    for (unsigned rm = kRNE; rm <= kRMM; ++rm) {
        CAPTURE(rm);
        CHECK(s2(Op::fdiv_s, 1.0f, 3.0f, rm) == third_s[rm]);
        CHECK(fflags() == kNX);
        CHECK(d2(Op::fdiv_d, 1.0, 3.0, rm) == third_d[rm]);
        CHECK(fflags() == kNX);
        CHECK(s2(Op::fsqrt_s, 2.0f, 0.0f, rm) == sqrt2_s[rm]);
        CHECK(fflags() == kNX);
        CHECK(d2(Op::fsqrt_d, 2.0, 0.0, rm) == sqrt2_d[rm]);
        CHECK(fflags() == kNX);
    }
    CHECK(s2(Op::fdiv_s, -1.0f, 3.0f, kRDN) == 0xbeaaaaab);
    CHECK(s2(Op::fdiv_s, -1.0f, 3.0f, kRUP) == 0xbeaaaaaa);
    CHECK(s2(Op::fsqrt_s, 4.0f, 0.0f, kRMM) == bits(2.0f));
    CHECK(fflags() == 0);
}

TEST_CASE_FIXTURE(Fp, "dynamic rounding uses frm") {
    for (unsigned frm = kRNE; frm <= kRMM; ++frm) {
        s.csr.fcsr = frm << kFrmShift;
        const uint32_t expected = frm == kRUP || frm == kRMM ? bits(0x1.000002p0f) : bits(1.0f);
        CHECK(s2(Op::fadd_s, 1.0f, 0x1p-24f, kDYN) == expected);
        CHECK(s.csr.fcsr == (frm << kFrmShift | kNX)); // frm untouched, NX accrued
    }
}

TEST_CASE_FIXTURE(Fp, "reserved rounding modes are illegal") {
    set(1, 1.0f), set(2, 2.0f), s.f[3] = 0x1234;
    for (unsigned rm : {5u, 6u}) {
        CHECK_FALSE(run(Op::fadd_s, 3, 1, 2, rm));
        CHECK(s.csr.mcause == kIllegal);
        CHECK_FALSE(run(Op::fcvt_d_s, 3, 1, 0, rm)); // even a conversion that never rounds
        CHECK_FALSE(run(Op::fcvt_w_s, 10, 1, 0, rm));
        CHECK_FALSE(run(Op::fmadd_d, 3, 1, 2, rm, 1));
    }
    for (uint32_t frm : {5u, 6u, 7u}) {
        s.csr.fcsr = frm << kFrmShift;
        CHECK_FALSE(run(Op::fadd_s, 3, 1, 2, kDYN));
        CHECK(s.csr.mcause == kIllegal);
        CHECK(s.csr.mtval == encode(Op::fadd_s, 3, 1, 2, kDYN, 0));
        CHECK_FALSE(run(Op::fcvt_s_l, 3, 1, 0, kDYN));
        // Ops without a rounding mode ignore frm.
        CHECK(run(Op::fsgnj_s, 5, 1, 2));
        CHECK(run(Op::fmin_d, 5, 1, 2));
    }
    CHECK(s.f[3] == 0x1234);
    CHECK((s.csr.fcsr & kFflagsMask) == 0);
}

TEST_CASE_FIXTURE(Fp, "each exception flag") {
    CHECK(s2(Op::fdiv_s, 0.0f, 0.0f) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);
    CHECK(d2(Op::fsub_d, kInfD, kInfD) == kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
    CHECK(s2(Op::fsqrt_s, -1.0f, 0.0f) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);
    CHECK(s2(Op::fsqrt_s, -0.0f, 0.0f) == bits(-0.0f)); // sqrt(-0) = -0, valid
    CHECK(fflags() == 0);
    CHECK(d2(Op::fdiv_d, -1.0, 0.0) == bits(-kInfD));
    CHECK(fflags() == kDZ);
    CHECK(s2(Op::fdiv_s, kInfF, 0.0f) == bits(kInfF)); // ∞/0 is exact, not a division by zero
    CHECK(fflags() == 0);
    // Overflow: the result depends on the mode and sign (IEEE 754 7.4).
    CHECK(s2(Op::fmul_s, kFltMax, 2.0f, kRNE) == bits(kInfF));
    CHECK(fflags() == (kOF | kNX));
    CHECK(s2(Op::fmul_s, kFltMax, 2.0f, kRTZ) == bits(kFltMax));
    CHECK(fflags() == (kOF | kNX));
    CHECK(s2(Op::fmul_s, -kFltMax, 2.0f, kRUP) == bits(-kFltMax));
    CHECK(s2(Op::fmul_s, -kFltMax, 2.0f, kRDN) == bits(-kInfF));
    CHECK(s2(Op::fmul_s, kFltMax, 2.0f, kRMM) == bits(kInfF));
    CHECK(fflags() == (kOF | kNX));
    CHECK(d2(Op::fmul_d, std::numeric_limits<double>::max(), 2.0, kRDN) ==
          bits(std::numeric_limits<double>::max()));
    CHECK(fflags() == (kOF | kNX));
    // Underflow is tiny and inexact: (1 + 2^-23)·2^-127 loses its last bit in the subnormal range.
    CHECK(s2(Op::fmul_s, 0x1.000002p-126f, 0.5f) == 0x00400000);
    CHECK(fflags() == (kUF | kNX));
    CHECK(s2(Op::fmul_s, 0x1p-126f, 0.5f) == 0x00400000); // exact subnormal: no flag at all
    CHECK(fflags() == 0);
    CHECK(d2(Op::fmul_d, 0x1.0000000000001p-1022, 0.5, kRMM) == 0x0008000000000001); // RMM: tie away
    CHECK(fflags() == (kUF | kNX));
    CHECK(s2(Op::fadd_s, 1.0f, 0x1p-30f) == bits(1.0f));
    CHECK(fflags() == kNX);
}

TEST_CASE_FIXTURE(Fp, "fflags accrue and are never cleared by an instruction") {
    clear_fflags();
    set(1, 1.0f), set(2, 0.0f), set(4, 3.0f);
    REQUIRE(run(Op::fdiv_s, 3, 1, 2)); // DZ
    REQUIRE(run(Op::fdiv_s, 3, 1, 4)); // NX
    REQUIRE(run(Op::fadd_s, 3, 1, 1)); // exact
    CHECK(fflags() == (kDZ | kNX));
}

TEST_CASE_FIXTURE(Fp, "tininess is detected after rounding") {
    // (2 - 2^-22)(1 + 2^-23)·2^-127 = 2^-126(1 - 2^-46): below the smallest normal before rounding, but
    // rounding to 24 bits with an unbounded exponent gives exactly 2^-126, so RNE raises no UF; RTZ stays
    // tiny.
    CHECK(s2(Op::fmul_s, 0x1.fffffcp-63f, 0x1.000002p-64f, kRNE) == 0x00800000);
    CHECK(fflags() == kNX);
    CHECK(s2(Op::fmul_s, 0x1.fffffcp-63f, 0x1.000002p-64f, kRTZ) == 0x007fffff);
    CHECK(fflags() == (kUF | kNX));
    CHECK(s2(Op::fmul_s, 0x1.fffffcp-63f, 0x1.000002p-64f, kRMM) == 0x00800000);
    CHECK(fflags() == kNX);
    CHECK(d2(Op::fmul_d, 0x1.ffffffffffffep-511, 0x1.0000000000001p-512, kRNE) == 0x0010000000000000);
    CHECK(fflags() == kNX);
    CHECK(d2(Op::fmul_d, 0x1.ffffffffffffep-511, 0x1.0000000000001p-512, kRTZ) == 0x000fffffffffffff);
    CHECK(fflags() == (kUF | kNX));
    CHECK(d2(Op::fmul_d, 0x1.ffffffffffffep-511, 0x1.0000000000001p-512, kRMM) == 0x0010000000000000);
    CHECK(fflags() == kNX);
    // The same through fmadd: 2^-126(1 - 2^-25) and 2^-1022(1 - 2^-54), one bit more than the precision.
    CHECK(s3(Op::fmadd_s, 0x1p-75f, -0x1p-76f, 0x1p-126f, kRNE) == 0x00800000);
    CHECK(fflags() == kNX);
    CHECK(s3(Op::fmadd_s, 0x1p-75f, -0x1p-76f, 0x1p-126f, kRTZ) == 0x007fffff);
    CHECK(fflags() == (kUF | kNX));
    CHECK(d3(Op::fmadd_d, 0x1p-500, -0x1p-576, 0x1p-1022, kRNE) == 0x0010000000000000);
    CHECK(fflags() == kNX);
    CHECK(d3(Op::fmadd_d, 0x1p-500, -0x1p-576, 0x1p-1022, kRTZ) == 0x000fffffffffffff);
    CHECK(fflags() == (kUF | kNX));
}

TEST_CASE_FIXTURE(Fp, "fused multiply-add rounds once") {
    // (1 + 2^-23)(1 - 2^-24) - 1 = 2^-24 - 2^-47 exactly; a separate multiply would round the product to 1.
    CHECK(s3(Op::fmadd_s, 0x1.000002p0f, 0x1.fffffep-1f, -1.0f) == bits(0x1.fffffcp-25f));
    CHECK(fflags() == 0);
    CHECK(d3(Op::fmadd_d, 0x1.0000000000001p0, 0x1.fffffffffffffp-1, -1.0) == bits(0x1.ffffffffffffep-54));
    CHECK(fflags() == 0);
    // 1 + 2^-23 + 2^-24 - 2^-70: just below a binary32 tie. Computing in double first would round to the tie
    // itself and then to even (1 + 2^-22); the correct result is 1 + 2^-23.
    const float a = 0x1.000002p0f, b = 0x1.fffffcp-25f, c = 0x1.000002p0f;
    CHECK(s3(Op::fmadd_s, a, b, c, kRNE) == bits(0x1.000002p0f));
    CHECK(fflags() == kNX);
    CHECK(s3(Op::fmadd_s, a, b, c, kRMM) == bits(0x1.000002p0f));
    CHECK(s3(Op::fmadd_s, a, b, c, kRUP) == bits(0x1.000004p0f));
    CHECK(s3(Op::fmadd_s, a, b, c, kRTZ) == bits(0x1.000002p0f));
    CHECK(fflags() == kNX);
    // binary64 RMM: 1.5 + 4.5·2^-52 is a tie; a tiny addend moves it either side.
    CHECK(d3(Op::fmadd_d, 0x1.0000000000003p0, 1.5, 0.0, kRMM) == bits(0x1.8000000000005p0));
    CHECK(d3(Op::fmadd_d, 0x1.0000000000003p0, 1.5, -0x1p-200, kRMM) == bits(0x1.8000000000004p0));
    CHECK(fflags() == kNX);
    CHECK(d3(Op::fmadd_d, 0x1.0000000000003p0, 1.5, 0x1p-200, kRNE) == bits(0x1.8000000000005p0));
    CHECK(d3(Op::fmadd_d, 0x1.0000000000003p0, 1.5, -0x1p-200, kRUP) == bits(0x1.8000000000005p0));
    CHECK(d3(Op::fmadd_d, 0x1.0000000000003p0, 1.5, 0x1p-200, kRTZ) == bits(0x1.8000000000004p0));
}

TEST_CASE_FIXTURE(Fp, "the four fused forms and their signs") {
    CHECK(s3(Op::fmadd_s, 2.0f, 3.0f, 1.0f) == bits(7.0f));
    CHECK(s3(Op::fmsub_s, 2.0f, 3.0f, 1.0f) == bits(5.0f));
    CHECK(s3(Op::fnmsub_s, 2.0f, 3.0f, 1.0f) == bits(-5.0f));
    CHECK(s3(Op::fnmadd_s, 2.0f, 3.0f, 1.0f) == bits(-7.0f));
    CHECK(d3(Op::fmadd_d, 2.0, 3.0, 1.0) == bits(7.0));
    CHECK(d3(Op::fmsub_d, 2.0, 3.0, 1.0) == bits(5.0));
    CHECK(d3(Op::fnmsub_d, 2.0, 3.0, 1.0) == bits(-5.0));
    CHECK(d3(Op::fnmadd_d, 2.0, 3.0, 1.0) == bits(-7.0));
    // -(0·1) - 0 = -0 + -0 = -0; -(0·1) + 0 = +0 in RNE and -0 in RDN.
    CHECK(s3(Op::fnmadd_s, 0.0f, 1.0f, 0.0f) == bits(-0.0f));
    CHECK(d3(Op::fnmsub_d, 0.0, 1.0, 0.0) == bits(0.0));
    CHECK(d3(Op::fnmsub_d, 0.0, 1.0, 0.0, kRDN) == bits(-0.0));
    CHECK(s3(Op::fmsub_s, 1.0f, 1.0f, 1.0f, kRDN) == bits(-0.0f));
    CHECK(s3(Op::fmsub_s, 1.0f, 1.0f, 1.0f, kRMM) == bits(0.0f));
}

TEST_CASE_FIXTURE(Fp, "fused multiply-add invalid cases") {
    const float qnan = std::bit_cast<float>(kQNaNPayload32);
    // ∞×0 is invalid even with a quiet NaN addend (spec, FMADD).
    CHECK(s3(Op::fmadd_s, kInfF, 0.0f, qnan) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);
    CHECK(d3(Op::fnmadd_d, 0.0, -kInfD, std::bit_cast<double>(kQNaNPayload64)) == kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
    CHECK(d3(Op::fmadd_d, kInfD, 0.0, 1.0, kRMM) == kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
    CHECK(s3(Op::fmadd_s, kInfF, 1.0f, -kInfF) == kCanonicalNaN<float>); // ∞ - ∞
    CHECK(fflags() == kNV);
    CHECK(s3(Op::fmadd_s, 1.0f, 1.0f, std::bit_cast<float>(kSNaN32)) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);
    CHECK(s3(Op::fmadd_s, 1.0f, 1.0f, qnan) == kCanonicalNaN<float>); // quiet NaN: no flag
    CHECK(fflags() == 0);
    CHECK(d3(Op::fmadd_d, 1.0, 1.0, std::bit_cast<double>(kSNaN64), kRMM) == kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
}

TEST_CASE_FIXTURE(Fp, "NaN results are canonical") {
    CHECK(s2(Op::fadd_s, std::bit_cast<float>(kQNaNPayload32), 1.0f) == kCanonicalNaN<float>);
    CHECK(fflags() == 0);
    CHECK(s2(Op::fmul_s, 1.0f, std::bit_cast<float>(kSNaN32 | 0x80000000)) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);
    CHECK(d2(Op::fsub_d, std::bit_cast<double>(kQNaNPayload64), 1.0) == kCanonicalNaN<double>);
    CHECK(fflags() == 0);
    CHECK(d2(Op::fdiv_d, std::bit_cast<double>(kSNaN64), 1.0, kRMM) == kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
    CHECK(s2(Op::fadd_s, std::bit_cast<float>(kSNaN32), 1.0f, kRMM) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);
}

TEST_CASE_FIXTURE(Fp, "NaN-boxing of singles") {
    // An improperly boxed single reads as the canonical NaN (a quiet NaN: no flag).
    s.f[1] = 0x000000003f800000, set(2, 1.0f), clear_fflags();
    REQUIRE(run(Op::fadd_s, 3, 1, 2));
    CHECK(single(3) == kCanonicalNaN<float>);
    CHECK(fflags() == 0);
    REQUIRE(run(Op::fsgnjn_s, 3, 1, 1)); // sign injection sees the canonical NaN too
    CHECK(single(3) == (kCanonicalNaN<float> | 0x80000000));
    REQUIRE(run(Op::fmin_s, 3, 1, 2)); // a NaN operand yields the other
    CHECK(single(3) == bits(1.0f));
    s.f[1] = 0xfffffffe3f800000; // upper bits not all ones
    REQUIRE(run(Op::fcvt_d_s, 3, 1));
    CHECK(s.f[3] == kCanonicalNaN<double>);
    // Moves and stores transfer the raw low bits; fmv.x.w sign-extends.
    s.f[1] = 0x0000000080000001;
    REQUIRE(run(Op::fmv_x_w, 10, 1));
    CHECK(s.x[10] == 0xffffffff80000001);
    s.x[11] = 0x123456787fc00001;
    REQUIRE(run(Op::fmv_w_x, 4, 11));
    CHECK(s.f[4] == 0xffffffff7fc00001);
    s.x[5] = 0x80000100;
    REQUIRE(run(Op::fsw, 0, 5, 1));
    uint64_t word = 0;
    REQUIRE(hart.load<uint64_t>(0x80000100, word));
    CHECK(word == 0x80000001);
    REQUIRE(hart.store<uint32_t>(0x80000104, 0x40490fdb));
    s.x[5] = 0x80000104;
    REQUIRE(run(Op::flw, 6, 5));
    CHECK(s.f[6] == 0xffffffff40490fdb);
    // Double moves and loads/stores are raw 64 bits.
    s.x[11] = 0x7ff0000000000001;
    REQUIRE(run(Op::fmv_d_x, 7, 11));
    CHECK(s.f[7] == 0x7ff0000000000001);
    s.x[5] = 0x80000108;
    REQUIRE(run(Op::fsd, 0, 5, 7));
    REQUIRE(run(Op::fld, 8, 5));
    CHECK(s.f[8] == 0x7ff0000000000001);
    REQUIRE(run(Op::fmv_x_d, 12, 8));
    CHECK(s.x[12] == 0x7ff0000000000001);
    CHECK(fflags() == 0);
}

TEST_CASE_FIXTURE(Fp, "fmin and fmax") {
    const float snan = std::bit_cast<float>(kSNaN32), qnan = std::bit_cast<float>(kQNaNPayload32);
    CHECK(s2(Op::fmin_s, 1.0f, 2.0f) == bits(1.0f));
    CHECK(s2(Op::fmax_s, 1.0f, 2.0f) == bits(2.0f));
    CHECK(fflags() == 0);
    // -0.0 is less than +0.0, whichever order.
    CHECK(s2(Op::fmin_s, 0.0f, -0.0f) == bits(-0.0f));
    CHECK(s2(Op::fmin_s, -0.0f, 0.0f) == bits(-0.0f));
    CHECK(s2(Op::fmax_s, -0.0f, 0.0f) == bits(0.0f));
    CHECK(s2(Op::fmax_s, 0.0f, -0.0f) == bits(0.0f));
    CHECK(d2(Op::fmin_d, 0.0, -0.0) == bits(-0.0));
    CHECK(d2(Op::fmax_d, -0.0, 0.0) == bits(0.0));
    // One NaN: the other operand; NV only for a signalling NaN.
    CHECK(s2(Op::fmin_s, qnan, -3.0f) == bits(-3.0f));
    CHECK(fflags() == 0);
    CHECK(s2(Op::fmax_s, 5.0f, snan) == bits(5.0f));
    CHECK(fflags() == kNV);
    CHECK(d2(Op::fmax_d, std::bit_cast<double>(kSNaN64), -kInfD) == bits(-kInfD));
    CHECK(fflags() == kNV);
    // Both NaN: the canonical NaN.
    CHECK(s2(Op::fmin_s, qnan, qnan) == kCanonicalNaN<float>);
    CHECK(fflags() == 0);
    CHECK(d2(Op::fmax_d, std::bit_cast<double>(kQNaNPayload64), std::bit_cast<double>(kSNaN64)) ==
          kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
}

TEST_CASE_FIXTURE(Fp, "comparisons: feq quiet, flt/fle signalling") {
    auto cmp = [&](Op op, double a, double b) {
        set(1, a), set(2, b), clear_fflags();
        REQUIRE(run(op, 10, 1, 2));
        return s.x[10];
    };
    auto cmp_s = [&](Op op, float a, float b) {
        set(1, a), set(2, b), clear_fflags();
        REQUIRE(run(op, 10, 1, 2));
        return s.x[10];
    };
    const double qnan = std::bit_cast<double>(kQNaNPayload64), snan = std::bit_cast<double>(kSNaN64);
    CHECK(cmp(Op::feq_d, -0.0, 0.0) == 1);
    CHECK(cmp(Op::flt_d, -0.0, 0.0) == 0);
    CHECK(cmp(Op::fle_d, -0.0, 0.0) == 1);
    CHECK(cmp(Op::flt_d, 1.0, 2.0) == 1);
    CHECK(fflags() == 0);
    CHECK(cmp(Op::feq_d, qnan, qnan) == 0);
    CHECK(fflags() == 0);
    CHECK(cmp(Op::feq_d, 1.0, snan) == 0);
    CHECK(fflags() == kNV);
    CHECK(cmp(Op::flt_d, qnan, 1.0) == 0);
    CHECK(fflags() == kNV);
    CHECK(cmp(Op::fle_d, 1.0, qnan) == 0);
    CHECK(fflags() == kNV);
    CHECK(cmp_s(Op::feq_s, std::bit_cast<float>(kQNaNPayload32), 1.0f) == 0);
    CHECK(fflags() == 0);
    CHECK(cmp_s(Op::fle_s, 2.0f, 2.0f) == 1);
    CHECK(cmp_s(Op::flt_s, std::bit_cast<float>(kQNaNPayload32), 1.0f) == 0);
    CHECK(fflags() == kNV);
    s.f[1] = 0x3f800000, set(2, 1.0f); // unboxed: the canonical (quiet) NaN
    clear_fflags();
    REQUIRE(run(Op::feq_s, 10, 1, 2));
    CHECK(s.x[10] == 0);
    CHECK(fflags() == 0);
}

TEST_CASE_FIXTURE(Fp, "fclass: all ten classes") {
    auto cls_s = [&](uint32_t raw) {
        s.f[1] = box(raw);
        REQUIRE(run(Op::fclass_s, 10, 1));
        return s.x[10];
    };
    auto cls_d = [&](uint64_t raw) {
        s.f[1] = raw;
        REQUIRE(run(Op::fclass_d, 10, 1));
        return s.x[10];
    };
    const uint32_t singles[10] = {bits(-kInfF), bits(-1.0f), 0x80000001,  bits(-0.0f), bits(0.0f),
                                  0x007fffff,   bits(1.0f),  bits(kInfF), kSNaN32,     kQNaNPayload32};
    const uint64_t doubles[10] = {bits(-kInfD), bits(-1.0),         0x800fffffffffffff, bits(-0.0),
                                  bits(0.0),    0x0000000000000001, bits(1.0),          bits(kInfD),
                                  kSNaN64,      kQNaNPayload64};
    for (unsigned i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(cls_s(singles[i]) == 1u << i);
        CHECK(cls_d(doubles[i]) == 1u << i);
    }
    s.f[1] = 0x7f800000; // unboxed +inf reads as the canonical quiet NaN
    REQUIRE(run(Op::fclass_s, 10, 1));
    CHECK(s.x[10] == 1u << 9);
}

TEST_CASE_FIXTURE(Fp, "fcvt to integers rounds in every mode") {
    const int64_t pos[] = {2, 2, 2, 3, 3}, neg[] = {-2, -2, -3, -2, -3}; // 2.5 and -2.5 by rm
    for (unsigned rm = kRNE; rm <= kRMM; ++rm) {
        CAPTURE(rm);
        CHECK(to_x(Op::fcvt_w_s, box(bits(2.5f)), rm) == static_cast<uint64_t>(pos[rm]));
        CHECK(fflags() == kNX);
        CHECK(to_x(Op::fcvt_l_d, bits(-2.5), rm) == static_cast<uint64_t>(neg[rm]));
        CHECK(fflags() == kNX);
    }
    CHECK(to_x(Op::fcvt_w_d, bits(-3.0)) == static_cast<uint64_t>(-3));
    CHECK(fflags() == 0);
    // -0.5 rounds to -0, which fits an unsigned type: inexact only. In RDN it rounds to -1: invalid.
    CHECK(to_x(Op::fcvt_wu_s, box(bits(-0.5f)), kRTZ) == 0);
    CHECK(fflags() == kNX);
    CHECK(to_x(Op::fcvt_lu_d, bits(-0.5), kRDN) == 0);
    CHECK(fflags() == kNV);
    // 2^31 - 0.5 rounds to 2^31 in RNE (out of range) but to 2^31 - 1 in RTZ.
    CHECK(to_x(Op::fcvt_w_d, bits(2147483647.5), kRNE) == 0x7fffffff);
    CHECK(fflags() == kNV);
    CHECK(to_x(Op::fcvt_w_d, bits(2147483647.5), kRTZ) == 0x7fffffff);
    CHECK(fflags() == kNX);
    // W results are sign-extended, also the unsigned ones.
    CHECK(to_x(Op::fcvt_wu_s, box(bits(0x1.fffffep31f))) == 0xffffffffffffff00);
    CHECK(fflags() == 0);
    CHECK(to_x(Op::fcvt_wu_d, bits(4294967295.0)) == 0xffffffffffffffff);
    CHECK(fflags() == 0);
    CHECK(to_x(Op::fcvt_w_s, box(bits(-0x1p31f))) == 0xffffffff80000000);
    CHECK(fflags() == 0);
    CHECK(to_x(Op::fcvt_l_d, bits(-0x1p63)) == 0x8000000000000000);
    CHECK(to_x(Op::fcvt_lu_d, bits(0x1.fffffffffffffp63)) == 0xfffffffffffff800);
    CHECK(to_x(Op::fcvt_lu_s, box(bits(0x1.fffffep63f))) == 0xffffff0000000000);
    CHECK(fflags() == 0);
}

TEST_CASE_FIXTURE(Fp, "fcvt to integers saturates for every integer type") {
    struct Case {
        Op op;
        uint64_t max, min, big; // results for +∞/NaN, -∞, and the first out-of-range value above
    } cases[] = {
        {Op::fcvt_w_s, 0x7fffffff, 0xffffffff80000000, box(bits(0x1p31f))},
        {Op::fcvt_wu_s, 0xffffffffffffffff, 0, box(bits(0x1p32f))},
        {Op::fcvt_l_s, 0x7fffffffffffffff, 0x8000000000000000, box(bits(0x1p63f))},
        {Op::fcvt_lu_s, 0xffffffffffffffff, 0, box(bits(0x1p64f))},
        {Op::fcvt_w_d, 0x7fffffff, 0xffffffff80000000, bits(0x1p31)},
        {Op::fcvt_wu_d, 0xffffffffffffffff, 0, bits(0x1p32)},
        {Op::fcvt_l_d, 0x7fffffffffffffff, 0x8000000000000000, bits(0x1p63)},
        {Op::fcvt_lu_d, 0xffffffffffffffff, 0, bits(0x1p64)},
    };
    for (const Case& c : cases) {
        CAPTURE(op_info(c.op).mnemonic);
        const bool single =
            c.op == Op::fcvt_w_s || c.op == Op::fcvt_wu_s || c.op == Op::fcvt_l_s || c.op == Op::fcvt_lu_s;
        const uint64_t inf = single ? box(bits(kInfF)) : bits(kInfD);
        const uint64_t neg_inf = single ? box(bits(-kInfF)) : bits(-kInfD);
        const uint64_t nan = single ? box(kSNaN32) : kQNaNPayload64;
        const uint64_t neg_big = single ? box(bits(-0x1p64f)) : bits(-0x1p64);
        CHECK(to_x(c.op, nan) == c.max);
        CHECK(fflags() == kNV);
        CHECK(to_x(c.op, inf) == c.max);
        CHECK(fflags() == kNV);
        CHECK(to_x(c.op, c.big, kRTZ) == c.max);
        CHECK(fflags() == kNV); // NV, not NX
        CHECK(to_x(c.op, neg_inf) == c.min);
        CHECK(fflags() == kNV);
        CHECK(to_x(c.op, neg_big) == c.min);
        CHECK(fflags() == kNV);
    }
    // -1 is out of range for the unsigned types.
    CHECK(to_x(Op::fcvt_wu_d, bits(-1.0)) == 0);
    CHECK(fflags() == kNV);
}

TEST_CASE_FIXTURE(Fp, "fcvt from integers rounds in every mode") {
    // 2^24 + 1 is a tie between 2^24 (even) and 2^24 + 2.
    const float pos[] = {0x1p24f, 0x1p24f, 0x1p24f, 0x1.000002p24f, 0x1.000002p24f};
    const float neg[] = {-0x1p24f, -0x1p24f, -0x1.000002p24f, -0x1p24f, -0x1.000002p24f};
    for (unsigned rm = kRNE; rm <= kRMM; ++rm) {
        CAPTURE(rm);
        CHECK(from_x(Op::fcvt_s_w, 16777217, rm) == box(bits(pos[rm])));
        CHECK(fflags() == kNX);
        CHECK(from_x(Op::fcvt_s_l, static_cast<uint64_t>(-16777217), rm) == box(bits(neg[rm])));
        CHECK(fflags() == kNX);
    }
    // The W forms use the low 32 bits only.
    CHECK(from_x(Op::fcvt_s_w, 0xffffffff00000005) == box(bits(5.0f)));
    CHECK(from_x(Op::fcvt_s_w, 0x00000000ffffffff) == box(bits(-1.0f)));
    CHECK(from_x(Op::fcvt_d_wu, 0xffffffffffffffff) == bits(4294967295.0));
    CHECK(fflags() == 0);
    CHECK(from_x(Op::fcvt_s_wu, 0xffffffff) == box(bits(0x1p32f)));
    CHECK(fflags() == kNX);
    CHECK(from_x(Op::fcvt_s_lu, 0xffffffffffffffff, kRTZ) == box(bits(0x1.fffffep63f)));
    CHECK(from_x(Op::fcvt_d_lu, 0xffffffffffffffff, kRNE) == bits(0x1p64));
    CHECK(from_x(Op::fcvt_d_lu, 0xffffffffffffffff, kRDN) == bits(0x1.fffffffffffffp63));
    CHECK(fflags() == kNX);
    CHECK(from_x(Op::fcvt_d_l, 0x8000000000000000) == bits(-0x1p63));
    CHECK(from_x(Op::fcvt_d_w, 0) == bits(0.0)); // +0, never -0
    CHECK(fflags() == 0);
}

TEST_CASE_FIXTURE(Fp, "fcvt between single and double") {
    auto narrow_to = [&](double v, unsigned rm) {
        set(1, v), clear_fflags();
        REQUIRE(run(Op::fcvt_s_d, 3, 1, 0, rm));
        return single(3);
    };
    CHECK(narrow_to(1.5, kRNE) == bits(1.5f));
    CHECK(fflags() == 0);
    CHECK(narrow_to(1.0 + 0x1p-24, kRNE) == bits(1.0f)); // tie to even
    CHECK(narrow_to(1.0 + 0x1p-24, kRMM) == bits(0x1.000002p0f));
    CHECK(narrow_to(-(1.0 + 0x1p-24), kRDN) == bits(-0x1.000002p0f));
    CHECK(fflags() == kNX);
    CHECK(narrow_to(1e300, kRNE) == bits(kInfF));
    CHECK(fflags() == (kOF | kNX));
    CHECK(narrow_to(1e300, kRTZ) == bits(kFltMax));
    CHECK(narrow_to(-1e300, kRMM) == bits(-kInfF));
    CHECK(fflags() == (kOF | kNX));
    CHECK(narrow_to(0x1.0000000000001p-140, kRNE) == 0x00000200);
    CHECK(fflags() == (kUF | kNX));
    CHECK(narrow_to(0x1p-140, kRMM) == 0x00000200); // exact subnormal
    CHECK(fflags() == 0);
    CHECK(narrow_to(0x1p-200, kRUP) == 0x00000001);
    CHECK(fflags() == (kUF | kNX));
    CHECK(narrow_to(std::bit_cast<double>(kQNaNPayload64), kRNE) == kCanonicalNaN<float>);
    CHECK(fflags() == 0);
    CHECK(narrow_to(std::bit_cast<double>(kSNaN64), kRMM) == kCanonicalNaN<float>);
    CHECK(fflags() == kNV);

    set(1, 0x1p-149f), clear_fflags();
    REQUIRE(run(Op::fcvt_d_s, 3, 1));
    CHECK(s.f[3] == bits(0x1p-149));
    CHECK(fflags() == 0);
    s.f[1] = box(kSNaN32);
    REQUIRE(run(Op::fcvt_d_s, 3, 1));
    CHECK(s.f[3] == kCanonicalNaN<double>);
    CHECK(fflags() == kNV);
}

TEST_CASE_FIXTURE(Fp, "sign injection works on raw bits") {
    s.f[1] = box(kSNaN32), set(2, -1.0f), clear_fflags();
    REQUIRE(run(Op::fsgnj_s, 3, 1, 2));
    CHECK(single(3) == (kSNaN32 | 0x80000000)); // NaN kept as is, not canonicalised
    REQUIRE(run(Op::fsgnjn_s, 3, 2, 2));
    CHECK(single(3) == bits(1.0f));
    REQUIRE(run(Op::fsgnjx_s, 3, 2, 2));
    CHECK(single(3) == bits(1.0f));
    CHECK(fflags() == 0);
    set(1, 2.0), set(2, -0.0);
    REQUIRE(run(Op::fsgnjx_d, 3, 1, 2));
    CHECK(s.f[3] == bits(-2.0));
    REQUIRE(run(Op::fsgnjn_d, 3, 1, 2));
    CHECK(s.f[3] == bits(2.0));
}

TEST_CASE_FIXTURE(Fp, "every F and D instruction is illegal while FS is Off") {
    s.csr.mstatus = 0;
    for (unsigned i = 0; i < 32; ++i)
        s.f[i] = 0x1111 * i, s.x[i] = 0x80000000 + 8 * i;
    for (size_t i = 0; i < kOpCount; ++i) {
        const Op op = static_cast<Op>(i);
        const std::string_view operands = op_info(op).operands;
        if (operands.find('f') != 0 && operands.find(",f") == std::string_view::npos) continue; // not F/D
        CAPTURE(op_info(op).mnemonic);
        CHECK_FALSE(run(op, 3, 5, 6, kRNE, 7));
        CHECK(s.csr.mcause == kIllegal);
    }
    for (unsigned i = 0; i < 32; ++i)
        CHECK(s.f[i] == 0x1111 * i);
    CHECK(s.x[3] == 0x80000000 + 8 * 3);
    CHECK((s.csr.mstatus & (csr_bits::kFS | csr_bits::kSD)) == 0); // the trap itself may change other fields
    CHECK(s.csr.fcsr == 0);
}

TEST_CASE_FIXTURE(Fp, "writing an f register or fflags makes FS dirty") {
    constexpr uint64_t kDirty = csr_bits::kFSDirty | csr_bits::kSD;
    auto fresh = [&] { s.csr.mstatus = kFsInitial, clear_fflags(); };
    set(1, 1.0f), set(2, 2.0f), s.x[5] = 0x80000100;
    fresh();
    REQUIRE(run(Op::fsw, 0, 5, 1)); // reads only
    REQUIRE(run(Op::fmv_x_w, 10, 1));
    REQUIRE(run(Op::feq_s, 10, 1, 2)); // no flag raised
    REQUIRE(run(Op::fclass_s, 10, 1));
    REQUIRE(run(Op::fcvt_w_s, 10, 1)); // exact
    CHECK(s.csr.mstatus == kFsInitial);
    REQUIRE(run(Op::fcvt_w_s, 10, 1, 0, kRNE)); // still exact
    set(4, 1.5f);
    REQUIRE(run(Op::fcvt_w_s, 10, 4)); // NX: fflags written
    CHECK(s.csr.mstatus == (kFsInitial | kDirty));
    fresh();
    s.f[4] = box(kSNaN32);
    REQUIRE(run(Op::flt_s, 10, 4, 1)); // NV
    CHECK(s.csr.mstatus == (kFsInitial | kDirty));
    fresh();
    REQUIRE(run(Op::fadd_s, 3, 1, 1)); // exact, but writes f3
    CHECK(s.csr.mstatus == (kFsInitial | kDirty));
    s.csr.mstatus = 2ull << csr_bits::kFSShift; // Clean
    REQUIRE(run(Op::fmv_d_x, 3, 5));
    CHECK(s.csr.mstatus == kDirty);
    s.csr.mstatus = kFsInitial;
    REQUIRE(run(Op::flw, 3, 5));
    CHECK(s.csr.mstatus == (kFsInitial | kDirty));
}

TEST_CASE_FIXTURE(Fp, "the host rounding mode is restored after each operation") {
    CHECK(s2(Op::fadd_s, 1.0f, 0x1p-24f, kRUP) == bits(0x1.000002p0f));
    CHECK(std::fegetround() == FE_TONEAREST);
    CHECK(d2(Op::fadd_d, 1.0, 0x1p-53, kRMM) == bits(0x1.0000000000001p0));
    CHECK(std::fegetround() == FE_TONEAREST);
    CHECK(s3(Op::fmadd_s, 1.0f, 1.0f, 0x1p-24f, kRDN) == bits(1.0f));
    CHECK(std::fegetround() == FE_TONEAREST);
}

TEST_CASE_FIXTURE(Fp, "new flags are seen after others have accrued (FS Dirty)") {
    s.csr.mstatus = csr_bits::kFSDirty | csr_bits::kSD;
    s.csr.fcsr = kNX;
    set(1, 1.0f), set(2, 0x1p-30f), set(4, 0x1.000002p-126f), set(5, 0.5f), set(6, 0.0f), set(7, kFltMax);
    REQUIRE(run(Op::fadd_s, 3, 1, 2)); // NX again
    CHECK(s.csr.fcsr == kNX);
    REQUIRE(run(Op::fmul_s, 3, 4, 5)); // UF
    CHECK(s.csr.fcsr == (kNX | kUF));
    REQUIRE(run(Op::fadd_s, 3, 1, 2, kRUP));
    REQUIRE(run(Op::fdiv_s, 3, 1, 6)); // DZ
    CHECK(s.csr.fcsr == (kNX | kUF | kDZ));
    REQUIRE(run(Op::fmul_s, 3, 7, 7, kRDN)); // OF
    CHECK(s.csr.fcsr == (kNX | kUF | kDZ | kOF));
    REQUIRE(run(Op::fdiv_s, 3, 6, 6)); // NV
    CHECK(s.csr.fcsr == (kNX | kUF | kDZ | kOF | kNV));
    // Accrued flags from earlier do not leak into a fresh start.
    clear_fflags();
    REQUIRE(run(Op::fadd_s, 3, 1, 1));
    CHECK(fflags() == 0);
    // FS Clean with NX accrued: raising NX again is a write of fflags and dirties FS.
    s.csr.mstatus = 2ull << csr_bits::kFSShift, s.csr.fcsr = kNX;
    REQUIRE(run(Op::fcvt_w_s, 10, 2));
    CHECK(s.csr.mstatus == (csr_bits::kFSDirty | csr_bits::kSD));
}
