#pragma once
// The code around a block: every instruction on its 4 KiB page that control
// can reach from the block's start through static jumps (branches both ways,
// jal targets, the return point after a call), up to a bound. Blocks of one
// loop see the same region, so they choose the same host registers and can
// jump to each other with guest registers still in them (jit/README.md).
#include <array>
#include <cstdint>

#include "cpu/decoder.hpp"

namespace tern::jit {

// The integer registers an instruction writes and reads (by its operand
// list), bit r for x[r], x0 included.
struct RegisterMasks {
    uint32_t reads = 0, writes = 0;
};
RegisterMasks register_masks(const DecodedInsn& insn);

struct RegisterUses {
    std::array<uint32_t, 32> reads{}, writes{}; // per guest register
    // Counts the register operands of one instruction (by its operand list).
    void add(const DecodedInsn& insn);
};

// How many times each guest register is read and written by the region's
// instructions that `counts` selects. `page` is the host copy of the page,
// `offset` the block's start in it.
RegisterUses region_register_uses(const uint8_t* page, uint64_t offset, bool (*counts)(Op));

} // namespace tern::jit
