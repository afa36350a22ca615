#include "jit/code_region.hpp"

#include <bitset>
#include <string_view>
#include <vector>

#include "cpu/code_cache.hpp"

namespace tern::jit {

namespace {
constexpr uint64_t kPageSize = 4096;
// Enough for an inner loop of a few blocks (finding the region is a cost of
// every translation); a region cut by the bound differs
// from block to block, which only costs the register hand-over.
constexpr unsigned kMaxInstructions = 40;

bool ends_straight_line(Op op) {
    return op == Op::jalr || op == Op::illegal || op == Op::fence_i || (op_info(op).match & 0x7f) == 0x73;
}
} // namespace

namespace {
// Per op: which of rd, rs1, rs2 are integer register operands (by the operand list).
enum : uint8_t { kRd = 1, kRs1 = 2, kRs2 = 4 };
const std::array<uint8_t, kOpCount> kRegisterOperands = [] {
    std::array<uint8_t, kOpCount> t{};
    for (size_t i = 0; i < kOpCount; ++i) {
        const std::string_view operands = op_info(static_cast<Op>(i)).operands;
        t[i] = (operands.find("xd") != std::string_view::npos ? kRd : 0) |
               (operands.find("xs1") != std::string_view::npos ? kRs1 : 0) |
               (operands.find("xs2") != std::string_view::npos ? kRs2 : 0);
    }
    return t;
}();
} // namespace

RegisterMasks register_masks(const DecodedInsn& insn) {
    const uint8_t operands = kRegisterOperands[static_cast<size_t>(insn.op)];
    RegisterMasks m;
    if (operands & kRd) m.writes |= 1u << insn.rd;
    if (operands & kRs1) m.reads |= 1u << insn.rs1;
    if (operands & kRs2) m.reads |= 1u << insn.rs2;
    return m;
}

void RegisterUses::add(const DecodedInsn& insn) {
    const uint8_t operands = kRegisterOperands[static_cast<size_t>(insn.op)];
    writes[insn.rd] += (operands & kRd) != 0;
    reads[insn.rs1] += (operands & kRs1) != 0;
    reads[insn.rs2] += (operands & kRs2) != 0;
}

RegisterUses region_register_uses(const uint8_t* page, uint64_t offset, bool (*counts)(Op)) {
    RegisterUses uses;
    std::bitset<kPageSize / 2> seen;
    std::vector<uint64_t> pending = {offset};
    unsigned budget = kMaxInstructions;
    auto go = [&](uint64_t to) { // off the page (below it too: the sum wraps) ends the path
        if (to <= kPageSize - 2) pending.push_back(to);
    };
    while (!pending.empty() && budget) {
        const uint64_t at = pending.back();
        pending.pop_back();
        if (seen[at / 2]) continue;
        seen[at / 2] = true;
        DecodedInsn insn;
        if (!decode_in_page(page, at, insn)) continue; // straddles the page end
        --budget;
        if (counts(insn.op)) uses.add(insn);
        if (ends_straight_line(insn.op)) continue;
        const bool conditional = is_conditional_branch(insn.op);
        const bool jump = insn.op == Op::jal && insn.rd == 0;
        // Taken targets first on the stack, so the straight line is followed first.
        if (conditional || jump) go(at + static_cast<uint64_t>(insn.imm));
        if (!jump) go(at + insn.len);
    }
    return uses;
}

} // namespace tern::jit
