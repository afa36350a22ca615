#pragma once
// The reference execution engine: runs decoded blocks from the code cache.
#include <cstddef>
#include <cstdint>

namespace tern {

class Hart;
struct Block;
struct Hammock;
struct DecodedInsn;
using ExecFn = void (*)(Hart&, const DecodedInsn&);

// Runs `hart` for at most about `budget` instructions (a block may overshoot it
// slightly) and returns how many retired. Returns early when the hart enters
// WFI or is kicked (hart.control.attention()).
uint64_t interpret(Hart& hart, uint64_t budget);

// The dispatch steps both engines (interpreter and jit/) share, so that they
// take interrupts and form blocks at the same points.
// Takes a pending interrupt at an instruction boundary; true if one was taken.
bool service_interrupts(Hart& hart);
// The decoded block at hart.state.pc (decoding it if needed). nullptr with
// `faulted` set when the fetch trapped (the trap is taken), or nullptr alone
// when the code cannot be cached (not RAM, or an instruction straddling two
// pages): run it with interpret_one.
Block* fetch_block(Hart& hart, bool& faulted);

// Runs one decoded instruction at hart.state.pc as the interpreter does: sets
// next_pc, runs the semantics, updates pc; true if it retired, false if it
// trapped (pc is then the handler). minstret/mcycle are the caller's to count.
bool execute_insn(Hart& hart, ExecFn fn, const DecodedInsn& insn);

// How both engines go on after a hammock's branch was taken (cpu/code_cache.hpp):
// the hammock whose branch is block.insns[index], if any; then, with
// state.pc at the branch target, running arm B, which leaves state.pc at the
// join, `join_pc`. Arm B's instructions retire (minstret is the caller's).
const Hammock* hammock_at(const Block& block, size_t index);
void run_taken_hammock(Hart& hart, const Hammock& hammock, uint64_t join_pc);

// Executes exactly one instruction (or takes one trap); returns 1 if it retired.
uint64_t interpret_one(Hart& hart);
// Runs `block` (fetched at hart.state.pc) as interpret() does, minstret/mcycle
// included; returns how many instructions retired. For the JIT's cold blocks.
uint64_t interpret_block(Hart& hart, const Block& block);

} // namespace tern
