#pragma once
// Decoded basic blocks keyed by the physical address of their first
// instruction. A block never crosses a 4 KiB page, so invalidating a page
// (a store to it, or fence.i) drops exactly the blocks that could be stale.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/bus.hpp"
#include "cpu/decoder.hpp"
#include "cpu/exec.hpp"

namespace tern {

namespace jit {
struct CompiledBlock;
}

struct BlockInsn {
    ExecFn fn;
    DecodedInsn insn;
};

// A short if-then or if-else around a conditional branch, kept inside the
// block (a "hammock") so the JIT can run both arms without branching on it
// (jit/README.md, "Hammocks"): a data-dependent branch that goes either way
// costs the host a misprediction about every other time. Both engines run
// the block the same way: not taken, the straight line goes on through arm A
// (`arm_a` instructions after the branch); taken, the `arm_b` instructions
// run instead and the straight line resumes after arm A, at the join.
// Either arm holds only is_predicable ops. Two shapes:
// - if-then: arm B is empty and the branch's target is the join;
// - if-else ending in one decision: arm A ends at the join, a conditional
//   branch, and arm B (at the branch's target) ends in a branch that goes
//   where the join's goes when the join's does not (same operands, opposite
//   condition, targets swapped), so running the join after arm B takes the
//   same path with the same state: both retire one branch, and neither can trap.
// csrrw, csrrs, csrrc and their immediate forms.
bool is_csr_access(Op op);
// beq, bne, blt, bge, bltu, bgeu.
bool is_conditional_branch(Op op);
// Decodes the instruction at `offset` of a RAM page (host copy; read as
// other harts may be storing to it); false when it does not fit in the page.
bool decode_in_page(const uint8_t* page_host, uint64_t offset, DecodedInsn& insn);

// Integer ops that write only rd and never trap: what a hammock's arms may
// hold. The JIT emits each of them inline with scratch registers that its
// predicated form does not need (jit/block_emitter.cpp, emit_hammock).
bool is_predicable(Op op);

struct Hammock {
    uint16_t branch = 0;          // index in Block::insns
    uint16_t arm_a = 0;           // insns[branch + 1 .. branch + arm_a]
    uint16_t arm_a_bytes = 0;     // their length: the join is that far after the branch's end
    int32_t arm_b_offset = 0;     // arm B's first instruction (the branch target) from the block's start
    std::vector<BlockInsn> arm_b; // without its final branch (the join stands in for it)
    size_t join() const { return branch + 1u + arm_a; }
};

struct Block {
    uint64_t paddr = 0;
    std::vector<BlockInsn> insns;
    std::vector<Hammock> hammocks; // by increasing branch index; they never overlap
    // The last instruction reads or writes a CSR, so the counters must be current before it.
    bool ends_with_csr_access = false;
    // Host code for this block when the JIT has translated it (owned by jit::Engine).
    jit::CompiledBlock* compiled = nullptr;
    // How often the JIT ran it through the interpreter before translating it.
    uint32_t cold_runs = 0;
};

// Every hart has its own CodeCache (and JIT engine), used only by the hart's
// own thread, so lookups and translations need no locks. A store by another
// hart (or a device) into a page this cache holds code from cannot touch the
// cache directly: it goes to `on_remote_store`, which posts the page to the
// owner's mailbox (cpu/hart_control.hpp); the owner drops the page at its next
// block boundary. That is soon enough: RISC-V only requires another hart's
// code stores to be visible after this hart's fence.i, and fence.i ends a block.
class CodeCache {
  public:
    // `owner` is the hart (mhartid) whose thread uses this cache.
    explicit CodeCache(Bus& bus, unsigned owner = 0);

    // Where stores by other harts into this cache's code pages go; without
    // it (a single-threaded user) they invalidate at once.
    std::function<void(uint64_t page)> on_remote_store;

    Block* lookup(uint64_t paddr) {
        Block* b = fast_[fast_index(paddr)];
        if (b && b->paddr == paddr) [[likely]]
            return b;
        auto it = blocks_.find(paddr);
        if (it == blocks_.end()) return nullptr;
        fast_[fast_index(paddr)] = it->second.get();
        return it->second.get();
    }
    // Decodes a block starting at paddr from the host bytes of its RAM page.
    Block* translate(uint64_t paddr, const uint8_t* page_host);

    void invalidate_page(uint64_t paddr);
    void flush_all();

    // Called for every block leaving the cache (page invalidation or flush),
    // before it is retired: the one invalidation path that every engine's
    // translations of the block follow.
    using RetireObserver = std::function<void(Block&)>;
    size_t add_retire_observer(RetireObserver observer) {
        retire_observers_.push_back(std::move(observer));
        return retire_observers_.size() - 1;
    }
    void remove_retire_observer(size_t id) { retire_observers_[id] = nullptr; }
    // Frees invalidated blocks; call only where no block is being executed.
    void release_retired() { retired_.clear(); }

    // Bumped on every invalidation, so an executing block can notice that it
    // (or a later part of its page) may have been rewritten.
    uint64_t generation() const { return generation_; }

    static constexpr size_t kMaxBlockInsns = 64;
    // A block goes on past this many conditional branches minus one: every
    // block starting at a branch target repeats the code after it, and
    // translating that (a Linux boot translates a lot) costs more than longer
    // blocks save.
    static constexpr unsigned kMaxBlockBranches = 4;
    // The longest arm of a hammock: the JIT runs both arms, a few host
    // instructions per guest one, so longer arms cost more than the
    // misprediction they avoid.
    static constexpr unsigned kMaxHammockArm = 6;

  private:
    static size_t fast_index(uint64_t paddr) { return (paddr >> 1) % kFastEntries; }
    static constexpr size_t kFastEntries = 4096;

    Bus& bus_;
    const unsigned owner_;
    std::unordered_map<uint64_t, std::unique_ptr<Block>> blocks_;
    std::unordered_map<uint64_t, std::vector<uint64_t>> blocks_by_page_;
    std::vector<std::unique_ptr<Block>> retired_;
    std::vector<RetireObserver> retire_observers_;
    std::array<Block*, kFastEntries> fast_{};
    uint64_t generation_ = 0;
};

} // namespace tern
