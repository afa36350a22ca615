#pragma once
// What generated code shares with the dispatcher during one Engine::run: the
// host register kCtx points here for the whole run (see jit/README.md).
#include <cstdint>

namespace tern {
class Hart;
}

namespace tern::jit {

struct ChainSlot;

struct RunContext {
    Hart* hart = nullptr;
    // Instructions retired in this run. Generated code adds to it at every
    // exit and before every helper call; minstret and mcycle follow it lazily
    // (helpers::sync_counters), since only helpers and the dispatcher can
    // observe them or change mcountinhibit.
    uint64_t retired = 0;
    // The part of `retired` already added to minstret and mcycle.
    uint64_t counted = 0;
    // Chained and indirect jumps continue in translated code only while
    // retired < limit: the machine's slice, or 0 when the dispatcher must look
    // at interrupts. Setting it to 0 from outside makes the hart return soon.
    uint64_t limit = 0;
    // hart.steps (instructions attempted: the machine's budget and the clock
    // of a deterministic run) advances as in the interpreter, by
    // max(1, retired) per block: steps_start + retired + zero_blocks, where
    // zero_blocks counts blocks (and dispatcher steps) that retired nothing.
    uint64_t steps_start = 0;
    uint64_t zero_blocks = 0;
    // `retired` when the running block was entered (set by generated code before each helper call).
    uint64_t block_start = 0;
    // The TLB addend the last inline load or store used: a guess for the next
    // one, so its access need not wait for the TLB entry (jit/README.md).
    uint64_t addend_guess = 0;
    // Block entries, counted by each block's prologue (dispatched or chained).
    uint64_t entries = 0;
    // Set by an unlinked direct exit: the dispatcher links it to the block it
    // runs next if that block is the exit's target.
    ChainSlot* chain_request = nullptr;
    // Where generated code jumps to return to the dispatcher (set by the trampoline).
    const void* epilogue = nullptr;
    // Where a hammock (cpu/code_cache.hpp) keeps, per guest register, the
    // value before it ([0]) and arm A's result ([1]) while arm B runs.
    uint64_t hammock[2][32] = {};
};

// What a helper called from generated code tells it to do next.
enum HelperStatus : uint32_t {
    kContinue = 0, // go on with the next instruction of the block
    kExit = 1,     // leave to the dispatcher; pc and counters are up to date
    kStop = 2,     // the instruction retired but the block must end (code was modified)
};

} // namespace tern::jit
