#pragma once
// Instruction semantics: one function per op, named after its table id and
// defined in exec_<chapter>.cpp. Each reads and writes hart state and returns;
// control transfer goes through hart.next_pc, traps through take_exception.
#include <array>

#include "cpu/decoder.hpp"
#include "cpu/hart.hpp"

namespace tern {

using ExecFn = void (*)(Hart&, const DecodedInsn&);

namespace exec {
#define INSN(id, mnemonic, pattern, imm, operands) void id(Hart& hart, const DecodedInsn& insn);
#include "cpu/isa/all.inc"
#undef INSN
void illegal(Hart& hart, const DecodedInsn& insn);
} // namespace exec

inline constexpr std::array<ExecFn, kOpCount> kExecTable = {{
#define INSN(id, mnemonic, pattern, imm, operands) &exec::id,
#include "cpu/isa/all.inc"
#undef INSN
    &exec::illegal,
}};

inline ExecFn exec_fn(Op op) { return kExecTable[static_cast<size_t>(op)]; }

} // namespace tern
