#pragma once
// Functions that generated code calls. Every one is noexcept: a C++ exception
// must never unwind through a generated frame (it has no unwind tables), so an
// exception escaping the interpreter's code terminates instead.
// Each leaves the hart exactly as the interpreter would at that point.
#include <cstdint>

#include "jit/run_context.hpp"

namespace tern {
struct Block;
struct BlockInsn;
}
namespace tern::jit {
struct CompiledBlock;
}

namespace tern::jit::helpers {

// Brings minstret and mcycle up to date with ctx->retired (unless inhibited
// by mcountinhibit, privileged spec 3.1.12), as the interpreter keeps them
// after every instruction.
void sync_counters(RunContext* ctx) noexcept;

// Sets hart.steps to its value at the start of the running block, as the
// interpreter has it while the block runs (a deterministic clock reads it).
void sync_steps(RunContext* ctx) noexcept;

// Runs one instruction through its interpreter semantics (exec::X) with the
// interpreter's bookkeeping (pc, minstret, mcycle, trap entry). kExit when
// control left the straight line, a trap was taken, the hart entered WFI or
// code was invalidated; kContinue otherwise. state.pc must be the insn's PC.
uint32_t exec_insn(RunContext* ctx, const BlockInsn* insn) noexcept;

// Runs one F or D instruction through its interpreter semantics without
// counting it: the slow path of an inline FP instruction (mstatus.FS Off, a
// rounding mode or operand the inline code leaves alone, an FP load or store
// off the TLB fast path), and the whole of the FP ops that have no inline
// form. Returns what the load/store helpers below return, with `first` as there.
uint32_t exec_fp(RunContext* ctx, const BlockInsn* insn, uint32_t first) noexcept;

// Runs the rest of `block` from insns[from] on through exec_insn (taken
// hammocks as the interpreter does), and returns kExit: state.pc must be
// insns[from]'s PC and ctx->retired must count every instruction before it.
uint32_t interpret_rest(RunContext* ctx, const Block* block, uint32_t from) noexcept;

// The slow paths of inline loads and stores: exactly hart.load/hart.store.
// A load writes x[rd] (kept zero for rd = 0). kExit when the access trapped
// (state.pc is then the handler); kStop when the access (a store, or a page
// walk's A/D update) invalidated translated code. state.pc must be the
// instruction's PC (xepc, guest-error log).
// `first` says the instruction is its block's first (a trap there means the
// block retired nothing).
template <class T, bool Signed>
uint32_t load(RunContext* ctx, uint64_t vaddr, uint32_t rd, uint32_t first) noexcept;
template <class T> uint32_t store(RunContext* ctx, uint64_t vaddr, uint64_t value, uint32_t first) noexcept;

// The host entry of the translated block at guest `pc`, for an indirect jump
// (jalr) to continue without the dispatcher; nullptr when the dispatcher must
// run (ctx->limit reached, no fetch TLB entry, or the block is not translated yet).
// The block found is remembered in *cache (CompiledBlock::indirect_cache).
const uint8_t* indirect_target(RunContext* ctx, uint64_t pc, CompiledBlock** cache) noexcept;

} // namespace tern::jit::helpers
