// Hammocks (cpu/code_cache.hpp): which short if-then and if-else shapes a
// block keeps inside itself, and that both engines run them with the
// architectural results of the branches they stand for: every direction,
// registers cached or in memory, auipc in an arm, rd = x0, arms of different
// lengths before a counter or time read.
#include <doctest/doctest.h>

#include <vector>

#include "cpu/code_cache.hpp"
#include "cpu/interpreter.hpp"
#include "test_jit_harness.hpp"

using namespace tern;
using namespace tern::test;

namespace {

constexpr uint16_t kMinstret = 0xb02, kTime = 0xc01;

// The block the interpreter and the JIT would run from kCode.
const Block& block_at_code(jit::Sandbox& s, const std::vector<uint32_t>& code) {
    s.write_code(kCode, code);
    s.hart.state.pc = kCode;
    bool faulted = false;
    const Block* block = fetch_block(s.hart, faulted);
    REQUIRE(block);
    return *block;
}

// if-else ending in one decision (bench/kernels/intmix.c's sift_down has this shape):
//   if (x5 >= x6) { x7 = pc; x9 <<= 1; } else { x7 = 1; x8 = 2; x8 += 3; }
//   if (x9 < x10) x12 += 7; else x13 = CSR;
std::vector<uint32_t> if_else_program(uint16_t csr) {
    return {
        encode(Op::bgeu, 0, 5, 6, 28),    // 0x00: taken: arm B at 0x1c
        encode(Op::addi, 7, 0, 0, 1),     // 0x04: arm A
        encode(Op::addi, 8, 0, 0, 2),     // 0x08
        encode(Op::addi, 8, 8, 0, 3),     // 0x0c
        encode(Op::bltu, 0, 9, 10, 24),   // 0x10: the join: to 0x28
        encode(Op::csrrs, 13, 0, 0, csr), // 0x14
        encode(Op::jal, 0, 0, 0, 20),     // 0x18: to the end
        encode(Op::auipc, 7, 0, 0, 0),    // 0x1c: arm B
        encode(Op::slli, 9, 9, 0, 1),     // 0x20
        encode(Op::bgeu, 0, 9, 10, -16),  // 0x24: the join's opposite: to 0x14, else on to 0x28
        encode(Op::addi, 12, 12, 0, 7),   // 0x28
        kSpin,                            // 0x2c
    };
}

// if-then: if (x5 >= x6) { x7 = pc + 0x1000; x0 = x8 + 3; x8 *= x9; x10 = (int32_t)(x10 - 1); }
std::vector<uint32_t> if_then_program() {
    return {
        encode(Op::blt, 0, 5, 6, 20),           // 0x00: over the arm, to 0x14
        encode(Op::auipc, 7, 0, 0, 0x1000),     // 0x04
        encode(Op::addi, 0, 8, 0, 3),           // 0x08: rd = x0: nothing
        encode(Op::mul, 8, 8, 9),               // 0x0c
        encode(Op::addiw, 10, 10, 0, -1),       // 0x10
        encode(Op::add, 11, 7, 8),              // 0x14: the join
        encode(Op::csrrs, 12, 0, 0, kMinstret), // 0x18
        kSpin,                                  // 0x1c
    };
}

jit::EngineOptions register_variant(int variant) {
    jit::EngineOptions options;
    if (variant == 1) options.emit.cache_in_every_block = true; // the arms' registers in host registers
    if (variant == 2) options.emit.cache_registers = false;
    if (variant == 3) options.emit.inline_ops = false; // the arms stay inline, the rest calls helpers
    return options;
}

} // namespace

TEST_CASE("hammock: the block keeps short if-then and if-else shapes, and only those") {
    jit::Sandbox s;
    SUBCASE("if-else ending in opposite branches") {
        const Block& b = block_at_code(s, if_else_program(kMinstret));
        REQUIRE(b.hammocks.size() == 1);
        const Hammock& h = b.hammocks[0];
        CHECK(h.branch == 0);
        CHECK(h.arm_a == 3);
        CHECK(h.arm_a_bytes == 12);
        CHECK(h.arm_b_offset == 0x1c);
        REQUIRE(h.arm_b.size() == 2);
        CHECK(h.arm_b[0].insn.op == Op::auipc);
        CHECK(h.arm_b[1].insn.op == Op::slli);
        CHECK(h.join() == 4);
        CHECK(b.insns.size() == 6); // to the csrrs
    }
    SUBCASE("if-then") {
        const Block& b = block_at_code(s, if_then_program());
        REQUIRE(b.hammocks.size() == 1);
        CHECK(b.hammocks[0].arm_a == 4);
        CHECK(b.hammocks[0].arm_b.empty());
        CHECK(b.hammocks[0].join() == 5);
    }
    SUBCASE("not: an arm with a load") {
        std::vector<uint32_t> code = if_then_program();
        code[3] = encode(Op::ld, 8, 9, 0, 0);
        CHECK(block_at_code(s, code).hammocks.empty());
    }
    SUBCASE("not: an arm with a division") {
        std::vector<uint32_t> code = if_else_program(kMinstret);
        code[8] = encode(Op::divu, 9, 9, 10);
        CHECK(block_at_code(s, code).hammocks.empty());
    }
    SUBCASE("not: an arm longer than kMaxHammockArm") {
        std::vector<uint32_t> code = {encode(Op::beq, 0, 5, 6, 4 * (CodeCache::kMaxHammockArm + 2))};
        for (unsigned i = 0; i <= CodeCache::kMaxHammockArm; ++i)
            code.push_back(encode(Op::addi, 7, 7, 0, 1));
        code.push_back(kSpin);
        CHECK(block_at_code(s, code).hammocks.empty());
        code.erase(code.begin() + 1); // kMaxHammockArm instructions: a hammock
        code[0] = encode(Op::beq, 0, 5, 6, 4 * (CodeCache::kMaxHammockArm + 1));
        CHECK(block_at_code(s, code).hammocks.size() == 1);
    }
    SUBCASE("not: arm B's branch is the join's, not its opposite") {
        std::vector<uint32_t> code = if_else_program(kMinstret);
        code[9] = encode(Op::bltu, 0, 9, 10, -16);
        CHECK(block_at_code(s, code).hammocks.empty());
    }
    SUBCASE("not: arm B's branch compares other registers") {
        std::vector<uint32_t> code = if_else_program(kMinstret);
        code[9] = encode(Op::bgeu, 0, 10, 9, -16);
        CHECK(block_at_code(s, code).hammocks.empty());
    }
    SUBCASE("not: arm B's branch goes elsewhere") {
        std::vector<uint32_t> code = if_else_program(kMinstret);
        code[9] = encode(Op::bgeu, 0, 9, 10, -20);
        CHECK(block_at_code(s, code).hammocks.empty());
    }
}

