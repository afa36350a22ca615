#pragma once
// Instruction semantics: one function per op, named after its table id and
// defined in exec_<chapter>.cpp. Each reads and writes hart state and returns;
// control transfer goes through hart.next_pc, traps through take_exception.
#include <array>

#include "cpu/decoder.hpp"
#include "cpu/hart.hpp"

namespace tern {

using ExecFn = void (*)(Hart&, const DecodedInsn&);

struct BlockInsn;
// Runs the instruction at `it` in a block's straight-line part, then the ones
// after it (threaded code: see threaded_step in exec_helpers.hpp). Returns the
// instruction it stopped at: the block's last one, not yet run, or one that
// has run and trapped or rewrote code, not yet finished.
using StepFn = const BlockInsn* (*)(Hart&, const BlockInsn* it, uint64_t generation);

namespace exec {
#define INSN(id, mnemonic, pattern, imm, operands)                                                            \
    void id(Hart& hart, const DecodedInsn& insn);                                                              \
    const BlockInsn* id##_step(Hart& hart, const BlockInsn* it, uint64_t generation);
#include "cpu/isa/all.inc"
#undef INSN
void illegal(Hart& hart, const DecodedInsn& insn);
const BlockInsn* illegal_step(Hart& hart, const BlockInsn* it, uint64_t generation);
} // namespace exec

inline constexpr std::array<ExecFn, kOpCount> kExecTable = {{
#define INSN(id, mnemonic, pattern, imm, operands) &exec::id,
#include "cpu/isa/all.inc"
#undef INSN
    &exec::illegal,
}};

inline constexpr std::array<StepFn, kOpCount> kStepTable = {{
#define INSN(id, mnemonic, pattern, imm, operands) &exec::id##_step,
#include "cpu/isa/all.inc"
#undef INSN
    &exec::illegal_step,
}};

inline ExecFn exec_fn(Op op) { return kExecTable[static_cast<size_t>(op)]; }
inline StepFn step_fn(Op op) { return kStepTable[static_cast<size_t>(op)]; }

} // namespace tern
