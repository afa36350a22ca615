#pragma once
// Shared by the JIT tests: an instruction encoder driven by the decode table
// (cpu/isa/*.inc), and a pair of sandboxes run in lockstep, JIT against interpreter.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "cpu/decoder.hpp"
#include "jit/engine.hpp"
#include "jit/lockstep.hpp"

namespace tern::test {

// Places the operand fields of `op` around its fixed bits (kOpInfo mask/match).
inline uint32_t encode(Op op, unsigned rd = 0, unsigned rs1 = 0, unsigned rs2 = 0, int64_t imm = 0) {
    const OpInfo& info = op_info(op);
    const auto u = static_cast<uint32_t>(imm);
    auto bit = [&](unsigned i) { return (u >> i) & 1u; };
    auto field = [&](unsigned hi, unsigned lo) { return (u >> lo) & ((1u << (hi - lo + 1)) - 1); };
    uint32_t f = rd << 7 | rs1 << 15 | rs2 << 20;
    switch (info.imm) {
    case ImmKind::None: break;
    case ImmKind::I: f |= field(11, 0) << 20; break;
    case ImmKind::S: f = rs1 << 15 | rs2 << 20 | field(11, 5) << 25 | field(4, 0) << 7; break;
    case ImmKind::B:
        f = rs1 << 15 | rs2 << 20 | bit(12) << 31 | field(10, 5) << 25 | field(4, 1) << 8 | bit(11) << 7;
        break;
    case ImmKind::U: f = rd << 7 | (u & 0xfffff000u); break;
    case ImmKind::J: f = rd << 7 | bit(20) << 31 | field(10, 1) << 21 | bit(11) << 20 | field(19, 12) << 12; break;
    case ImmKind::Shamt: f |= field(5, 0) << 20; break;
    case ImmKind::Csr: f |= field(11, 0) << 20; break;
    }
    return info.match | (f & ~info.mask);
}

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
