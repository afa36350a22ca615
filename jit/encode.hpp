#pragma once
// Encodes one instruction from the decode table (cpu/isa/*.inc): the JIT's
// tests, its fuzzer and its benchmark build guest code with it, so no
// encoding constant is typed twice.
#include <cstdint>

#include "cpu/decoder.hpp"

namespace tern::jit {

// Places the operand fields of `op` around its fixed bits (kOpInfo mask/match).
inline uint32_t encode(Op op, unsigned rd = 0, unsigned rs1 = 0, unsigned rs2 = 0, int64_t imm = 0) {
    const OpInfo& info = op_info(op);
    const auto u = static_cast<uint32_t>(imm);
    auto bit = [&](unsigned i) { return (u >> i) & 1u; };
    auto field = [&](unsigned hi, unsigned lo) { return (u >> lo) & ((1u << (hi - lo + 1)) - 1); };
    uint32_t f = rd << 7 | rs1 << 15 | rs2 << 20;
    switch (info.imm) {
    case ImmKind::None: break;
    case ImmKind::I: f |= field(11, 0) << 20; break;
    case ImmKind::S: f = rs1 << 15 | rs2 << 20 | field(11, 5) << 25 | field(4, 0) << 7; break;
    case ImmKind::B:
        f = rs1 << 15 | rs2 << 20 | bit(12) << 31 | field(10, 5) << 25 | field(4, 1) << 8 | bit(11) << 7;
        break;
    case ImmKind::U: f = rd << 7 | (u & 0xfffff000u); break;
    case ImmKind::J:
        f = rd << 7 | bit(20) << 31 | field(10, 1) << 21 | bit(11) << 20 | field(19, 12) << 12;
        break;
    case ImmKind::Shamt: f |= field(5, 0) << 20; break;
    case ImmKind::Csr: f |= field(11, 0) << 20; break;
    }
    return info.match | (f & ~info.mask);
}

} // namespace tern::jit