TEST_CASE("hammock: if-else, every direction, on both engines with the branches' results") {
    struct Case {
        uint64_t x5, x6, x9, x10;
        bool arm_b, join_taken;
    };
    for (const int variant : {0, 1, 2, 3})
        for (const Case c : {Case{1, 2, 1, 2, false, true}, Case{1, 2, 2, 1, false, false},
                             Case{2, 1, 1, 3, true, true}, Case{2, 1, 2, 3, true, false}}) {
            for (const uint16_t csr : {kMinstret, kTime}) {
                CAPTURE(variant);
                CAPTURE(c.x5);
                CAPTURE(c.x9);
                CAPTURE(csr);
                LockstepPair p(register_variant(variant));
                p.write_code(kCode, if_else_program(csr));
                p.set_x({{5, c.x5}, {6, c.x6}, {9, c.x9}, {10, c.x10}, {8, 100}, {13, 0xdead}});
                p.set_pc(kCode);
                p.run_to(kCode + 0x2c);
                for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
                    const auto& x = h->state.x;
                    CHECK(x[7] == (c.arm_b ? kCode + 0x1c : 1));
                    CHECK(x[8] == (c.arm_b ? 100 : 5));
                    CHECK(x[9] == (c.arm_b ? c.x9 << 1 : c.x9));
                    CHECK(x[12] == (c.join_taken ? 7 : 0));
                    // Retired before the CSR read: the branch, arm A's 3 or arm B's 2, the join.
                    if (csr == kMinstret) CHECK(x[13] == (c.join_taken ? 0xdead : c.arm_b ? 4 : 5));
                    // Then the CSR read and the jal, or x12's addi and the first `j .` of the end.
                    CHECK(h->state.csr.minstret == (c.arm_b ? 4 : 5) + 2u);
                }
            }
        }
}

TEST_CASE("hammock: if-then, both directions, on both engines with the branch's results") {
    for (const int variant : {0, 1, 2, 3})
        for (const bool skip : {false, true}) {
            CAPTURE(variant);
            CAPTURE(skip);
            LockstepPair p(register_variant(variant));
            p.write_code(kCode, if_then_program());
            p.set_x({{5, skip ? 1 : 2}, {6, 2}, {7, 40}, {8, 3}, {9, 5}, {10, 0}});
            p.set_pc(kCode);
            p.run_to(kCode + 0x1c);
            for (Hart* h : {&p.jit.hart, &p.ref.hart}) {
                const auto& x = h->state.x;
                const uint64_t x7 = skip ? 40 : kCode + 4 + 0x1000;
                CHECK(x[7] == x7);
                CHECK(x[8] == (skip ? 3 : 15));
                CHECK(x[10] == (skip ? 0 : ~0ull));
                CHECK(x[11] == x7 + x[8]);
                CHECK(x[12] == (skip ? 2 : 6));
            }
        }
}

TEST_CASE("hammock: a loop around one runs translated with registers kept, as interpreted") {
    // x11 counts elements of x5.. that are >= x6 in a chained loop: the
    // data-dependent branch of the loop is a hammock.
    LockstepPair p;
    p.write_code(kCode, {
                            encode(Op::addi, 12, 12, 0, 1),   // 0x00: loop: x12 = x12 * 5 + 1 (pseudo-random)
                            encode(Op::mul, 12, 12, 13),      // 0x04
                            encode(Op::andi, 14, 12, 0, 255), // 0x08
                            encode(Op::bltu, 0, 14, 6, 12),   // 0x0c: over the arm, to 0x18
                            encode(Op::addi, 11, 11, 0, 1),   // 0x10
                            encode(Op::xor_, 15, 15, 14),     // 0x14
                            encode(Op::addi, 5, 5, 0, -1),    // 0x18: the join
                            encode(Op::bne, 0, 5, 0, -28),    // 0x1c: to 0x00
                            kSpin,                            // 0x20
                        });
    p.set_x({{5, 1000}, {6, 128}, {13, 5}});
    p.set_pc(kCode);
    p.lockstep.set_step_budget(64);
    p.run_to(kCode + 0x20);
    CHECK(p.engine.stats().hammocks == 1);
    CHECK(p.engine.stats().chain_hits > 0);
    CHECK(p.jit.hart.state.x[11] > 100);
    CHECK(p.jit.hart.state.x[11] < 900);
}
