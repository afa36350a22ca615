// F and D in translated code against the interpreter: every op on special operands in every rounding mode,
// with NX accrued or not and FS Initial or Dirty (the inline fast paths and their fallbacks), mstatus.FS
// checks and dirtying, NaN-boxing, compressed FP loads and stores.
#include <doctest/doctest.h>

#include <cstdint>
#include <string_view>
#include <vector>
#include <xmmintrin.h>

#include "cpu/csr_bits.hpp"
#include "cpu/fpu.hpp"
#include "cpu/trap.hpp"
#include "test_jit_harness.hpp"

using namespace tern;
using namespace tern::test;

namespace {

constexpr uint64_t kHandler = kCode + 0x3000; // mtvec: a `jal x0, 0` the tests stop at
constexpr uint64_t kFsInitial = 1ull << csr_bits::kFSShift;
constexpr uint64_t kBox = 0xffffffff00000000ull;

// Operands in f0..f9 (and x5..x9 for the integer-source ops): zeros, infinities, NaNs (quiet, signalling),
// subnormals, the smallest normal, a product that underflows or overflows, inexact sums, an unboxed single.
const std::vector<uint64_t> kDoubles = {
    0x3ff0000000000001, 1ull << 63,         0x7ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
    0x000fffffffffffff, 0x0010000000000000, 0x2000000000000000, 0x5ff0000000000000, 0xbfd5555555555555};
const std::vector<uint64_t> kSingles = {
    kBox | 0x3f800001, kBox | 0x80000000, kBox | 0x7f800000, kBox | 0x7fc00000, kBox | 0x7f800001,
    kBox | 0x007fffff, kBox | 0x00800000, kBox | 0x1f800000, kBox | 0x5f800000, 0x00000000bf800000};
const std::vector<uint64_t> kIntegers = {0, ~0ull, 1ull << 63, 0x0020000000000001, 0x7fffffff};
constexpr unsigned kOperands = 10;

bool is_fp_compute_op(Op op) {
    const std::string_view ops = op_info(op).operands;
    return op_info(op).imm == ImmKind::None && (ops.find("fs1") != ops.npos || ops.starts_with("fd"));
}

// Every (rs1, rs2) pair of operand registers, each instruction its own block (`jal x0, 4` after it), so the
// lockstep compares after each one.
std::vector<uint32_t> all_pairs(Op op, unsigned rm) {
    std::vector<uint32_t> code;
    unsigned k = 0;
    for (unsigned a = 0; a < kOperands; ++a)
        for (unsigned b = 0; b < kOperands; ++b, ++k) {
            const bool to_x = op_info(op).operands.starts_with("xd");
            const unsigned rd = to_x ? 10 + k % 8 : 16 + k % 16;
            const unsigned rs1 = op_info(op).operands.find("xs1") != std::string_view::npos ? 5 + a % 5 : a;
            uint32_t raw = encode(op, rd, rs1, b);
            raw |= ((rm << 12) | ((b + a) % kOperands) << 27) & ~op_info(op).mask; // rm, rs3
            code.push_back(raw);
            code.push_back(encode(Op::jal, 0, 0, 0, 4));
        }
    code.push_back(kSpin);
    return code;
}

} // namespace

TEST_CASE("jit fp: every F/D op equals the interpreter on special values in every rounding mode") {
    LockstepPair p({}, 64 << 10);
    p.write_code(kHandler, {kSpin});
    p.both([](Hart& h) { h.state.csr.mtvec = kHandler; });
    p.lockstep.set_memory_check_interval(1000); // these ops do not touch memory
    unsigned ops = 0;
    for (size_t i = 0; i < kOpCount; ++i) {
        const Op op = static_cast<Op>(i);
        if (!is_fp_compute_op(op)) continue;
        ++ops;
        const bool has_rm = op_info(op).operands.ends_with("rm");
        for (unsigned rm : has_rm ? std::vector<unsigned>{0, 1, 2, 3, 4, 7} : std::vector<unsigned>{0}) {
            const std::vector<uint32_t> code = all_pairs(op, rm);
            p.write_code(kCode, code);
            const uint64_t end = kCode + 4 * (code.size() - 1);
            for (unsigned frm : rm == 7 ? std::vector<unsigned>{0, 1, 2, 3, 4} : std::vector<unsigned>{0})
                for (uint32_t fflags : {0u, fpu::kNX})
                    for (uint64_t fs : {kFsInitial, csr_bits::kFSDirty}) {
                        const bool single =
                            op_info(op).mnemonic.find(".s") != std::string_view::npos && op != Op::fcvt_s_d;
                        p.both([&](Hart& h) {
                            for (unsigned r = 0; r < kOperands; ++r)
                                h.state.f[r] = single ? kSingles[r] : kDoubles[r];
                            for (unsigned r = 0; r < 5; ++r)
                                h.set_x(5 + r, kIntegers[r]);
                            h.state.csr.fcsr = frm << fpu::kFrmShift | fflags;
                            h.state.csr.mstatus =
                                (h.state.csr.mstatus & ~(csr_bits::kFS | csr_bits::kSD)) | fs;
                            h.state.pc = kCode;
                        });
                        if (auto d = p.lockstep.run(end, 1000))
                            FAIL(op_info(op).mnemonic << " rm=" << rm << " frm=" << frm
                                                      << " fflags=" << fflags << " fs=" << fs << "\n"
                                                      << *d);
                        REQUIRE(p.jit.hart.state.pc == end);
                    }
        }
    }
    CHECK(ops == 58);
}

