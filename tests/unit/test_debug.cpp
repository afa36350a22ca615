// The machine's debug interface: stop, step, breakpoints and watchpoints, on both engines, with
// harts on threads and round-robin; what the GDB stub and the debugger window stand on.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "hw/machine.hpp"
#include "jit/encode.hpp"

using namespace tern;
using tern::jit::encode;

namespace {

constexpr uint64_t kCode = MachineConfig::kRamBase;
constexpr uint64_t kData = MachineConfig::kRamBase + 0x1000; // hart h stores its counter at kData + 8h

// Each hart: x6 counts loops and is stored to its own doubleword; x7 += 2 per loop.
void load_program(Machine& m) {
    const std::vector<uint32_t> code = {
        encode(Op::addi, 6, 6, 0, 1), // kCode + 0
        encode(Op::sd, 0, 5, 6, 0),   // kCode + 4: *(x5) = x6
        encode(Op::addi, 7, 7, 0, 2), // kCode + 8
        encode(Op::jal, 0, 0, 0, -12), // kCode + 12: back to kCode
    };
    for (size_t i = 0; i < code.size(); ++i) m.bus.write(kCode + 4 * i, 4, code[i]);
    for (auto& hart : m.harts) {
        hart->state.pc = kCode;
        hart->state.x[5] = kData + 8 * static_cast<uint64_t>(hart->id());
    }
}

DebugStop wait_stop(Machine& m) {
    for (int i = 0; i < 100; ++i)
        if (auto stop = m.debug_wait(std::chrono::milliseconds(100))) return *stop;
    FAIL("the machine did not stop");
    return {};
}

struct Seen {
    DebugStop::Reason reason;
    unsigned hart;
    uint64_t address;
    uint64_t pc, x6, x7;
    bool operator==(const Seen&) const = default;
};

// One debugging session; returns what each stop showed, for comparing the engines.
std::vector<Seen> session(Accel accel, bool deterministic) {
    MachineConfig config;
    config.accel = accel;
    config.deterministic = deterministic;
    config.harts = 2;
    config.ram_size = 1 << 20;
    Machine m(config);
    load_program(m);
    m.debug_stop(); // as -S: the harts start stopped
    int status = -1;
    std::thread runner([&] { status = m.run(); });
    std::vector<Seen> seen;
    auto record = [&](const DebugStop& stop) {
        const Hart& h = *m.harts[stop.hart];
        seen.push_back({stop.reason, stop.hart, stop.address, h.state.pc, h.state.x[6], h.state.x[7]});
    };

    DebugStop stop = wait_stop(m);
    CHECK(stop.reason == DebugStop::Reason::Interrupted);
    for (auto& hart : m.harts) CHECK(hart->state.pc == kCode); // nothing ran

    // A step runs one instruction of one hart.
    m.debug_step(0);
    stop = wait_stop(m);
    CHECK(stop.reason == DebugStop::Reason::Step);
    CHECK(stop.hart == 0);
    CHECK(m.harts[0]->state.pc == kCode + 4);
    CHECK(m.harts[0]->state.x[6] == 1);
    CHECK(m.harts[1]->state.pc == kCode);
    record(stop);
    m.debug_step(1);
    stop = wait_stop(m);
    CHECK(m.harts[1]->state.pc == kCode + 4);
    CHECK(m.harts[0]->state.pc == kCode + 4);

    // A breakpoint stops the machine before the instruction; continuing runs it first.
    m.add_breakpoint(kCode + 8);
    for (int hit = 0; hit < 4; ++hit) {
        m.debug_continue();
        stop = wait_stop(m);
        CHECK(stop.reason == DebugStop::Reason::Breakpoint);
        CHECK(stop.address == kCode + 8);
        CHECK(m.harts[stop.hart]->state.pc == kCode + 8);
        record(stop);
    }
    uint64_t x7 = m.harts[0]->state.x[7];
    CHECK(m.remove_breakpoint(kCode + 8));
    CHECK_FALSE(m.remove_breakpoint(kCode + 8));

    // A write watchpoint on hart 1's doubleword stops after the store that wrote it.
    const Watchpoint watch{kData + 8, 8, false, true, true};
    CHECK(m.add_watchpoint(watch));
    m.debug_continue();
    stop = wait_stop(m);
    CHECK(stop.reason == DebugStop::Reason::Watchpoint);
    CHECK(stop.hart == 1);
    CHECK(stop.write);
    CHECK(stop.address == kData + 8);
    CHECK(m.harts[1]->state.pc == kCode + 8); // after the sd
    uint64_t stored = 0;
    m.bus.read(kData + 8, 8, stored, {});
    CHECK(stored == m.harts[1]->state.x[6]);
    record(stop);
    CHECK(m.remove_watchpoint(watch));

    // No points left: the harts run on their engine until stopped from outside.
    m.debug_continue();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    m.debug_stop();
    stop = wait_stop(m);
    CHECK(stop.reason == DebugStop::Reason::Interrupted);
    CHECK(m.harts[0]->state.x[7] > x7);

    m.request_exit(3);
    runner.join();
    CHECK(status == 3);
    return seen;
}

} // namespace

TEST_CASE("debug: stop, step, breakpoints and watchpoints; both engines stop in the same places") {
    for (bool deterministic : {false, true}) {
        CAPTURE(deterministic);
        const std::vector<Seen> jit = session(Accel::Jit, deterministic);
        const std::vector<Seen> interp = session(Accel::Interpreter, deterministic);
        // With harts on threads, which hart reaches a breakpoint first is a race; one at a time it is not.
        if (deterministic) CHECK(jit == interp);
    }
}

