// Harts on host threads: the HartControl door, pause_all/resume_all on a
// running machine, and exits requested from outside.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "hw/machine.hpp"
#include "cpu/hart_control.hpp"
#include "hw/sifive_test.hpp"
#include "jit/encode.hpp"

using namespace tern;
using tern::jit::encode;

TEST_CASE("threads: a kick sets attention and zeroes the attached JIT limit") {
    HartControl control;
    uint64_t limit = 0;
    control.attach_limit(&limit);
    control.set_limit(&limit, 500);
    CHECK(limit == 500);
    CHECK_FALSE(control.attention());
    control.kick();
    CHECK(control.attention());
    CHECK(limit == 0);
    // A limit set after the kick but before the hart looked stays 0.
    control.set_limit(&limit, 700);
    CHECK(limit == 0);
    CHECK(control.take_pages().empty());
    CHECK_FALSE(control.attention());
    control.set_limit(&limit, 700);
    CHECK(limit == 700);
    control.detach_limit();
    control.kick(); // no limit attached: nothing is written
    CHECK(limit == 700);
}

TEST_CASE("threads: pages posted from other threads arrive in order, with their events") {
    HartControl control;
    using Event = HartControl::PageEvent;
    std::thread poster([&] {
        for (uint64_t i = 0; i < 100; ++i) control.post_page(i << 12, i % 2 ? Event::Written : Event::Flagged);
    });
    poster.join();
    CHECK(control.attention());
    const auto pages = control.take_pages();
    REQUIRE(pages.size() == 100);
    for (uint64_t i = 0; i < 100; ++i) {
        CHECK(pages[i].page == i << 12);
        CHECK(pages[i].event == (i % 2 ? Event::Written : Event::Flagged));
    }
    CHECK_FALSE(control.attention());
}

TEST_CASE("threads: a kick from another thread ends a sleep with a far deadline") {
    HartControl control;
    std::atomic<bool> sleeping{false};
    std::thread sleeper([&] {
        sleeping = true;
        control.sleep_until(std::chrono::steady_clock::now() + std::chrono::hours(1));
    });
    while (!sleeping) std::this_thread::yield();
    control.kick();
    sleeper.join(); // returns only because of the kick
    CHECK(control.attention());
}

namespace {

// Four harts each counting in x6 forever (a chained loop); nothing ever exits by itself.
void load_counting_loop(Machine& m) {
    const std::vector<uint32_t> code = {
        encode(Op::addi, 6, 6, 0, 1), // loop: x6 += 1
        encode(Op::jal, 0, 0, 0, -4), //       j loop
    };
    for (size_t i = 0; i < code.size(); ++i) m.bus.write(MachineConfig::kRamBase + 4 * i, 4, code[i]);
    for (auto& hart : m.harts) hart->state.pc = MachineConfig::kRamBase;
}

std::vector<uint64_t> counters(const Machine& m) {
    std::vector<uint64_t> x6;
    for (const auto& hart : m.harts) x6.push_back(hart->state.x[6]);
    return x6;
}

} // namespace

TEST_CASE("threads: pause_all stops every running hart at an instruction boundary until resume_all") {
    for (Accel accel : {Accel::Jit, Accel::Interpreter}) {
        for (bool deterministic : {false, true}) {
            CAPTURE(accel == Accel::Jit);
            CAPTURE(deterministic);
            MachineConfig config;
            config.accel = accel;
            config.deterministic = deterministic;
            config.harts = 4;
            config.ram_size = 1 << 20;
            Machine m(config);
            load_counting_loop(m);
            int status = -1;
            std::thread runner([&] { status = m.run(); });

            for (int round = 0; round < 3; ++round) {
                m.pause_all();
                const std::vector<uint64_t> paused = counters(m);
                for (const auto& hart : m.harts) {
                    // Stopped between instructions: pc is one of the loop's two.
                    const uint64_t pc = hart->state.pc;
                    CHECK((pc == MachineConfig::kRamBase || pc == MachineConfig::kRamBase + 4));
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                CHECK(counters(m) == paused); // nobody ran while paused
                m.resume_all();
                // Every hart (round-robin ones too) goes on counting after the resume.
                bool all_moved = false;
                while (!all_moved) {
                    m.pause_all();
                    const std::vector<uint64_t> now = counters(m);
                    all_moved = true;
                    for (size_t i = 0; i < now.size(); ++i) all_moved &= now[i] > paused[i];
                    m.resume_all();
                }
            }
            m.request_exit(7);
            runner.join();
            CHECK(status == 7);
        }
    }
}

TEST_CASE("threads: pause_all returns at once when the machine is not running") {
    MachineConfig config;
    config.harts = 2;
    config.ram_size = 1 << 20;
    Machine m(config);
    m.pause_all();
    m.resume_all();
    load_counting_loop(m);
    std::thread runner([&] { m.run(); });
    m.request_exit(0);
    runner.join();
    m.pause_all(); // after run() has returned
    m.resume_all();
}

TEST_CASE("threads: a guest exit on one hart stops the harts running on other threads") {
    MachineConfig config;
    config.harts = 3;
    config.ram_size = 1 << 20;
    Machine m(config);
    // Hart 0 writes the finisher's pass code; the others count forever.
    load_counting_loop(m);
    const uint64_t finisher_code = MachineConfig::kRamBase + 0x100;
    const std::vector<uint32_t> code = {
        encode(Op::lui, 7, 0, 0, SifiveTest::kBase), encode(Op::lui, 8, 0, 0, 0x5000),
        encode(Op::addi, 8, 8, 0, 0x555), encode(Op::sw, 0, 7, 8, 0), encode(Op::jal, 0, 0, 0, 0)};
    for (size_t i = 0; i < code.size(); ++i) m.bus.write(finisher_code + 4 * i, 4, code[i]);
    m.harts[0]->state.pc = finisher_code;
    CHECK(m.run() == 0);
}
