// The JIT against the interpreter: every inlined instruction class on edge
// values, loads and stores on the fast and slow paths, precise traps in the
// middle of a block, self-modifying code, chaining and unchaining, cache flushes.
#include <doctest/doctest.h>

#include <array>
#include <string_view>
#include <vector>

#include "hw/machine.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/interpreter.hpp"
#include "cpu/trap.hpp"
#include "jit/host_disasm.hpp"
#include "test_jit_harness.hpp"

using namespace tern;
using namespace tern::test;

namespace {

constexpr uint64_t kHandler = kCode + 0xf00; // mtvec: a `jal x0, 0` the tests stop at

const std::vector<uint64_t> kEdgeValues = {0,
                                           1,
                                           ~0ull,
                                           1ull << 63,
                                           ~0ull >> 1,
                                           0x8000'0000,
                                           0x7fff'ffff,
                                           0xffff'ffff,
                                           0xffff'ffff'8000'0000ull,
                                           31,
                                           32,
                                           63,
                                           64,
                                           0x0123'4567'89ab'cdefull,
                                           0xfedc'ba98'7654'3210ull};

// Ops whose only effect is writing rd from rs1/rs2/an immediate, by their operand lists.
bool is_register_op(Op op) {
    const std::string_view ops = op_info(op).operands;
    return ops == "xd,xs1,xs2" || ops == "xd,xs1,imm" || ops == "xd,xs1,shamt" || ops == "xd,xs1" ||
           ops == "xd,uimm";
}

std::vector<int64_t> immediates_for(Op op) {
    switch (op_info(op).imm) {
    case ImmKind::I: return {0, 1, -1, 2047, -2048, 5};
    case ImmKind::Shamt: return {0, 1, 31, 32, 63};
    case ImmKind::U: return {0, 0x7fff'f000, -0x8000'0000ll, 0x12345000};
    default: return {0};
    }
}

void setup_traps(LockstepPair& p) {
    p.write_code(kHandler, {kSpin});
    p.both([](Hart& h) { h.state.csr.mtvec = kHandler; });
}

} // namespace

TEST_CASE("jit: every integer register op equals the interpreter on edge values") {
    // In state.x[], and with the operands and rd in host registers (the
    // register cache in every block; the addi makes rd used twice).
    jit::EngineOptions options;
    SUBCASE("registers in memory") {}
    SUBCASE("registers in host registers") { options.emit.cache_in_every_block = true; }
    LockstepPair p(options, 64 << 10);
    unsigned ops_checked = 0;
    for (size_t i = 0; i < kOpCount; ++i) {
        const Op op = static_cast<Op>(i);
        if (!is_register_op(op)) continue;
        ++ops_checked;
        for (int64_t imm : immediates_for(op))
            for (auto [rd, rs1, rs2] : {std::tuple{7u, 5u, 6u}, {0u, 5u, 6u}, {5u, 5u, 6u}, {7u, 5u, 5u}}) {
                p.write_code(kCode, {encode(op, rd, rs1, rs2, imm), encode(Op::addi, rd, rd, 0, 0), kSpin});
                for (uint64_t a : kEdgeValues)
                    for (uint64_t b : kEdgeValues) {
                        p.set_x(5, a);
                        p.set_x(6, b);
                        p.set_x(7, 0x5555);
                        p.set_pc(kCode);
                        if (auto d = p.lockstep.step())
                            FAIL(op_info(op).mnemonic << " rd=x" << rd << " rs1=x" << rs1 << " rs2=x" << rs2
                                                      << " imm=" << imm << " a=" << a << " b=" << b << "\n"
                                                      << *d);
                        REQUIRE(p.jit.hart.state.pc == kCode + 8);
                    }
            }
    }
    CHECK(ops_checked > 80);
    CHECK(p.jit.hart.state.x[0] == 0);
    CHECK(p.engine.stats().blocks_translated > 300);
}

TEST_CASE("jit: inline results are the architectural values") {
    // Absolute checks, so a bug shared by both engines' expectations still shows.
    LockstepPair p;
    p.write_code(kCode,
                 {encode(Op::addi, 5, 0, 0, -1), encode(Op::srli, 6, 5, 0, 60), encode(Op::mulhu, 7, 5, 5),
                  encode(Op::addw, 8, 5, 5), encode(Op::sh3add, 9, 6, 6), encode(Op::clz, 10, 6),
                  encode(Op::max, 11, 5, 6), encode(Op::minu, 12, 5, 6), encode(Op::addi, 0, 5, 7),
                  encode(Op::lui, 13, 0, 0, -0x8000'0000ll), encode(Op::auipc, 14, 0, 0, 0x1000), kSpin});
    p.run_to(kCode + 11 * 4);
    const auto& x = p.jit.hart.state.x;
    CHECK(x[5] == ~0ull);
    CHECK(x[6] == 15);
    CHECK(x[7] == ~0ull - 1); // (2^64-1)^2 >> 64
    CHECK(x[8] == ~0ull - 1); // sext32(0xfffffffe)
    CHECK(x[9] == 15 * 8 + 15);
    CHECK(x[10] == 60);
    CHECK(x[11] == 15);
    CHECK(x[12] == 15);
    CHECK(x[0] == 0);
    CHECK(x[13] == 0xffff'ffff'8000'0000ull);
    CHECK(x[14] == kCode + 10 * 4 + 0x1000);
    CHECK(p.jit.hart.state.csr.minstret == 12); // and the final jal of the block
}

TEST_CASE("jit: slli 32 then srli (an unsigned int index) gives both results, whichever registers") {
    struct Pair {
        unsigned t, x, d; // slli t, x, 32; srli d, t, k
    };
    for (const int variant : {0, 1, 2})
        for (const Pair r : {Pair{6, 5, 6}, Pair{6, 5, 7}, Pair{5, 5, 7}, Pair{6, 5, 5}, Pair{5, 5, 5}})
            for (const int64_t k : {0, 1, 30, 32, 33, 63}) {
                CAPTURE(variant);
                CAPTURE(r.t);
                CAPTURE(r.x);
                CAPTURE(r.d);
                CAPTURE(k);
                jit::EngineOptions options;
                options.emit.cache_in_every_block = variant == 1;
                options.emit.cache_registers = variant != 2;
                LockstepPair p(options);
                p.write_code(kCode, {encode(Op::slli, r.t, r.x, 0, 32), encode(Op::srli, r.d, r.t, 0, k),
                                     encode(Op::add, 8, 5, 6), kSpin});
                const uint64_t x = 0x9234'5678'dead'beefull;
                p.set_x(5, x);
                p.set_x(6, 11);
                p.set_x(7, 12);
                p.run_to(kCode + 12);
                const uint64_t t = x << 32, d = t >> k;
                std::array<uint64_t, 8> want{};
                want[5] = x, want[6] = 11, want[7] = 12;
                want[r.t] = t;
                want[r.d] = d;
                for (unsigned i = 5; i <= 7; ++i)
                    CHECK(p.jit.hart.state.x[i] == want[i]);
                CHECK(p.jit.hart.state.x[8] == want[5] + want[6]);
            }
}

TEST_CASE("jit: division by zero and signed overflow give RISC-V's results") {
    LockstepPair p;
    p.write_code(kCode, {encode(Op::addi, 5, 0, 0, -1), encode(Op::slli, 5, 5, 0, 63), // x5 = -2^63
                         encode(Op::addi, 6, 0, 0, -1),                                // x6 = -1
                         encode(Op::lui, 12, 0, 0, -0x8000'0000ll),                    // x12 = -2^31
                         encode(Op::div, 7, 5, 6), encode(Op::rem, 8, 5, 6), encode(Op::divu, 9, 5, 0),
                         encode(Op::remu, 10, 5, 0), encode(Op::divw, 11, 12, 6), encode(Op::remw, 13, 12, 6),
                         encode(Op::divuw, 14, 5, 0), encode(Op::remuw, 15, 12, 0), encode(Op::div, 16, 5, 0),
                         encode(Op::rem, 17, 12, 0), encode(Op::divu, 18, 12, 6), kSpin});
    p.run_to(kCode + 15 * 4);
    const auto& x = p.jit.hart.state.x;
    CHECK(x[7] == 1ull << 63);
    CHECK(x[8] == 0);
    CHECK(x[9] == ~0ull);
    CHECK(x[10] == 1ull << 63);
    CHECK(x[11] == 0xffff'ffff'8000'0000ull);
    CHECK(x[13] == 0);
    CHECK(x[14] == ~0ull);
    CHECK(x[15] == 0xffff'ffff'8000'0000ull);
    CHECK(x[16] == ~0ull);
    CHECK(x[17] == 0xffff'ffff'8000'0000ull);
    CHECK(x[18] == 0);
}

TEST_CASE("jit: loads and stores on the fast path, across pages, misaligned and faulting") {
    // The address base in state.x[] and in a host register (the addi makes x8 used twice).
    jit::EngineOptions options;
    SUBCASE("registers in memory") {}
    SUBCASE("registers in host registers") { options.emit.cache_in_every_block = true; }
    LockstepPair p(options, 64 << 10);
    setup_traps(p);
    for (uint64_t i = 0; i < 16; ++i)
        p.write(kData + 0xff8 + i, 1, 0x80 + i * 7);
    const std::vector<uint64_t> addresses = {kData,         kData + 1,     kData + 6,
                                             kData + 0xffc, kData + 0xffd, kData + 0xfff,
                                             0x1000'0000,   kCode - 8,     kCode + (64 << 10) - 4,
                                             ~0ull - 2}; // the last byte's page wraps to 0
    unsigned traps = 0;
    for (Op op : {Op::lb, Op::lbu, Op::lh, Op::lhu, Op::lw, Op::lwu, Op::ld, Op::sb, Op::sh, Op::sw, Op::sd})
        for (int64_t imm : {0, -1, 2047})
            for (unsigned rd : {7u, 0u, 8u}) {
                const bool is_store = op_info(op).imm == ImmKind::S;
                p.write_code(kCode,
                             {encode(op, is_store ? 0 : rd, 8, 9, imm), encode(Op::addi, 8, 8, 0, 0), kSpin});
                for (uint64_t addr : addresses) {
                    p.set_x(8, addr - imm);
                    p.set_x(9, 0x1122'3344'5566'7788ull);
                    p.set_x(7, 0);
                    p.set_pc(kCode);
                    p.both([](Hart& h) { h.state.csr.mcause = 0; });
                    if (auto d = p.lockstep.step())
                        FAIL(op_info(op).mnemonic << " imm=" << imm << " addr=" << addr << "\n" << *d);
                    if (p.jit.hart.state.pc == kHandler) ++traps;
                }
            }
    CHECK(traps > 0);
}

TEST_CASE("jit: a loop's loads and stores alternate between pages with different host offsets (Sv39)") {
    // Two virtual pages mapped to physical pages in the other order, so the
    // TLB addends of consecutive accesses differ and the inline access's
    // guess of the addend (the previous access's) is wrong every time. The
    // guess lives in a host register: also across a helper call in the block
    // and across a return to the dispatcher (a CSR instruction ends the block).
    std::vector<uint32_t> between; // between the two loads
    SUBCASE("straight") {}
    SUBCASE("a helper call between the loads") { between = {encode(Op::orc_b, 13, 5, 0, 0)}; }
    SUBCASE("the dispatcher between the loads") {
        between = {encode(Op::csrrs, 14, 0, 0, 0x140)};
    } // sscratch
    LockstepPair p;
    constexpr uint64_t kV = 1, kR = 2, kW = 4, kX = 8, kA = 64, kD = 128;
    const uint64_t root = kCode + 0x20000, mid = root + 0x1000, leaf = root + 0x2000;
    const uint64_t va = 0x4000'0000;
    auto pte = [](uint64_t paddr, uint64_t flags) { return (paddr >> 12) << 10 | flags; };
    p.write(root + 2 * 8, 8,
            pte(kCode & ~((1ull << 30) - 1), kV | kR | kW | kX | kA | kD)); // identity gigapage
    p.write(root + 1 * 8, 8, pte(mid, kV));
    p.write(mid, 8, pte(leaf, kV));
    p.write(leaf, 8, pte(kData + 0x1000, kV | kR | kW | kA | kD));
    p.write(leaf + 8, 8, pte(kData, kV | kR | kW | kA | kD));
    p.write(kData, 8, 5);
    p.write(kData + 0x1000, 8, 1000);
    std::vector<uint32_t> code = {encode(Op::ld, 5, 10, 0, 0)}; // x5 = [va]       (kData + 0x1000)
    code.insert(code.end(), between.begin(), between.end());
    const auto loop_length = static_cast<int64_t>(code.size() + 6);
    for (uint32_t word : {
             encode(Op::ld, 6, 11, 0, 8),                       // x6 = [va + 0x1008] (kData + 8)
             encode(Op::add, 7, 7, 5),                          //
             encode(Op::sd, 0, 11, 7, 8),                       // [va + 0x1008] = x7
             encode(Op::add, 7, 7, 6),                          //
             encode(Op::addi, 12, 12, 0, -1),                   //
             encode(Op::bne, 0, 12, 0, -4 * (loop_length - 1)), // 100 times
             kSpin,
         })
        code.push_back(word);
    p.write_code(kCode, code);
    p.both([&](Hart& h) {
        h.state.csr.pmp.cfg[15] = 0x1f; // NAPOT, RWX: S-mode may access everything
        h.state.csr.pmp.addr[15] = (1ull << 54) - 1;
        h.state.csr.satp = csr_bits::kSatpModeSv39 << csr_bits::kSatpModeShift | root >> 12;
        h.state.priv = Privilege::Supervisor;
    });
    p.set_x(10, va);
    p.set_x(11, va + 0x1000);
    p.set_x(12, 100);
    p.set_pc(kCode);
    p.run_to(kCode + 4 * static_cast<uint64_t>(loop_length));
    // x6 reads what the previous iteration stored: x7 after its first add.
    uint64_t x7 = 0, stored = 0;
    for (int i = 0; i < 100; ++i) {
        const uint64_t x6 = stored;
        x7 += 1000;
        stored = x7;
        x7 += x6;
    }
    CHECK(p.jit.hart.state.x[7] == x7);
    // and the spinning jal, in the loop exit's block
    CHECK(p.jit.hart.state.csr.minstret == 100 * static_cast<uint64_t>(loop_length) + 1);
}

TEST_CASE("jit: a faulting load in the middle of a block reports its PC and keeps earlier effects") {
    jit::EngineOptions options;
    options.emit.cache_in_every_block = true; // x5 lives in a host register until the fault
    LockstepPair p(options);
    setup_traps(p);
    p.write_code(kCode,
                 {encode(Op::addi, 5, 5, 0, 1), encode(Op::sd, 0, 10, 5, 0), encode(Op::addi, 6, 0, 0, 2),
                  encode(Op::ld, 7, 8, 0, 16), encode(Op::addi, 9, 0, 0, 3), kSpin});
    p.set_x(8, 0x1000'0000 - 16); // unmapped: load access fault
    p.set_x(10, kData);
    p.run_to(kHandler);
    for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
        const auto& s = h->state;
        CHECK(s.csr.mepc == kCode + 12);
        CHECK(s.csr.mcause == static_cast<uint64_t>(Exception::LoadAccessFault));
        CHECK(s.csr.mtval == 0x1000'0000);
        CHECK(s.x[5] == 1);
        CHECK(s.x[6] == 2);
        CHECK(s.x[9] == 0);
        CHECK(s.csr.minstret == 3);
    }
    uint64_t stored = 0;
    p.jit.bus.read(kData, 8, stored);
    CHECK(stored == 1);
}

TEST_CASE("jit: a store to translated code invalidates it, also later in the running block") {
    LockstepPair p;
    // Block at kCode+0x100 adds 1 to x5 and returns through x1.
    const uint64_t kSub = kCode + 0x100;
    p.write_code(kSub, {encode(Op::addi, 5, 5, 0, 1), encode(Op::jalr, 0, 1, 0, 0)});
    const uint32_t add100 = encode(Op::addi, 5, 5, 0, 100);
    const uint32_t add7 = encode(Op::addi, 6, 6, 0, 7);
    p.write_code(kCode, {
                            encode(Op::jal, 1, 0, 0, 0x100),     // 0x00: call sub (x5 = 1)
                            encode(Op::sw, 0, 10, 11, 0),        // 0x04: patch sub's first insn to add 100
                            encode(Op::jal, 1, 0, 0, 0x100 - 8), // 0x08: call sub (x5 = 101)
                            encode(Op::sw, 0, 12, 13, 0),        // 0x0c: patch 0x14 in this very block
                            encode(Op::addi, 6, 6, 0, 1),        // 0x10
                            encode(Op::addi, 6, 6, 0, 1000),     // 0x14: replaced by add7 before it runs
                            kSpin,                               // 0x18
                        });
    p.set_x(10, kSub);
    p.set_x(11, add100);
    p.set_x(12, kCode + 0x14);
    p.set_x(13, add7);
    p.run_to(kCode + 0x18);
    CHECK(p.jit.hart.state.x[5] == 101);
    CHECK(p.jit.hart.state.x[6] == 8);
    CHECK(p.engine.stats().invalidations >= 2);
}

TEST_CASE("jit: chained loops, budget, unchaining when the target changes") {
    jit::Sandbox s;
    jit::Engine engine(s.cache);
    // x5 counts to x6 in a two-block loop (the bne target is a separate block).
    const std::vector<uint32_t> loop = {encode(Op::addi, 5, 5, 0, 1), encode(Op::jal, 0, 0, 0, 8), kSpin,
                                        encode(Op::bne, 0, 5, 6, -12), kSpin};
    s.write_code(kCode, loop);
    s.hart.set_x(6, 1000);
    // The loop, and the spin that the last block runs on into past the
    // not-taken bne: the budget stops the chain after that block.
    CHECK(engine.run(s.hart, 3000) == 3001);
    CHECK(s.hart.state.x[5] == 1000);
    CHECK(s.hart.state.pc == kCode + 16);
    CHECK(engine.stats().chain_links == 2);
    CHECK(engine.stats().chain_hits > 1900);
    CHECK(s.hart.state.csr.minstret == 3 * 1000 + 1);

    // The slice budget stops a chained infinite loop.
    s.hart.state.pc = kCode + 16;
    const uint64_t n = engine.run(s.hart, 500);
    CHECK(n >= 500);
    CHECK(n < 510);

    // Rewriting the loop body (as a DMA or another hart would) unlinks the
    // chains into it; the next run executes the new code.
    const uint64_t links_before = engine.stats().chain_links;
    s.bus.write(kCode, 4, encode(Op::addi, 5, 5, 0, 2));
    CHECK(engine.stats().invalidations >= 1);
    s.hart.set_x(5, 0);
    s.hart.set_x(6, 200);
    s.hart.state.pc = kCode;
    engine.run(s.hart, 1'000'000);
    CHECK(s.hart.state.x[5] == 200);
    CHECK(s.hart.state.pc == kCode + 16);
    CHECK(engine.stats().chain_links > links_before);
}

TEST_CASE("jit: a pending enabled interrupt stops a chained loop") {
    jit::Sandbox s;
    jit::Engine engine(s.cache);
    s.write_code(kHandler, {kSpin});
    s.write_code(kCode, {encode(Op::addi, 5, 5, 0, 1), encode(Op::jal, 0, 0, 0, -4)});
    auto& csr = s.hart.state.csr;
    csr.mtvec = kHandler;
    csr.mstatus |= csr_bits::kMIE;
    csr.mie = csr_bits::kMTIP;
    engine.run(s.hart, 1000);
    const uint64_t before = s.hart.state.x[5];
    CHECK(before >= 500);
    csr.mip = csr_bits::kMTIP; // the CLINT raised the line between slices
    engine.run(s.hart, 1000);
    CHECK(s.hart.state.x[5] == before);
    CHECK(csr.mcause == (1ull << 63 | 7));
    CHECK(s.hart.state.pc == kHandler);
}

TEST_CASE("jit: a pending interrupt that the privilege masks leaves a chained loop running") {
    jit::Sandbox s;
    jit::Engine engine(s.cache);
    s.write_code(kCode, {encode(Op::addi, 5, 5, 0, 1), encode(Op::jal, 0, 0, 0, -4)});
    auto& csr = s.hart.state.csr;
    csr.mie = csr_bits::kMSIP;
    csr.mip = csr_bits::kMSIP; // pending and enabled in mie, but M-mode with MIE clear
    engine.run(s.hart, 1000);
    CHECK(s.hart.state.x[5] >= 500);
    CHECK_FALSE(s.hart.trapped);
    CHECK(engine.stats().dispatches < 5); // chained, not back to the dispatcher per block
}

TEST_CASE("jit: with translate_after, a block runs through the interpreter that often, then translated") {
    jit::EngineOptions options;
    options.translate_after = 10;
    jit::Sandbox s;
    jit::Engine engine(s.cache, options);
    // A one-block loop, entered from a block that runs once.
    s.write_code(kCode, {encode(Op::addi, 6, 0, 0, 100), encode(Op::jal, 0, 0, 0, 8), kSpin,
                         encode(Op::addi, 5, 5, 0, 1), encode(Op::bne, 0, 5, 6, -4), kSpin});
    // The loop's block goes on past its not-taken bne to the spin (one more instruction).
    CHECK(engine.run(s.hart, 2 + 2 * 100) == 2 + 2 * 100 + 1);
    CHECK(s.hart.state.x[5] == 100);
    CHECK(s.hart.state.pc == kCode + 20);
    CHECK(s.hart.state.csr.minstret == 2 + 2 * 100 + 1);
    CHECK(engine.stats().cold_runs == 1 + 10);    // the entry block once, the loop 10 times
    CHECK(engine.stats().blocks_translated == 1); // the loop, on its 11th run
    CHECK(engine.stats().chain_hits > 80);
}

TEST_CASE("jit: a full code cache is flushed and translation goes on") {
    jit::EngineOptions options;
    options.cache_bytes = 16 << 10;
    LockstepPair p(options);
    // 200 blocks of (addi, jal next) in a row: more code than the arena holds.
    std::vector<uint32_t> code;
    for (unsigned i = 0; i < 200; ++i) {
        code.push_back(encode(Op::addi, 5, 5, 0, static_cast<int64_t>(i)));
        code.push_back(encode(Op::jal, 0, 0, 0, 4));
    }
    code.push_back(kSpin);
    p.write_code(kCode, code);
    p.run_to(kCode + 400 * 4);
    CHECK(p.jit.hart.state.x[5] == 199 * 200 / 2);
    CHECK(p.engine.stats().flushes > 0);
}

TEST_CASE("jit: all-helper mode (no inlining, no chaining) equals the interpreter") {
    jit::EngineOptions options;
    options.emit.inline_ops = false;
    options.emit.chain = false;
    LockstepPair p(options);
    setup_traps(p);
    p.write_code(kCode,
                 {encode(Op::addi, 5, 0, 0, 5), encode(Op::addi, 6, 6, 0, 3), encode(Op::sd, 0, 10, 6, 0),
                  encode(Op::addi, 5, 5, 0, -1), encode(Op::bne, 0, 5, 0, -12), encode(Op::ld, 7, 10, 0, 0),
                  encode(Op::ld, 7, 0, 0, 0), kSpin});
    p.set_x(10, kData);
    p.run_to(kHandler);
    CHECK(p.jit.hart.state.x[7] == 15);
    CHECK(p.jit.hart.state.csr.mepc == kCode + 24);
}

TEST_CASE("jit: the machine runs its harts with the JIT when config.accel is Jit") {
    for (Accel accel : {Accel::Interpreter, Accel::Jit}) {
        MachineConfig config;
        config.accel = accel;
        config.ram_size = 1 << 20;
        Machine m(config);
        // Count to 100000 in a chained loop, then write the finisher's pass code (an MMIO store).
        const std::vector<uint32_t> code = {
            encode(Op::lui, 5, 0, 0, 0x18000),           //
            encode(Op::addi, 5, 5, 0, 0x6a0),            // x5 = 0x186a0 = 100000
            encode(Op::addi, 6, 6, 0, 1),                // loop:
            encode(Op::bne, 0, 6, 5, -4),                //
            encode(Op::lui, 7, 0, 0, SifiveTest::kBase), // x7 = the finisher
            encode(Op::lui, 8, 0, 0, 0x5000),            //
            encode(Op::addi, 8, 8, 0, 0x555),            // x8 = 0x5555: pass
            encode(Op::sw, 0, 7, 8, 0),                  //
            kSpin,
        };
        for (size_t i = 0; i < code.size(); ++i)
            m.bus.write(MachineConfig::kRamBase + 4 * i, 4, code[i]);
        m.harts[0]->state.pc = MachineConfig::kRamBase;
        CHECK(m.run() == 0);
        CHECK(m.harts[0]->state.x[6] == 100000);
        CHECK(m.jits.empty() == (accel != Accel::Jit));
        if (!m.jits.empty()) CHECK(m.jits[0]->stats().chain_hits > 90000);
    }
}

TEST_CASE("jit: calls and returns (jalr) continue in translated code") {
    jit::Sandbox s;
    jit::Engine engine(s.cache);
    // loop: call f (x5 += 3), count x6 down to zero; then spin.
    s.write_code(kCode, {encode(Op::jal, 1, 0, 0, 0x100), encode(Op::addi, 6, 6, 0, -1),
                         encode(Op::bne, 0, 6, 0, -8), kSpin});
    s.write_code(kCode + 0x100, {encode(Op::addi, 5, 5, 0, 3), encode(Op::jalr, 0, 1, 0, 0)});
    s.hart.set_x(6, 1000);
    // 5 instructions per iteration, and the spin in the block of the last (not-taken) bne.
    CHECK(engine.run(s.hart, 5000) == 5001);
    CHECK(s.hart.state.x[5] == 3000);
    CHECK(s.hart.state.x[6] == 0);
    CHECK(s.hart.state.pc == kCode + 12);
    CHECK(engine.stats().dispatches < 20);
    CHECK(engine.stats().chain_hits > 2900);
}

TEST_CASE("jit: host code listing through Capstone") {
    jit::Sandbox s;
    jit::Engine engine(s.cache);
    s.write_code(kCode, {encode(Op::add, 5, 6, 7), kSpin});
    engine.run(s.hart, 1);
    const Block* block = s.cache.lookup(kCode);
    REQUIRE(block);
    REQUIRE(block->compiled);
    const std::string listing = jit::disassemble_host(*block->compiled);
    // add x5, x6, x7 reads x6 and adds x7 from the HartState (rbx) at 8 * index.
    CHECK(listing.find("add      rax, qword ptr [rbx + 0x38]") != std::string::npos);
    CHECK(listing.find("mov      qword ptr [rbx + 0x28], rax") != std::string::npos);
}

TEST_CASE("jit: an interrupt raised by an MMIO store is taken at the next block boundary, as interpreted") {
    for (Accel accel : {Accel::Interpreter, Accel::Jit}) {
        MachineConfig config;
        config.accel = accel;
        config.ram_size = 1 << 20;
        config.max_instructions = 1'000'000; // a missed interrupt ends the run with 124, not a hang
        Machine m(config);
        const std::vector<uint32_t> code = {
            encode(Op::lui, 7, 0, 0, Clint::kBase), // 0x00 x7 = msip of hart 0
            encode(Op::addi, 8, 0, 0, 0),           // 0x04
            encode(Op::auipc, 9, 0, 0, 0),          // 0x08
            encode(Op::addi, 9, 9, 0, 0x78),        // 0x0c x9 = handler (0x80)
            encode(Op::csrrw, 0, 9, 0, 0x305),      // 0x10 mtvec
            encode(Op::addi, 10, 0, 0, 8),          // 0x14
            encode(Op::csrrs, 0, 10, 0, 0x304),     // 0x18 mie.MSIE
            encode(Op::csrrsi, 0, 8, 0, 0x300),     // 0x1c mstatus.MIE
            encode(Op::addi, 5, 5, 0, 1),           // 0x20 loop: x5 += 1
            encode(Op::addi, 6, 5, 0, -50),         // 0x24
            encode(Op::sltiu, 8, 6, 0, 1),          // 0x28 x8 = (x5 == 50)
            encode(Op::sw, 0, 7, 8, 0),             // 0x2c msip = x8 (the slow path: MMIO)
            encode(Op::jal, 0, 0, 0, -0x10),        // 0x30 a block chained to itself
        };
        const std::vector<uint32_t> handler = {
            encode(Op::csrrs, 11, 0, 0, 0x341),           // x11 = mepc
            encode(Op::lui, 12, 0, 0, SifiveTest::kBase), //
            encode(Op::lui, 13, 0, 0, 0x5000),            //
            encode(Op::addi, 13, 13, 0, 0x555),           //
            encode(Op::sw, 0, 12, 13, 0),                 // pass
            kSpin,
        };
        for (size_t i = 0; i < code.size(); ++i)
            m.bus.write(MachineConfig::kRamBase + 4 * i, 4, code[i]);
        for (size_t i = 0; i < handler.size(); ++i)
            m.bus.write(MachineConfig::kRamBase + 0x80 + 4 * i, 4, handler[i]);
        m.harts[0]->state.pc = MachineConfig::kRamBase;
        CHECK(m.run() == 0);
        CHECK(m.harts[0]->state.x[5] == 50);                              // not one loop iteration more
        CHECK(m.harts[0]->state.x[11] == MachineConfig::kRamBase + 0x20); // after the block with the store
        CHECK(m.harts[0]->state.csr.mcause == (1ull << 63 | 3));
    }
}
