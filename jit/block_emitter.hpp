#pragma once
// The emit stage: host x86-64 code for one decoded block (see jit/README.md).
#include <cstddef>
#include <cstdint>

namespace tern {
class Hart;
struct Block;
} // namespace tern

namespace tern::jit {

class CodeArena;
struct CompiledBlock;

// Displacements from the pinned HartState* to what generated code touches.
// Hart's layout is the same for every hart, so any one of them can provide it.
struct HostLayout {
    int32_t x = 0, pc = 0, minstret = 0, mcycle = 0, mcountinhibit = 0, mip = 0, mie = 0;
    int32_t tlb_fetch = 0, tlb_load = 0, tlb_store = 0; // hart.tlb.fetch / load / store arrays
    int32_t f = 0, fcsr = 0, mstatus = 0; // F/D registers and the state their instructions check
    // The bus's count of valid LR reservations (a uint32_t): inline stores
    // take the slow path, which ends the reservations they hit, while it is non-zero.
    const void* reservations_active = nullptr;
    int32_t store_window = 0; // hart.store_window.open, a byte (core/reservations.hpp)
    static HostLayout of(const Hart& hart);
};

struct EmitOptions {
    bool inline_ops = true; // false: every instruction calls its interpreter semantics
    bool chain = true;      // false: every block returns to the dispatcher
    bool cache_registers = true; // false: every guest register is read and written in state.x[]
    bool cache_in_every_block = false; // true: also blocks that do not jump backwards (tests)
};

// Translates `block` into `arena` and fills `cb` (entries, size, chain slots).
// False when the arena has no room left (the caller flushes and retries).
// `page`, the host copy of the block's page, lets the register assignment
// follow the code around the block (jit/code_region.hpp); nullptr: the block alone.
bool emit_block(const Block& block, CompiledBlock& cb, const HostLayout& layout, const EmitOptions& options,
                CodeArena& arena, const uint8_t* page = nullptr);

// The code that enters and leaves translated code, emitted once at the start
// of the arena: `enter(ctx, &hart.state, entry)` runs blocks until one exits.
using EnterFn = void (*)(void* ctx, void* state, const uint8_t* entry);
EnterFn emit_trampoline(CodeArena& arena);

} // namespace tern::jit
