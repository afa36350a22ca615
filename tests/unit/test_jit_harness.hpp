#pragma once
// Shared by the JIT tests: an instruction encoder driven by the decode table
// (cpu/isa/*.inc), and a pair of sandboxes run in lockstep, JIT against interpreter.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "cpu/decoder.hpp"
#include "jit/encode.hpp"
#include "jit/engine.hpp"
#include "jit/lockstep.hpp"

namespace tern::test {

using jit::encode;

// Where the JIT tests put things in a Sandbox: code at the start of RAM, data 32 KiB above it, and
// `j .` (jal x0, 0), the instruction a test program stops at.
inline constexpr uint64_t kCode = jit::Sandbox::kRamBase;
inline constexpr uint64_t kData = kCode + 0x8000;
inline const uint32_t kSpin = encode(Op::jal, 0, 0, 0, 0);

// Two identical RAM-only machines: `jit` runs under a JIT engine, `ref` under the interpreter.
struct LockstepPair {
    explicit LockstepPair(jit::EngineOptions options = {}, uint64_t ram_bytes = 1 << 20)
        : jit(ram_bytes), ref(ram_bytes), engine(jit.cache, options),
          lockstep(jit.hart, jit.ram, engine, ref.hart, ref.ram) {}

    jit::Sandbox jit, ref;
    jit::Engine engine;
    jit::Lockstep lockstep;

    void write_code(uint64_t paddr, const std::vector<uint32_t>& words) {
        jit.write_code(paddr, words);
        ref.write_code(paddr, words);
    }
    void write(uint64_t paddr, unsigned size, uint64_t value) {
        jit.bus.write(paddr, size, value);
        ref.bus.write(paddr, size, value);
    }
    template <class F> void both(F f) {
        f(jit.hart);
        f(ref.hart);
    }
    void set_x(unsigned i, uint64_t v) {
        both([&](Hart& h) { h.set_x(i, v); });
    }
    // Several registers: {{5, 1}, {6, 2}} sets x5 = 1 and x6 = 2.
    void set_x(std::initializer_list<std::pair<unsigned, uint64_t>> values) {
        for (auto [i, v] : values)
            set_x(i, v);
    }
    void set_pc(uint64_t pc) {
        both([&](Hart& h) { h.state.pc = pc; });
    }
    // Steps both until `stop_pc` or `max_steps`; fails the test with the report on divergence.
    void run_to(uint64_t stop_pc, uint64_t max_steps = 10'000) {
        auto d = lockstep.run(stop_pc, max_steps);
        if (d) FAIL(*d);
    }
};

} // namespace tern::test
