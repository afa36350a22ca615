#include "jit/helpers.hpp"

#include <atomic>
#include <type_traits>

#include "cpu/code_cache.hpp"
#include "cpu/hart.hpp"
#include "cpu/interpreter.hpp"
#include "cpu/trap.hpp"
#include "jit/compiled_block.hpp"

namespace tern::jit::helpers {

namespace {
// After a slow-path access: an MMIO write to the CLINT or PLIC updates mip at
// once, and the interpreter would take the interrupt at the next block
// boundary, so chained and indirect jumps must go back to the dispatcher.
void notice_interrupts(RunContext* ctx, const Hart& hart) {
    if (interrupt_deliverable(hart)) std::atomic_ref<uint64_t>(ctx->limit).store(0);
}

// The interpreter's epilogue of a trapped instruction: the handler is the next
// pc. A block whose first instruction traps still counts one step.
uint32_t trap_taken(RunContext* ctx, Hart& hart, bool first) {
    hart.trapped = false;
    hart.state.pc = hart.next_pc;
    if (first) ++ctx->zero_blocks;
    return kExit;
}

} // namespace

void sync_steps(RunContext* ctx) noexcept {
    ctx->hart->steps = ctx->steps_start + ctx->block_start + ctx->zero_blocks;
}

void sync_counters(RunContext* ctx) noexcept {
    const uint64_t n = ctx->retired - ctx->counted;
    CsrState& csr = ctx->hart->state.csr;
    if (!(csr.mcountinhibit & 4)) csr.minstret += n;
    if (!(csr.mcountinhibit & 1)) csr.mcycle += n;
    ctx->counted = ctx->retired;
}

uint32_t exec_insn(RunContext* ctx, const BlockInsn* bi) noexcept {
    Hart& hart = *ctx->hart;
    // Only a CSR instruction can see the counters or the step count (time), or
    // change mcountinhibit; everything else leaves them to the next sync.
    if (is_csr_access(bi->insn.op)) {
        sync_counters(ctx);
        sync_steps(ctx);
    }
    const uint64_t generation = hart.code_cache.generation();
    const uint64_t expected = hart.state.pc + bi->insn.len;
    if (!execute_insn(hart, bi->fn, bi->insn)) {
        if (ctx->retired == ctx->block_start) ++ctx->zero_blocks; // the counts are flushed before the call
        return kExit;
    }
    ++ctx->retired; // counted in minstret/mcycle at the next sync, with the inhibit bits it set
    notice_interrupts(ctx, hart);
    const bool straight = hart.state.pc == expected && hart.code_cache.generation() == generation;
    return straight && !hart.state.wfi ? kContinue : kExit;
}

uint32_t exec_fp(RunContext* ctx, const BlockInsn* bi, uint32_t first) noexcept {
    Hart& hart = *ctx->hart;
    sync_steps(ctx); // an FP load may read mtime
    const uint64_t generation = hart.code_cache.generation();
    if (!execute_insn(hart, bi->fn, bi->insn)) {
        if (first) ++ctx->zero_blocks;
        return kExit;
    }
    notice_interrupts(ctx, hart);
    return hart.code_cache.generation() == generation ? kContinue : kStop;
}

uint32_t interpret_rest(RunContext* ctx, const Block* block, uint32_t from) noexcept {
    Hart& hart = *ctx->hart;
    for (size_t i = from; i < block->insns.size(); ++i) {
        const uint64_t next = hart.state.pc + block->insns[i].insn.len;
        if (exec_insn(ctx, &block->insns[i]) == kContinue) continue;
        // A branch cannot trap: one that left the straight line was taken.
        const Hammock* h = hart.state.pc != next ? hammock_at(*block, i) : nullptr;
        if (!h) break;
        run_taken_hammock(hart, *h, next + h->arm_a_bytes);
        ctx->retired += h->arm_b.size();
        i += h->arm_a;
    }
    return kExit;
}

template <class T, bool Signed>
uint32_t load(RunContext* ctx, uint64_t vaddr, uint32_t rd, uint32_t first) noexcept {
    Hart& hart = *ctx->hart;
    sync_steps(ctx);              // an MMIO read of mtime may look at it
    hart.next_pc = hart.state.pc; // replaced by the trap vector if the access traps
    // A page walk's A/D update can store to a page holding code, which ends
    // the interpreter's block too.
    const uint64_t generation = hart.code_cache.generation();
    T value;
    if (!hart.load<T>(vaddr, value)) return trap_taken(ctx, hart, first);
    notice_interrupts(ctx, hart);
    if constexpr (Signed)
        hart.set_x(rd, static_cast<uint64_t>(static_cast<std::make_signed_t<T>>(value)));
    else
        hart.set_x(rd, value);
    return hart.code_cache.generation() == generation ? kContinue : kStop;
}

template <class T> uint32_t store(RunContext* ctx, uint64_t vaddr, uint64_t value, uint32_t first) noexcept {
    Hart& hart = *ctx->hart;
    sync_steps(ctx);
    hart.next_pc = hart.state.pc;
    const uint64_t generation = hart.code_cache.generation();
    if (!hart.store<T>(vaddr, static_cast<T>(value))) return trap_taken(ctx, hart, first);
    notice_interrupts(ctx, hart);
    return hart.code_cache.generation() == generation ? kContinue : kStop;
}

const uint8_t* indirect_target(RunContext* ctx, uint64_t pc, CompiledBlock** cache) noexcept {
    Hart& hart = *ctx->hart;
    if (ctx->retired >= std::atomic_ref<uint64_t>(ctx->limit).load(std::memory_order_relaxed)) return nullptr;
    // The dispatcher's fetch_block without its slow paths (TLB refill, decoding, translating).
    const TlbEntry& e = hart.tlb.fetch[Tlb::index(pc)];
    if (e.tag != pc >> Tlb::kPageBits) return nullptr;
    const Block* block = hart.code_cache.lookup(e.paddr_page | (pc & (Tlb::kPageSize - 1)));
    if (!block || !block->compiled) return nullptr;
    *cache = block->compiled;
    return block->compiled->entry;
}

template uint32_t load<uint8_t, true>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t load<uint16_t, true>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t load<uint32_t, true>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t load<uint8_t, false>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t load<uint16_t, false>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t load<uint32_t, false>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t load<uint64_t, false>(RunContext*, uint64_t, uint32_t, uint32_t) noexcept;
template uint32_t store<uint8_t>(RunContext*, uint64_t, uint64_t, uint32_t) noexcept;
template uint32_t store<uint16_t>(RunContext*, uint64_t, uint64_t, uint32_t) noexcept;
template uint32_t store<uint32_t>(RunContext*, uint64_t, uint64_t, uint32_t) noexcept;
template uint32_t store<uint64_t>(RunContext*, uint64_t, uint64_t, uint32_t) noexcept;

} // namespace tern::jit::helpers