TEST_CASE("jit fp: FS Off makes inline F/D illegal, an f write makes FS Dirty, once per block as each") {
    LockstepPair p;
    p.write_code(kHandler, {kSpin});
    p.both([](Hart& h) { h.state.csr.mtvec = kHandler; });
    const uint32_t fadd = encode(Op::fadd_d, 3, 1, 2) | fpu::kDYN << 12;
    p.write_code(kCode, {encode(Op::addi, 5, 0, 0, 7), encode(Op::fld, 1, 10, 0, 0), fadd,
                         encode(Op::fsd, 0, 10, 3, 8), encode(Op::fmv_x_d, 6, 3, 0), kSpin});
    p.set_x(10, kData);
    p.write(kData, 8, 0x3ff0000000000000);
    p.both([](Hart& h) { h.state.f[2] = 0x3ff0000000000000; });

    // Off: the fld traps as illegal, after the addi retired.
    p.run_to(kHandler);
    for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
        CHECK(h->state.csr.mcause == static_cast<uint64_t>(Exception::IllegalInstruction));
        CHECK(h->state.csr.mepc == kCode + 4);
        CHECK(h->state.csr.mtval == encode(Op::fld, 1, 10, 0, 0));
        CHECK(h->state.x[5] == 7);
        CHECK(h->state.csr.minstret == 1);
    }

    // Initial: everything runs, the first f write makes FS Dirty and sets SD; fflags gets NX? (1 + 1 is
    // exact.)
    p.both([](Hart& h) {
        h.state.csr.mstatus |= kFsInitial;
        h.state.pc = kCode;
    });
    p.run_to(kCode + 20);
    for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
        CHECK((h->state.csr.mstatus & csr_bits::kFS) == csr_bits::kFSDirty);
        CHECK((h->state.csr.mstatus & csr_bits::kSD) != 0);
        CHECK(h->state.x[6] == 0x4000000000000000);
        CHECK(h->state.csr.fcsr == 0);
    }
    uint64_t stored = 0;
    p.jit.bus.read(kData + 8, 8, stored);
    CHECK(stored == 0x4000000000000000);
}

TEST_CASE("jit fp: flw NaN-boxes, fsw stores the low bits, compressed c.fld/c.fsd, faults at their PC") {
    LockstepPair p({}, 64 << 10);
    p.write_code(kHandler, {kSpin});
    p.both([](Hart& h) {
        h.state.csr.mtvec = kHandler;
        h.state.csr.mstatus |= csr_bits::kFSDirty;
        h.state.f[9] = 0x1234567889abcdefull; // not a boxed single: fsw stores its low word anyway
    });
    p.write(kData, 8, 0x00000000c0490fdbull);
    p.write(kData + 16, 8, 0x400921fb54442d18ull);
    // c.fld f8, 16(x8); c.fsd f8, 24(x8) in one word, then flw, fsw, and an fld that faults.
    const uint32_t compressed = 0x2800u | (0xac00u << 16);
    p.write_code(kCode, {encode(Op::flw, 1, 8, 0, 0), encode(Op::fsw, 0, 8, 9, 4), compressed,
                         encode(Op::fld, 2, 11, 0, 0), kSpin});
    p.set_x(8, kData);
    p.set_x(11, 0x1000'0000); // unmapped: load access fault
    p.run_to(kHandler);
    for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
        CHECK(h->state.f[1] == 0xffffffffc0490fdbull);
        CHECK(h->state.f[8] == 0x400921fb54442d18ull);
        CHECK(h->state.csr.mepc == kCode + 12);
        CHECK(h->state.csr.mcause == static_cast<uint64_t>(Exception::LoadAccessFault));
    }
    uint64_t low = 0, copied = 0;
    p.jit.bus.read(kData + 4, 4, low);
    p.jit.bus.read(kData + 24, 8, copied);
    CHECK(low == 0x89abcdef);
    CHECK(copied == 0x400921fb54442d18ull);
}

