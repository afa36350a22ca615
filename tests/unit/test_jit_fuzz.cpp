// Random valid RV64IM + Zba/Zbb/Zbs + F/D programs (conditional branches
// inside blocks, hammocks, division corner cases) run on the JIT and the
// interpreter in lockstep. The budget here is small; a longer run:
//   TERN_JIT_FUZZ_SEED=123 TERN_JIT_FUZZ_PROGRAMS=5000 ./build/tests/unit_tests -tc='jit fuzz*'
#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <iterator>
#include <random>
#include <string_view>
#include <vector>

#include "cpu/code_cache.hpp"
#include "cpu/csr_bits.hpp"
#include "test_jit_harness.hpp"

using namespace tern;
using namespace tern::test;

namespace {

constexpr uint64_t kHandler = kCode + 0x3000;
// Data: an 8 KiB window from kData; x31 (kDataBase) points at its first page end.
constexpr unsigned kLoopCounter = 28, kHandlerScratch = 30, kDataBase = 31;
constexpr uint16_t kMepc = 0x341, kMscratch = 0x340, kMcycle = 0xb00, kMinstret = 0xb02,
                   kMcountinhibit = 0x320, kMstatus = 0x300, kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003;

uint64_t env_or(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 0) : fallback;
}

class ProgramGenerator {
  public:
    explicit ProgramGenerator(uint64_t seed) : rng_(seed) {
        for (size_t i = 0; i < kOpCount; ++i) {
            const Op op = static_cast<Op>(i);
            const std::string_view ops = op_info(op).operands;
            if (ops == "xd,xs1,xs2" || ops == "xd,xs1,imm" || ops == "xd,xs1,shamt" || ops == "xd,xs1" ||
                ops == "xd,uimm")
                (is_predicable(op) ? predicable_ops_ : alu_ops_).push_back(op);
            else if (ops.find("fs1") != ops.npos || ops.starts_with("fd"))
                if (op_info(op).imm == ImmKind::None) fp_ops_.push_back(op); // not the loads and stores
        }
    }

    // A program of about `length` instructions ending in a `jal x0, 0` at the returned address.
    std::vector<uint32_t> generate(unsigned length) {
        code_.clear();
        landings_.clear();
        fixups_.clear();
        while (code_.size() < length) {
            landings_.push_back(code_.size());
            const unsigned kind = pick(100);
            if (kind < 31)
                code_.push_back(alu());
            else if (kind < 37)
                hammock();
            else if (kind < 41)
                divide_corner();
            else if (kind < 55)
                code_.push_back(fp());
            else if (kind < 72)
                code_.push_back(memory());
            else if (kind < 82)
                forward_jump();
            else if (kind < 88)
                loop();
            else if (kind < 92)
                code_.push_back(csr());
            else if (kind < 96)
                fp_csr();
            else
                code_.push_back(pick(2) ? encode(Op::ecall) : 0); // traps: the handler skips them
        }
        landings_.push_back(code_.size());
        code_.push_back(encode(Op::jal));
        for (auto [at, kind] : fixups_) {
            // A forward target among the landings after `at` (never inside a loop body).
            std::vector<size_t> later;
            for (size_t l : landings_)
                if (l > at) later.push_back(l);
            const size_t target = later[pick(static_cast<unsigned>(std::min<size_t>(later.size(), 8)))];
            const auto offset = static_cast<int64_t>(4 * (target - at));
            switch (kind) {
            case Jump::Branch: code_[at] = encode(kBranches[pick(6)], 0, reg(), reg(), offset); break;
            case Jump::Jal: code_[at] = encode(Op::jal, dest(), 0, 0, offset); break;
            case Jump::Jalr: // auipc t, 0; jalr rd, offset - 4(t), with a random low bit that jalr clears
                const unsigned t = 1 + pick(kLoopCounter - 1);
                code_[at - 1] = encode(Op::auipc, t, 0, 0, 0);
                code_[at] = encode(Op::jalr, pick(2) ? t : dest(), t, 0, offset + 4 + pick(2));
                break;
            }
        }
        return code_;
    }

    uint64_t value() {
        static const uint64_t kEdges[] = {0, 1, ~0ull, 1ull << 63, ~0ull >> 1, 0x8000'0000, 0xffff'ffff, 64};
        return pick(3) ? rng_() : kEdges[pick(8)];
    }

