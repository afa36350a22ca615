#pragma once
// A translated block: its host code and its direct exits (chain slots).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tern {
struct Block;
}

namespace tern::jit {

struct CompiledBlock;

// One direct exit to a static guest target on the same physical page. The
// exit ends in a `jmp rel32` that goes to the slot's exit stub (back to the
// dispatcher) until the dispatcher links it to the target's code.
struct ChainSlot {
    CompiledBlock* owner = nullptr;
    uint64_t target_paddr = 0;
    uint8_t* rel32 = nullptr;        // the jump's displacement field (4-byte aligned)
    uint8_t* stub = nullptr;         // where the jump goes while unlinked
    uint8_t* cold = nullptr;         // writes the guest registers back, then jumps through cold_rel32
                                     // (nullptr: the owner keeps none in host registers)
    uint8_t* cold_rel32 = nullptr;   // (4-byte aligned)
    CompiledBlock* linked = nullptr; // the block it jumps to, when linked
    ptrdiff_t to_writable = 0;       // from an address in the code to its writable alias (CodeArena)

    void point_to(const uint8_t* target);
    // Links to a block with another register assignment, through `cold`.
    void point_cold_to(const uint8_t* load_entry);
};

struct CompiledBlock {
    Block* block = nullptr; // the decoded block (cpu/code_cache.hpp); not valid once dead
    uint64_t paddr = 0;     // the block's physical address (kept when dead)
    uint8_t* entry = nullptr;       // from the dispatcher and indirect jumps: loads the PC from state.pc
    uint8_t* load_entry = nullptr;  // from chained jumps, which pass the PC in a register
    uint8_t* chain_entry = nullptr; // ... and the guest registers in host registers (same register_key)
    uint64_t register_key = 0;      // which host register holds which guest register (RegisterCache)
    size_t code_size = 0;
    // One per taken branch inside the block, and the block end's one or two;
    // sized before emission and never resized (slots are pointed to).
    std::vector<ChainSlot> exits;
    unsigned exit_count = 0;
    std::vector<ChainSlot*> incoming; // linked slots of other blocks that jump here
    bool dead = false;                // invalidated: never entered again
    // The block this block's jalr went to last (its inline cache): generated
    // code enters it directly when the target's fetch translation still gives
    // its paddr and it is not dead. Freed only with every translation (a flush).
    CompiledBlock* indirect_cache = nullptr;
};

} // namespace tern::jit
