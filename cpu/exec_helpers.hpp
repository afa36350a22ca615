#pragma once
// Shorthand for instruction semantics, so each reads like the spec's pseudocode.
#include <cstdint>

#include "cpu/exec.hpp"
#include "cpu/trap.hpp"

#define SEMANTICS(id)   void id([[maybe_unused]] Hart& hart, [[maybe_unused]] const DecodedInsn& insn)
#define RS1             (hart.state.x[insn.rs1])
#define RS2             (hart.state.x[insn.rs2])
#define IMM             (static_cast<uint64_t>(insn.imm))
#define PC              (hart.state.pc)
#define WRITE_RD(value) hart.set_x(insn.rd, static_cast<uint64_t>(value))

namespace tern {
constexpr uint64_t sext32(uint64_t v) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
}
constexpr int64_t as_signed(uint64_t v) { return static_cast<int64_t>(v); }
} // namespace tern