TEST_CASE(
    "jit fp: cpu/fpu.cpp leaves MXCSR as inline FP code needs it (RNE, exceptions masked, no FTZ/DAZ)") {
    constexpr uint32_t kControlBits = ~0x3fu; // all but the sticky flags
    constexpr uint32_t kDefault = 0x1f80;
    REQUIRE((_mm_getcsr() & kControlBits) == kDefault);
    uint32_t flags = 0;
    for (unsigned rm = fpu::kRNE; rm <= fpu::kRMM; ++rm) {
        fpu::Ieee<double>::add(0x3ff0000000000000, 0x3ca0000000000000, rm, flags);
        fpu::Ieee<double>::fma(0x3ff0000000000001, 0x3ff0000000000001, 0x8000000000000001, rm, flags);
        fpu::Ieee<float>::mul(0x3f800001, 0x3f800001, rm, flags);
        fpu::Ieee<float>::fma(0x3f800001, 0x3f800001, 0x00000001, rm, flags);
        fpu::narrow(0x3ff0000000000001, rm, flags);
        fpu::IntConvert<double, int64_t>::to_int(0x3fe8000000000000, rm, flags);
        CHECK((_mm_getcsr() & kControlBits) == kDefault);
    }
}

TEST_CASE("jit fp: frm and NX are checked once per block; when they fail, the block ends as interpreted") {
    LockstepPair p;
    p.write_code(kHandler, {kSpin});
    p.both([](Hart& h) { h.state.csr.mtvec = kHandler; });
    const auto dyn = [](Op op, unsigned rd, unsigned rs1, unsigned rs2) {
        return encode(op, rd, rs1, rs2) | fpu::kDYN << 12;
    };
    // An exact sum (NX stays as it was), then inexact operations, an integer op and a conversion in RTZ.
    p.write_code(kCode, {dyn(Op::fadd_d, 3, 1, 1), dyn(Op::fmul_d, 4, 3, 2), encode(Op::addi, 5, 5, 0, 1),
                         dyn(Op::fdiv_d, 5, 4, 2), encode(Op::fcvt_l_d, 6, 5, 0) | fpu::kRTZ << 12,
                         dyn(Op::fsub_d, 6, 5, 1), kSpin});
    for (unsigned frm = 0; frm <= 4; ++frm)
        for (uint32_t fflags : {0u, fpu::kNX, fpu::kNV})
            for (uint64_t fs : {kFsInitial, csr_bits::kFSDirty}) {
                p.both([&](Hart& h) {
                    h.state.f[1] = 0x3ff8000000000000; // 1.5
                    h.state.f[2] = 0x3fd5555555555555; // about 1/3
                    h.state.csr.fcsr = frm << fpu::kFrmShift | fflags;
                    h.state.csr.mstatus = (h.state.csr.mstatus & ~(csr_bits::kFS | csr_bits::kSD)) | fs;
                    h.state.pc = kCode;
                });
                if (auto d = p.lockstep.run(kCode + 24, 10))
                    FAIL("frm=" << frm << " fflags=" << fflags << " fs=" << fs << "\n" << *d);
                CHECK(p.jit.hart.state.pc == kCode + 24);
                CHECK((p.jit.hart.state.csr.fcsr & fpu::kNX) != 0);
            }
}

TEST_CASE("jit fp: F/D ops in a loop whose guest registers live in host registers") {
    // The loop block jumps backwards, so x10..x17 (each used twice by integer ops) are cached; each F/D op reads or writes one of them right
    // after an integer op made it dirty, or right before an integer op reads it (F/D ops work on state.x[]).
    for (uint64_t budget : {1, 50}) {
        CAPTURE(budget);
        LockstepPair p;
        p.lockstep.set_step_budget(budget);
        p.both([](Hart& h) { h.state.csr.mstatus |= csr_bits::kFSDirty; });
        for (unsigned i = 0; i < 24; ++i)
            p.write(kData + 8 * i, 8, 0x3ff0000000000000ull + (uint64_t{i} << 44));
        p.write(kData + 8, 8, 0x7ff8000000000000ull); // a NaN: feq.d writes 0 once
        p.write_code(kCode, {encode(Op::addi, 11, 11, 0, 8),    // x11 dirty
                             encode(Op::fld, 1, 11, 0, 0),       // base from x11
                             encode(Op::fmv_x_d, 12, 1),         // x12 written by an F/D op
                             encode(Op::add, 13, 13, 12),        // ... read by integer ops
                             encode(Op::xor_, 16, 16, 12),
                             encode(Op::fcvt_d_l, 2, 13),        // x13 dirty, read by an F/D op
                             encode(Op::fsd, 0, 11, 2, 8),       // base from x11 again
                             encode(Op::feq_d, 14, 1, 1),        // x14 written
                             encode(Op::add, 15, 15, 14),        // ... and read
                             encode(Op::sub, 17, 17, 14),
                             encode(Op::addi, 10, 10, 0, -1),
                             encode(Op::bne, 0, 10, 0, -44),
                             kSpin});
        p.set_x(10, 10);
        p.set_x(11, kData);
        p.run_to(kCode + 48);
        for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
            CHECK(h->state.x[10] == 0);
            CHECK(h->state.x[11] == kData + 80);
            CHECK(h->state.x[15] == 9); // every element but the NaN equals itself
            CHECK(h->state.x[17] == static_cast<uint64_t>(-9));
        }
    }
}
