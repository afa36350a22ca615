#pragma once
// Lockstep checking: the JIT and the interpreter run the same program on two
// copies of the machine, one dispatch step (one block) at a time, and the full
// architectural state (x, f, pc, privilege, CSRs, LR/SC reservation, WFI) and
// memory are compared after every step.
//
// Exact only for programs whose behaviour depends on nothing but RAM, the
// hart and `time`: each side has its own (deterministic, step-driven) clock
// and no devices, so MMIO and device interrupts make the two sides differ
// without a JIT bug. Run it on RAM-only guest programs (the fuzzer's, the ISA
// tests').
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "core/ram.hpp"
#include "cpu/code_cache.hpp"
#include "cpu/hart.hpp"
#include "jit/engine.hpp"

namespace tern::jit {

// A RAM-only machine: one hart, RAM, the bus and a code cache, wired as the
// Machine wires them (pages that gain code leave the TLB store fast path).
struct Sandbox {
    static constexpr uint64_t kRamBase = 0x8000'0000;
    explicit Sandbox(uint64_t ram_bytes = 1 << 20);
    Ram ram;
    Bus bus{ram};
    CodeCache cache{bus};
    MachineClock clock;
    Hart hart{0, bus, cache, clock};
    // Copies 32-bit instruction words to `paddr` through the bus (so code pages are noticed).
    void write_code(uint64_t paddr, const std::vector<uint32_t>& words);
};

// Differences between two architectural states, one per line; empty if equal.
std::string diff_states(const HartState& jit, const HartState& ref);

class Lockstep {
  public:
    // `jit_side` runs under `engine` (built on jit_side's code cache), `ref_side`
    // under the interpreter; both must start in the same state.
    Lockstep(Hart& jit_hart, Ram& jit_ram, Engine& engine, Hart& ref_hart, Ram& ref_ram);

    // One step on both sides, then the comparison: nullopt when both agree,
    // else a report with both states and the instructions of the block the
    // step started with. A step is run(hart, budget) on each side: budget 1 is
    // one block; a larger budget lets the JIT chain blocks within the step
    // (the interpreter stops at the same block boundary by construction).
    std::optional<std::string> step();
    void set_step_budget(uint64_t budget) { budget_ = budget; }
    // Compares all of RAM every `steps` steps (1: after every step). A
    // divergence in memory is then reported up to steps - 1 steps late;
    // large RAMs need it, as each comparison reads both copies in full.
    void set_memory_check_interval(uint64_t steps) { memory_interval_ = steps ? steps : 1; }
    // Compares RAM now (as step() does at its interval); a report or nullopt.
    std::optional<std::string> check_memory() const;
    // Steps until `stop_pc` is reached on both sides, `max_steps` have run or
    // they diverge; returns the first divergence.
    std::optional<std::string> run(uint64_t stop_pc, uint64_t max_steps);

    uint64_t steps() const { return steps_; }
    uint64_t retired() const { return retired_; }

  private:
    std::string describe_block(uint64_t pc) const;

    Hart& jit_hart_;
    Ram& jit_ram_;
    Engine& engine_;
    Hart& ref_hart_;
    Ram& ref_ram_;
    uint64_t budget_ = 1;
    uint64_t memory_interval_ = 1;
    uint64_t steps_ = 0;
    uint64_t retired_ = 0;
};

} // namespace tern::jit
