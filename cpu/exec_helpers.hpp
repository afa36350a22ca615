#pragma once
// Shorthand for instruction semantics, so each reads like the spec's pseudocode.
#include <cstdint>

#include "cpu/code_cache.hpp"
#include "cpu/exec.hpp"
#include "cpu/trap.hpp"

// Defines the semantics of op `id` once and makes two entry points from it:
// exec::id runs one instruction (ExecFn), and exec::id_step runs it inside a
// block with the semantics inlined (StepFn, see threaded_step below).
#define SEMANTICS(id)                                                                                          \
    static inline void id##_semantics(Hart& hart, const DecodedInsn& insn);                                    \
    void id(Hart& hart, const DecodedInsn& insn) { id##_semantics(hart, insn); }                               \
    const BlockInsn* id##_step(Hart& hart, const BlockInsn* it, uint64_t generation) {                         \
        return threaded_step<id##_semantics>(hart, it, generation);                                            \
    }                                                                                                          \
    static inline void id##_semantics([[maybe_unused]] Hart& hart, [[maybe_unused]] const DecodedInsn& insn)
#define RS1 (hart.state.x[insn.rs1])
#define RS2 (hart.state.x[insn.rs2])
#define IMM (static_cast<uint64_t>(insn.imm))
#define PC (hart.state.pc)
#define WRITE_RD(value) hart.set_x(insn.rd, static_cast<uint64_t>(value))

namespace tern {
constexpr uint64_t sext32(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }
constexpr int64_t as_signed(uint64_t v) { return static_cast<int64_t>(v); }

// One instruction of a block's straight-line part, where control only falls
// through: run it, stop if it trapped or stored into cached code (the caller
// finishes it), else advance pc and jump straight to the next instruction's
// handler. Each handler thus ends in its own indirect jump, which the host
// predicts far better than one shared dispatch; the next handler is called in
// tail position, and a block's length bounds the depth where it is not a jump.
template <void (*semantics)(Hart&, const DecodedInsn&)>
const BlockInsn* threaded_step(Hart& hart, const BlockInsn* it, uint64_t generation) {
    hart.next_pc = hart.state.pc + it->insn.len;
    semantics(hart, it->insn);
    if (hart.trapped || hart.code_cache.generation() != generation) [[unlikely]] return it;
    hart.state.pc = hart.next_pc;
    ++it;
    return it->step(hart, it, generation);
}
} // namespace tern