    // An f register: a double or a NaN-boxed single, mostly special (zeros, infinities, quiet and signalling
    // NaNs, subnormals, the smallest normal, the largest finite, values whose products under- or overflow),
    // sometimes random bits or an improperly boxed single.
    uint64_t fp_value() {
        static const uint64_t kDoubles[] = {0,
                                            1ull << 63,
                                            0x3ff0000000000000,
                                            0xbff8000000000000,
                                            0x3fe0000000000000,
                                            0x3ff0000000000001,
                                            0x7ff0000000000000,
                                            0xfff0000000000000,
                                            0x7ff8000000000000,
                                            0x7ff0000000000001,
                                            0xfff4000000000123,
                                            0x0010000000000000,
                                            0x000fffffffffffff,
                                            1,
                                            0x7fefffffffffffff,
                                            0x0018000000000000,
                                            0x2000000000000000,
                                            0x5ff0000000000000,
                                            0x43e0000000000000,
                                            0xc3e0000000000000,
                                            0x41dfffffffc00000,
                                            0x4330000000000001};
        static const uint32_t kSingles[] = {0,          0x80000000, 0x3f800000, 0xbfc00000, 0x3f000000,
                                            0x3f800001, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
                                            0xffa00123, 0x00800000, 0x007fffff, 1,          0x7f7fffff,
                                            0x00c00000, 0x1f800000, 0x5f800000, 0x4f000000, 0xcf000000};
        switch (pick(6)) {
        case 0: return rng_();
        case 1: return 0xffffffff00000000ull | static_cast<uint32_t>(rng_());
        case 2: return static_cast<uint32_t>(rng_()) | (pick(2) ? 0 : 0xffff000000000000ull); // not boxed
        case 3: return kDoubles[pick(std::size(kDoubles))];
        case 4: return 0xffffffff00000000ull | kSingles[pick(std::size(kSingles))];
        default: { // short significands: ties and exact results
            const uint64_t d = kDoubles[pick(std::size(kDoubles))] ^ (rng_() & 0x800f000000000000ull);
            return pick(2) ? d
                           : 0xffffffff00000000ull |
                                 (kSingles[pick(std::size(kSingles))] ^ (rng_() & 0x80700000));
        }
        }
    }

  private:
    // In opposite pairs: kBranches[i ^ 1] is taken exactly when kBranches[i] is not.
    static constexpr Op kBranches[] = {Op::beq, Op::bne, Op::blt, Op::bge, Op::bltu, Op::bgeu};

    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    unsigned reg() { return pick(32); }
    unsigned dest() { return pick(kLoopCounter); } // never the loop counter, handler scratch or data base

    int64_t immediate(Op op) {
        switch (op_info(op).imm) {
        case ImmKind::I: return static_cast<int64_t>(pick(4096)) - 2048;
        case ImmKind::Shamt: return pick(64);
        case ImmKind::U: return static_cast<int64_t>(static_cast<int32_t>(rng_() & 0xfffff000u));
        default: return 0;
        }
    }

    // Any F/D op other than loads and stores, in any rounding mode: mostly DYN (frm decides) and RNE, the
    // others, and now and then a reserved one (illegal).
    uint32_t fp() {
        const Op op = fp_ops_[pick(static_cast<unsigned>(fp_ops_.size()))];
        const std::string_view ops = op_info(op).operands;
        static constexpr unsigned kModes[] = {7, 7, 7, 0, 0, 1, 2, 3, 4, 5, 6};
        const unsigned rm = kModes[pick(std::size(kModes) - (pick(8) ? 2 : 0))];
        const unsigned rd = ops.starts_with("xd") ? dest() : reg();
        uint32_t raw = encode(op, rd, reg(), reg());
        raw |= ((rm << 12) | (reg() << 27)) & ~op_info(op).mask; // rm and rs3 where the encoding has them
        return raw;
    }

