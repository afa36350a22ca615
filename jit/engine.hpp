#pragma once
// The JIT execution engine: runs a hart through translated blocks (see
// jit/README.md for the pipeline). One Engine serves every hart that shares
// its CodeCache (at most one Engine per CodeCache: Block::compiled is its
// slot); it must be destroyed before that cache.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "jit/block_emitter.hpp"
#include "jit/code_arena.hpp"
#include "jit/compiled_block.hpp"

namespace tern {
class CodeCache;
class Hart;
struct Block;
} // namespace tern

namespace tern::jit {

struct Stats {
    uint64_t blocks_translated = 0;
    uint64_t hammocks = 0;      // branches of translated blocks run as both arms, without a host branch
    uint64_t invalidations = 0; // translations dropped because their code changed
    uint64_t chain_links = 0;   // direct exits patched to jump to their target
    uint64_t cold_links = 0;    // ... of them to a block with another register assignment
    uint64_t chain_hits = 0;    // block entries through a chained jump (no dispatcher)
    uint64_t dispatches = 0;    // block entries from the dispatcher
    uint64_t flushes = 0;       // whole code-cache flushes (arena full, or asked for)
    uint64_t interpreted = 0;   // instructions the dispatcher ran with interpret_one
    uint64_t cold_runs = 0;     // block runs through the interpreter before translation

    Stats& operator+=(const Stats& other);
};

// -d jit's one line: the counters and the code arena's use.
void print_stats(std::FILE* out, const Stats& stats, size_t code_bytes_used, size_t code_bytes_capacity);

struct EngineOptions {
    size_t cache_bytes = 32u << 20; // the code arena; flushed as a whole when full
    EmitOptions emit;
    std::FILE* listing = nullptr; // -d out_asm: each new translation's guest and host code goes here
    // A block runs this many times through the interpreter before it is
    // translated (0: at once). Most code of a boot runs a few times only, and
    // translating a block costs as much as interpreting it a few hundred times.
    uint32_t translate_after = 0;
};

class Engine {
  public:
    explicit Engine(CodeCache& cache, EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Runs `hart` for at most about `budget` instructions, with the same
    // dispatch steps and block boundaries as interpret(); returns how many retired.
    uint64_t run(Hart& hart, uint64_t budget);

    // Drops every translation (the decoded blocks stay in the CodeCache).
    void flush();

    const Stats& stats() const { return stats_; }
    void set_listing(std::FILE* out) { options_.listing = out; }
    void print_stats(std::FILE* out) const;
    size_t code_bytes_used() const { return arena_.used(); }
    size_t code_bytes_capacity() const { return arena_.capacity(); }

  private:
    CompiledBlock* compile(Block& block, const Hart& hart);
    static void print_listing(std::FILE* out, const CompiledBlock& cb);
    void retire(Block& block);
    void link(ChainSlot& slot, CompiledBlock& target);
    static void unlink(ChainSlot& slot);

    CodeCache& cache_;
    EngineOptions options_;
    CodeArena arena_;
    EnterFn enter_;
    size_t trampoline_bytes_;
    size_t observer_;                                    // our retire observer in cache_
    std::vector<std::unique_ptr<CompiledBlock>> blocks_; // live and dead, until the next flush
    Stats stats_;
};

} // namespace tern::jit