TEST_CASE("debug: watchpoints match overlapping accesses only, in the direction asked") {
    Watchpoints w;
    CHECK_FALSE(w.add({0x1000, 0}));
    CHECK_FALSE(w.add({0x1000, Watchpoints::kMaxLength + 1}));
    CHECK(w.add({0x1000, 4, true, false, false})); // read, virtual
    CHECK(w.watches_page(0x1abc, 0x9000));
    CHECK_FALSE(w.watches_page(0x2000, 0x1000));
    CHECK(w.matches(0x1003, 0x9003, 1, false));
    CHECK(w.matches(0x0ffc, 0x8ffc, 8, false)); // overlaps from below
    CHECK_FALSE(w.matches(0x0ff8, 0x8ff8, 8, false));
    CHECK_FALSE(w.matches(0x1004, 0x9004, 4, false));
    CHECK_FALSE(w.matches(0x1000, 0x9000, 4, true)); // a store: not watched
    CHECK(w.add({0xffff'ffff'ffff'fffc, 8, false, true, true})); // wraps at the top of the address space
    CHECK(w.matches(0, 0, 2, true));
    CHECK(w.remove({0x1000, 4, true, false, false}));
    CHECK_FALSE(w.matches(0x1000, 0x9000, 4, false));
}

TEST_CASE("debug: a step that waits in WFI is cancelled by debug_stop") {
    for (bool deterministic : {false, true}) {
        CAPTURE(deterministic);
        MachineConfig config;
        config.accel = Accel::Interpreter;
        config.deterministic = deterministic;
        config.ram_size = 1 << 20;
        Machine m(config);
        m.bus.write(kCode, 4, encode(Op::wfi));
        m.bus.write(kCode + 4, 4, encode(Op::jal, 0, 0, 0, -4));
        m.harts[0]->state.pc = kCode; // mie = 0: no interrupt will ever end the wait
        m.debug_stop();
        int status = -1;
        std::thread runner([&] { status = m.run(); });
        wait_stop(m);
        m.debug_step(0); // the wfi itself
        CHECK(wait_stop(m).reason == DebugStop::Reason::Step);
        CHECK(m.harts[0]->state.wfi);
        m.debug_step(0); // waits for an interrupt that never comes
        CHECK_FALSE(m.debug_wait(std::chrono::milliseconds(50)));
        m.debug_stop(); // returns, and the step is over
        CHECK(wait_stop(m).reason == DebugStop::Reason::Interrupted);
        CHECK(m.harts[0]->state.pc == kCode + 4);
        m.request_exit(0);
        runner.join();
        CHECK(status == 0);
    }
}

TEST_CASE("debug: continue skips only the reporting hart's breakpoint; another hart there reports it") {
    for (bool deterministic : {false, true}) {
        CAPTURE(deterministic);
        MachineConfig config;
        config.accel = Accel::Jit;
        config.deterministic = deterministic;
        config.harts = 2;
        config.ram_size = 1 << 20;
        Machine m(config);
        load_program(m);
        m.bus.write(kCode + 16, 4, encode(Op::wfi)); // a parking loop (mie = 0: no interrupt ends the wait)
        m.bus.write(kCode + 20, 4, encode(Op::jal, 0, 0, 0, -4));
        for (auto& hart : m.harts) hart->state.pc = kCode + 8; // both start on the breakpoint
        m.add_breakpoint(kCode + 8);
        m.debug_stop();
        int status = -1;
        std::thread runner([&] { status = m.run(); });
        CHECK(wait_stop(m).reason == DebugStop::Reason::Interrupted);
        m.debug_continue();
        const DebugStop first = wait_stop(m);
        REQUIRE(first.reason == DebugStop::Reason::Breakpoint);
        CHECK(m.harts[first.hart]->state.x[7] == 0);
        // The reporting hart goes to park; the other, still on the breakpoint it never reported, stops
        // there at once instead of running past it.
        m.harts[first.hart]->state.pc = kCode + 16;
        m.debug_continue();
        const DebugStop second = wait_stop(m);
        REQUIRE(second.reason == DebugStop::Reason::Breakpoint);
        CHECK(second.hart != first.hart);
        CHECK(m.harts[second.hart]->state.x[7] == 0);
        CHECK(m.harts[second.hart]->state.pc == kCode + 8);
        m.request_exit(0);
        runner.join();
        CHECK(status == 0);
    }
}

TEST_CASE("debug: debug_continue_hart runs one hart to its next breakpoint while the others stay stopped") {
    for (bool deterministic : {false, true}) {
        CAPTURE(deterministic);
        MachineConfig config;
        config.accel = Accel::Interpreter;
        config.deterministic = deterministic;
        config.harts = 2;
        config.ram_size = 1 << 20;
        Machine m(config);
        load_program(m);
        m.add_breakpoint(kCode + 8);
        m.debug_stop();
        int status = -1;
        std::thread runner([&] { status = m.run(); });
        wait_stop(m);
        for (uint64_t loop = 0; loop < 3; ++loop) {
            m.debug_continue_hart(1);
            const DebugStop stop = wait_stop(m);
            CHECK(stop.reason == DebugStop::Reason::Breakpoint);
            CHECK(stop.hart == 1);
            CHECK(m.harts[1]->state.x[7] == 2 * loop); // from its own breakpoint round its loop once
            CHECK(m.harts[0]->state.pc == kCode);       // hart 0 never ran
            CHECK(m.harts[0]->state.x[6] == 0);
        }
        // An interrupt ends it like a continue.
        CHECK(m.remove_breakpoint(kCode + 8));
        m.debug_continue_hart(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        m.debug_stop();
        CHECK(wait_stop(m).reason == DebugStop::Reason::Interrupted);
        CHECK(m.harts[0]->state.pc == kCode);
        m.request_exit(0);
        runner.join();
        CHECK(status == 0);
    }
}