    // frm and fflags writes (so DYN modes and flags not yet accrued keep coming), fcsr reads, and mstatus.FS
    // changes: Off (F/D illegal), Initial, Clean, Dirty.
    void fp_csr() {
        switch (pick(8)) {
        case 0:
        case 1: code_.push_back(encode(Op::csrrwi, dest(), pick(5) ? pick(5) : pick(8), 0, kFrm)); break;
        case 2:
        case 3: code_.push_back(encode(Op::csrrwi, dest(), pick(3) ? 0 : pick(32), 0, kFflags)); break;
        case 4: code_.push_back(encode(Op::csrrs, dest(), 0, 0, kFcsr)); break;
        default: {
            const unsigned t = 1 + pick(kLoopCounter - 1);
            code_.push_back(encode(Op::lui, t, 0, 0, static_cast<int64_t>(1 + pick(3)) << 13)); // FS bits
            const bool clear = pick(4) == 0;
            code_.push_back(encode(clear ? Op::csrrc : Op::csrrs, 0, t, 0, kMstatus));
            if (clear && pick(2)) code_.push_back(encode(Op::csrrs, 0, t, 0, kMstatus)); // on again
        }
        }
    }

    uint32_t alu() {
        const bool predicable = pick(2);
        const std::vector<Op>& ops = predicable ? predicable_ops_ : alu_ops_;
        const Op op = ops[pick(static_cast<unsigned>(ops.size()))];
        return encode(op, dest(), reg(), reg(), immediate(op));
    }

    // A short if-then, or an if-else whose arms end in opposite branches to
    // the same two places (cpu/code_cache.hpp, Hammock): arms of up to one
    // instruction too many, now and then an op that may not be in an arm,
    // and arm ops that often write the registers the final branches compare.
    void hammock() {
        const unsigned r1 = reg(), r2 = reg();
        auto arm_op = [&]() -> uint32_t {
            if (pick(12) == 0) return alu(); // may be one an arm cannot hold
            const Op op = predicable_ops_[pick(static_cast<unsigned>(predicable_ops_.size()))];
            const unsigned compared = pick(2) ? r1 : r2;
            const unsigned rd = pick(3) || compared >= kLoopCounter ? dest() : compared;
            return encode(op, rd, pick(3) ? reg() : r1, pick(3) ? reg() : r2, immediate(op));
        };
        auto arm = [&] {
            for (unsigned i = 0, n = pick(CodeCache::kMaxHammockArm + 2); i < n; ++i)
                code_.push_back(arm_op());
        };
        const Op condition = kBranches[pick(6)];
        const size_t head = code_.size();
        code_.push_back(0); // the branch, once its target is known
        arm();
        if (pick(2)) { // if-then
            code_[head] = encode(condition, 0, reg(), reg(), static_cast<int64_t>(4 * (code_.size() - head)));
            return;
        }
        const unsigned join = pick(6);
        const size_t join_at = code_.size();
        code_.push_back(0);     // the join: to the instruction after arm B's branch
        code_.push_back(alu()); // the join not taken
        const size_t skip_at = code_.size();
        code_.push_back(0); // over arm B
        const size_t arm_b = code_.size();
        arm();
        const size_t final_at = code_.size();
        const Op final_op = kBranches[pick(8) ? join ^ 1 : pick(6)]; // mostly the join's opposite
        code_.push_back(encode(final_op, 0, r1, r2,
                               4 * (static_cast<int64_t>(join_at) + 1 - static_cast<int64_t>(final_at))));
        code_.push_back(alu()); // the join taken
        code_[join_at] =
            encode(kBranches[join], 0, r1, r2, static_cast<int64_t>(4 * (code_.size() - 1 - join_at)));
        code_[skip_at] = encode(Op::jal, 0, 0, 0, static_cast<int64_t>(4 * (code_.size() - skip_at)));
        code_[head] = encode(condition, 0, reg(), reg(), static_cast<int64_t>(4 * (arm_b - head)));
    }

    // Mostly inside the data window (aligned or not, some crossing its pages);
    // sometimes through an arbitrary register, which usually faults.
    uint32_t memory() {
        static constexpr Op kMemory[] = {Op::lb, Op::lbu, Op::lh, Op::lhu, Op::lw,  Op::lwu, Op::ld, Op::sb,
                                         Op::sh, Op::sw,  Op::sd, Op::flw, Op::fld, Op::fsw, Op::fsd};
        const Op op = kMemory[pick(std::size(kMemory))];
        const unsigned base = pick(16) ? kDataBase : reg();
        const int64_t offset = static_cast<int64_t>(pick(2048)) - 1024; // x31 + offset crosses a page
        if (op_info(op).imm == ImmKind::S) return encode(op, 0, base, reg(), offset);
        return encode(op, op_info(op).operands.starts_with("fd") ? reg() : dest(), base, 0, offset);
    }

