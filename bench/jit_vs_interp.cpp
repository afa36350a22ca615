// Retired guest instructions per second, interpreter against JIT, on a small
// integer kernel (loads, ALU, multiply, stores, a counted inner loop) in a
// RAM-only sandbox. A measurement to read, not a test: it asserts nothing.
//   ./build/bench/jit_vs_interp [instructions]
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cpu/interpreter.hpp"
#include "jit/encode.hpp"
#include "jit/engine.hpp"
#include "jit/lockstep.hpp"

using namespace tern;
using jit::encode;

namespace {

constexpr uint64_t kCode = jit::Sandbox::kRamBase, kData = kCode + 0x10000;

// for (;;) for (i = 0; i < 512; ++i) { v = a[i]; s += v; t += s; a[i] = (s << 3) * t + (t >> 7); }
std::vector<uint32_t> kernel() {
    return {
        encode(Op::addi, 12, 0, 0, 0),   // 0x00 outer: i = 0
        encode(Op::addi, 14, 10, 0, 0),  // 0x04 p = a
        encode(Op::ld, 13, 14, 0, 0),    // 0x08 inner: v = *p
        encode(Op::add, 15, 15, 13),     // s += v
        encode(Op::add, 16, 16, 15),     // t += s
        encode(Op::slli, 17, 15, 0, 3),  //
        encode(Op::mul, 18, 17, 16),     //
        encode(Op::srli, 17, 16, 0, 7),  //
        encode(Op::add, 18, 18, 17),     //
        encode(Op::sd, 0, 14, 18, 0),    // *p = ...
        encode(Op::addi, 14, 14, 0, 8),  //
        encode(Op::addi, 12, 12, 0, 1),  //
        encode(Op::bne, 0, 12, 19, -40), // 0x30: inner loop
        encode(Op::jal, 0, 0, 0, -0x34), // 0x34: outer loop
    };
}

template <class Run> double measure(const char* name, Run run) {
    jit::Sandbox s(1 << 20);
    s.write_code(kCode, kernel());
    s.hart.set_x(10, kData);
    s.hart.set_x(19, 512);
    s.hart.set_x(15, 0x9e37'79b9'7f4a'7c15ull);
    const auto start = std::chrono::steady_clock::now();
    const uint64_t retired = run(s);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double mips = static_cast<double>(retired) / seconds / 1e6;
    std::printf("%-12s %12" PRIu64 " instructions  %8.3f s  %9.1f MIPS  (final x18 %016" PRIx64 ")\n", name,
                retired, seconds, mips, s.hart.state.x[18]);
    return mips;
}

} // namespace

int main(int argc, char** argv) {
    const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 200'000'000;
    constexpr uint64_t kSlice = 20'000; // as Machine::run
    auto sliced = [&](auto&& step) {
        uint64_t retired = 0;
        while (retired < n)
            retired += step(kSlice);
        return retired;
    };
    const double interp = measure("interpreter", [&](jit::Sandbox& s) {
        return sliced([&](uint64_t budget) { return interpret(s.hart, budget); });
    });
    const double jit = measure("jit", [&](jit::Sandbox& s) {
        jit::Engine engine(s.cache);
        const uint64_t r = sliced([&](uint64_t budget) { return engine.run(s.hart, budget); });
        engine.print_stats(stdout);
        return r;
    });
    std::printf("jit / interpreter: %.2fx\n", jit / interp);
    return 0;
}
