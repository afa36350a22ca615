#include "jit/engine.hpp"

#include <string>

#include "cpu/code_cache.hpp"
#include "cpu/disassembler.hpp"
#include "cpu/hart.hpp"
#include "cpu/interpreter.hpp"
#include "cpu/trap.hpp"
#include "jit/helpers.hpp"
#include "jit/host_disasm.hpp"
#include "jit/run_context.hpp"

namespace tern::jit {

Engine::Engine(CodeCache& cache, EngineOptions options)
    : cache_(cache), options_(options), arena_(options.cache_bytes), enter_(emit_trampoline(arena_)),
      trampoline_bytes_(arena_.used()) {
    observer_ = cache_.add_retire_observer([this](Block& block) { retire(block); });
}

Engine::~Engine() {
    cache_.remove_retire_observer(observer_);
    for (auto& cb : blocks_)
        if (!cb->dead) cb->block->compiled = nullptr;
}

uint64_t Engine::run(Hart& hart, uint64_t budget) {
    RunContext ctx;
    ctx.hart = &hart;
    ctx.steps_start = hart.steps;
    // Kicks from other threads zero ctx.limit while this run lasts, and only then.
    struct LimitAttachment {
        HartControl& control;
        ~LimitAttachment() { control.detach_limit(); }
    } attachment{hart.control};
    hart.control.attach_limit(&ctx.limit);
    // Like interpret(): the budget counts steps (max(1, retired) per block).
    while (ctx.retired + ctx.zero_blocks < budget) {
        if (hart.control.attention()) break;
        cache_.release_retired();
        service_interrupts(hart);
        if (hart.state.wfi) break;
        bool faulted;
        Block* block = fetch_block(hart, faulted);
        if (faulted) {
            ++ctx.zero_blocks;
            hart.steps = ctx.steps_start + ctx.retired + ctx.zero_blocks;
            continue;
        }
        // Not RAM or an instruction straddling two pages (one instruction at a
        // time), or a block not run often enough yet to be worth translating.
        const bool cold = block && !block->compiled && block->cold_runs < options_.translate_after;
        if (!block || cold) {
            helpers::sync_counters(&ctx);
            const uint64_t n =
                cold ? interpret_block(hart, *block) : interpret_one(hart); // they count minstret/mcycle
            ctx.retired += n;
            ctx.counted += n;
            if (n == 0) ++ctx.zero_blocks;
            hart.steps = ctx.steps_start + ctx.retired + ctx.zero_blocks;
            if (cold) {
                ++block->cold_runs;
                ++stats_.cold_runs;
            } else {
                stats_.interpreted += n;
            }
            ctx.chain_request = nullptr;
            continue;
        }
        const uint64_t flushes = stats_.flushes;
        CompiledBlock* cb = block->compiled ? block->compiled : compile(*block, hart);
        if (stats_.flushes != flushes) ctx.chain_request = nullptr; // its slot is gone
        if (ChainSlot* slot = ctx.chain_request) {
            if (!slot->owner->dead && slot->target_paddr == block->paddr && !slot->linked) link(*slot, *cb);
            ctx.chain_request = nullptr;
        }
        ++stats_.dispatches;
        const uint64_t entries = ctx.entries;
        // A deliverable interrupt is taken at the next block boundary. One that the
        // current privilege masks is not: chained code runs on (a WFI ends its block anyway).
        hart.control.set_limit(&ctx.limit, interrupt_deliverable(hart) ? 0 : budget - ctx.zero_blocks);
        enter_(&ctx, &hart.state, cb->entry);
        helpers::sync_counters(&ctx);
        hart.steps = ctx.steps_start + ctx.retired + ctx.zero_blocks;
        stats_.chain_hits += ctx.entries - entries - 1;
    }
    return ctx.retired;
}

// -d out_asm: the guest block as objdump would print it, then its host code.
// Written with one call, so listings of harts on other threads do not interleave.
void Engine::print_listing(std::FILE* out, const CompiledBlock& cb) {
    const Block& block = *cb.block;
    char line[64];
    std::snprintf(line, sizeof line, "IN: guest block at physical 0x%llx\n",
                  static_cast<unsigned long long>(block.paddr));
    std::string text = line;
    uint64_t paddr = block.paddr;
    auto list = [&](const std::vector<BlockInsn>& insns, uint64_t at, const char* indent) {
        for (const BlockInsn& bi : insns) {
            std::snprintf(line, sizeof line, "%s0x%llx:  ", indent, static_cast<unsigned long long>(at));
            text += line + disassemble(bi.insn, at) + "\n";
            at += bi.insn.len;
        }
    };
    list(block.insns, paddr, "  ");
    for (const Hammock& h : block.hammocks) {
        std::snprintf(line, sizeof line, "  hammock: branch %u, arm A %u, arm B:\n", h.branch, h.arm_a);
        text += line;
        list(h.arm_b, paddr + static_cast<uint64_t>(h.arm_b_offset), "    ");
    }
    text += "OUT: host code\n" + disassemble_host(cb) + "\n";
    std::fwrite(text.data(), 1, text.size(), out);
}

CompiledBlock* Engine::compile(Block& block, const Hart& hart) {
    auto cb = std::make_unique<CompiledBlock>();
    cb->block = &block;
    cb->paddr = block.paddr;
    const HostLayout layout = HostLayout::of(hart);
    const uint8_t* page = hart.bus.ram_pointer(block.paddr & ~(Tlb::kPageSize - 1));
    if (!emit_block(block, *cb, layout, options_.emit, arena_, page)) {
        flush();
        if (!emit_block(block, *cb, layout, options_.emit, arena_, page))
            throw std::length_error("jit code arena too small for one block");
    }
    ++stats_.blocks_translated;
    stats_.hammocks += block.hammocks.size();
    if (options_.listing) print_listing(options_.listing, *cb);
    block.compiled = cb.get();
    blocks_.push_back(std::move(cb));
    return block.compiled;
}

// The CodeCache drops `block` (its page was written, or the cache was flushed):
// nothing may jump into its code any more. The code itself stays in the arena
// (it may be executing right now: a store in it rewrote its own page) until
// the next flush, which happens only from the dispatcher.
void Engine::retire(Block& block) {
    CompiledBlock* cb = block.compiled;
    if (!cb) return;
    cb->dead = true;
    cb->block = nullptr;
    block.compiled = nullptr;
    for (ChainSlot* in : cb->incoming)
        unlink(*in);
    cb->incoming.clear();
    for (unsigned i = 0; i < cb->exit_count; ++i) {
        ChainSlot& out = cb->exits[i];
        if (!out.linked) continue;
        std::erase(out.linked->incoming, &out);
        out.linked = nullptr;
    }
    ++stats_.invalidations;
}

void Engine::link(ChainSlot& slot, CompiledBlock& target) {
    if (target.register_key == slot.owner->register_key) {
        slot.point_to(target.chain_entry);
    } else {
        slot.point_cold_to(target.load_entry);
        ++stats_.cold_links;
    }
    slot.linked = &target;
    target.incoming.push_back(&slot);
    ++stats_.chain_links;
}

void Engine::unlink(ChainSlot& slot) {
    slot.point_to(slot.stub);
    slot.linked = nullptr;
}

void Engine::flush() {
    for (auto& cb : blocks_)
        if (!cb->dead) cb->block->compiled = nullptr;
    blocks_.clear();
    arena_.reset_to(trampoline_bytes_);
    ++stats_.flushes;
}

void Engine::print_stats(std::FILE* out) const {
    jit::print_stats(out, stats_, arena_.used(), arena_.capacity());
}

Stats& Stats::operator+=(const Stats& other) {
    blocks_translated += other.blocks_translated;
    hammocks += other.hammocks;
    invalidations += other.invalidations;
    chain_links += other.chain_links;
    cold_links += other.cold_links;
    chain_hits += other.chain_hits;
    dispatches += other.dispatches;
    flushes += other.flushes;
    interpreted += other.interpreted;
    cold_runs += other.cold_runs;
    return *this;
}

void print_stats(std::FILE* out, const Stats& stats, size_t code_bytes_used, size_t code_bytes_capacity) {
    std::fprintf(
        out,
        "jit: %llu blocks translated (%llu hammocks), %llu invalidated, %llu chain links (%llu cold), %llu chain hits, "
        "%llu dispatches, %llu cache flushes, %llu instructions interpreted, %llu cold block runs, "
        "%zu/%zu code bytes\n",
        static_cast<unsigned long long>(stats.blocks_translated), static_cast<unsigned long long>(stats.hammocks),
        static_cast<unsigned long long>(stats.invalidations),
        static_cast<unsigned long long>(stats.chain_links), static_cast<unsigned long long>(stats.cold_links),
        static_cast<unsigned long long>(stats.chain_hits), static_cast<unsigned long long>(stats.dispatches),
        static_cast<unsigned long long>(stats.flushes), static_cast<unsigned long long>(stats.interpreted),
        static_cast<unsigned long long>(stats.cold_runs), code_bytes_used, code_bytes_capacity);
}

} // namespace tern::jit