    void forward_jump() {
        const unsigned kind = pick(8);
        if (kind < 5)
            fixups_.push_back({code_.size(), Jump::Branch});
        else if (kind < 7)
            fixups_.push_back({code_.size(), Jump::Jal});
        else {
            code_.push_back(0); // the auipc
            fixups_.push_back({code_.size(), Jump::Jalr});
        }
        code_.push_back(0); // patched once the landings are known
    }

    // A division by 0 or -1, sometimes of the most negative 64- or 32-bit value:
    // the cases where RISC-V defines a result and x86's div/idiv would fault.
    void divide_corner() {
        static constexpr Op kDivisions[] = {Op::div,  Op::divu,  Op::rem,  Op::remu,
                                            Op::divw, Op::divuw, Op::remw, Op::remuw};
        const unsigned dividend = dest(), divisor = dest();
        switch (pick(3)) {
        case 0: // -2^63
            code_.push_back(encode(Op::addi, dividend, 0, 0, -1));
            code_.push_back(encode(Op::slli, dividend, dividend, 0, 63));
            break;
        case 1:
            code_.push_back(encode(Op::lui, dividend, 0, 0, static_cast<int32_t>(0x8000'0000u)));
            break; // -2^31
        default: break;
        }
        code_.push_back(encode(Op::addi, divisor, 0, 0, pick(2) ? -1 : 0));
        code_.push_back(encode(kDivisions[pick(8)], dest(), dividend, divisor));
    }

    // counter = n; body (straight-line); counter -= 1; bne counter, x0, body
    void loop() {
        code_.push_back(encode(Op::addi, kLoopCounter, 0, 0, 1 + pick(5)));
        const size_t body = code_.size();
        for (unsigned i = 0, n = 1 + pick(6); i < n; ++i)
            code_.push_back(pick(3) ? alu() : memory());
        code_.push_back(encode(Op::addi, kLoopCounter, kLoopCounter, 0, -1));
        code_.push_back(
            encode(Op::bne, 0, kLoopCounter, 0, -static_cast<int64_t>(4 * (code_.size() - body))));
    }

    // CSR reads of the counters check that retired counts reach minstret/mcycle
    // before helpers run; writes of mcountinhibit switch the counting on and off.
    uint32_t csr() {
        static constexpr uint16_t kCsrs[] = {kMscratch, kMcycle, kMinstret, kMcountinhibit};
        const uint16_t csr = kCsrs[pick(4)];
        if (csr == kMcountinhibit) return encode(Op::csrrwi, dest(), pick(8), 0, csr);
        if (csr == kMscratch && pick(2)) return encode(Op::csrrw, dest(), reg(), 0, csr);
        return encode(Op::csrrs, dest(), 0, 0, csr);
    }

    std::mt19937_64 rng_;
    std::vector<Op> alu_ops_, predicable_ops_, fp_ops_; // alu_ops_: the integer ops that are not predicable
    std::vector<uint32_t> code_;
    std::vector<size_t> landings_;
    enum class Jump { Branch, Jal, Jalr };
    std::vector<std::pair<size_t, Jump>> fixups_; // where a forward jump goes, and its kind
};

void fuzz(const jit::EngineOptions& options, uint64_t seed, uint64_t programs) {
    ProgramGenerator gen(seed);
    uint64_t retired = 0, completed = 0, chain_hits = 0, cold_links = 0, cold_runs = 0, translated = 0,
             hammocks = 0;
    for (uint64_t n = 0; n < programs; ++n) {
        LockstepPair p(options, 64 << 10);
        // Handler: mepc += 4; mret (the faulting instruction is skipped).
        p.write_code(kHandler, {encode(Op::csrrs, kHandlerScratch, 0, 0, kMepc),
                                encode(Op::addi, kHandlerScratch, kHandlerScratch, 0, 4),
                                encode(Op::csrrw, 0, kHandlerScratch, 0, kMepc), 0x30200073 /* mret */});
        p.both([](Hart& h) {
            h.state.csr.mtvec = kHandler;
            h.state.csr.mstatus |= csr_bits::kMPP; // mret stays in M
        });
        const std::vector<uint32_t> code = gen.generate(150);
        p.write_code(kCode, code);
        for (unsigned r = 1; r < 32; ++r)
            p.set_x(r, gen.value());
        const uint64_t fs = (n % 16 == 15 ? 0 : 1 + n % 3) << csr_bits::kFSShift; // Off now and then
        const auto fcsr = static_cast<uint32_t>(gen.value() & 0xff) & (n % 2 ? 0x1f : 0xff);
        std::array<uint64_t, 32> f;
        for (uint64_t& v : f)
            v = gen.fp_value();
        p.both([&](Hart& h) {
            h.state.csr.mstatus |= fs;
            h.state.csr.fcsr = fcsr;
            h.state.f = f;
        });
        p.set_x(kDataBase, kData + 0x1000);
        for (uint64_t a = 0; a < 8192; a += 8)
            p.write(kData + a, 8, gen.value());
        const uint64_t end = kCode + 4 * (code.size() - 1);
        // Mostly one block per comparison; sometimes longer steps, so chained
        // jumps and indirect lookups run between comparisons too.
        static constexpr uint64_t kBudgets[] = {1, 1, 7, 64};
        p.lockstep.set_step_budget(kBudgets[n % 4]);
        if (auto d = p.lockstep.run(end, 5'000)) FAIL("seed " << seed << ", program " << n << ":\n" << *d);
        retired += p.lockstep.retired();
        chain_hits += p.engine.stats().chain_hits;
        cold_links += p.engine.stats().cold_links;
        cold_runs += p.engine.stats().cold_runs;
        translated += p.engine.stats().blocks_translated;
        hammocks += p.engine.stats().hammocks;
        if (p.jit.hart.state.pc == end) ++completed;
    }
    MESSAGE("jit fuzz: seed " << seed << ", " << programs << " programs, " << completed << " ran to the end, "
                              << retired << " instructions compared, " << chain_hits << " chain hits, "
                              << cold_links << " cold links, " << cold_runs
                              << " interpreted block runs before " << translated << " translations with "
                              << hammocks << " hammocks");
    CHECK(completed > programs / 2);
    CHECK(hammocks > 0);
    if (options.emit.chain) CHECK(chain_hits > 0);
    // Links between blocks of different register assignments write the registers back first. (Rare
    // when blocks are translated only after a few runs: the programs' loops run up to 6 times.)
    if (options.emit.chain && options.emit.inline_ops && options.emit.cache_registers &&
        !options.translate_after)
        CHECK(cold_links > 0);
    // Tiered: blocks that ran a few times through the interpreter and were then translated.
    if (options.translate_after) CHECK((cold_runs > 0 && translated > 0));
}

} // namespace

TEST_CASE("jit fuzz: random programs, JIT with inlining and chaining") {
    fuzz({}, env_or("TERN_JIT_FUZZ_SEED", 1), env_or("TERN_JIT_FUZZ_PROGRAMS", 150));
}

TEST_CASE("jit fuzz: random programs, blocks interpreted twice before translation") {
    jit::EngineOptions options;
    options.translate_after = 2;
    fuzz(options, env_or("TERN_JIT_FUZZ_SEED", 1) + 4, env_or("TERN_JIT_FUZZ_PROGRAMS", 150) / 2 + 1);
}

TEST_CASE("jit fuzz: random programs, guest registers in host registers in every block") {
    jit::EngineOptions options;
    options.emit.cache_in_every_block = true;
    fuzz(options, env_or("TERN_JIT_FUZZ_SEED", 1) + 3, env_or("TERN_JIT_FUZZ_PROGRAMS", 150) / 2 + 1);
}

TEST_CASE("jit fuzz: random programs, guest registers always in memory") {
    jit::EngineOptions options;
    options.emit.cache_registers = false;
    fuzz(options, env_or("TERN_JIT_FUZZ_SEED", 1) + 2, env_or("TERN_JIT_FUZZ_PROGRAMS", 150) / 4 + 1);
}

TEST_CASE("jit fuzz: random programs, helpers only") {
    jit::EngineOptions options;
    options.emit.inline_ops = false;
    options.emit.chain = false;
    fuzz(options, env_or("TERN_JIT_FUZZ_SEED", 1) + 1, env_or("TERN_JIT_FUZZ_PROGRAMS", 150) / 4 + 1);
}
