// LR/SC across harts (core/reservations.*): harts sharing one bus, their
// instructions run through the interpreter's semantics, some on real threads.
// An SC must fail after another hart, an AMO or a device wrote the reserved
// doubleword between LR and SC, even with the value it already held.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/dma.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/fence.hpp"
#include "jit/host_disasm.hpp"
#include "test_csr_harness.hpp"
#include "test_jit_harness.hpp"

using namespace tern;
using namespace tern::test;
using jit::encode;

namespace {

constexpr uint64_t kRamBase = 0x8000'0000;
constexpr uint64_t kCell = kRamBase + 0x2000; // the reserved doubleword
constexpr uint64_t kValue = 0x1122'3344'5566'7788ull;

// Registers the instructions below use: x10 the address, x11 the value stored,
// x5 what LR loaded, x6 what SC stores, x7 SC's result (0: success).
const uint32_t kLrD = encode(Op::lr_d, 5, 10);
const uint32_t kLrW = encode(Op::lr_w, 5, 10);
const uint32_t kScD = encode(Op::sc_d, 7, 10, 6);
const uint32_t kScW = encode(Op::sc_w, 7, 10, 6);
const uint32_t kIncrement = encode(Op::addi, 6, 5, 0, 1);

// Harts in M-mode with bare translation on one bus, as a Machine wires them.
struct SharedBus {
    Ram ram{kRamBase, 1 << 16};
    Bus bus{ram};
    CodeCache cache{bus};
    MachineClock clock;
    std::vector<std::unique_ptr<Hart>> harts;

    explicit SharedBus(unsigned count) {
        for (unsigned i = 0; i < count; ++i) {
            harts.push_back(std::make_unique<Hart>(i, bus, cache, clock));
            harts.back()->state.pc = kRamBase;
            harts.back()->set_x(10, kCell);
        }
        bus.write(kCell, 8, kValue);
        bus.reservations.set_concurrent(true); // some tests run harts on threads
    }
    Hart& hart(unsigned i) { return *harts[i]; }
    uint64_t cell(uint64_t offset = 0) {
        uint64_t v = 0;
        bus.read(kCell + offset, 8, v);
        return v;
    }
    // Hart i: LR.D of the cell; SC.D of `value`, returning x7 (0: success).
    void lr(unsigned i) {
        REQUIRE(exec_insn(hart(i), kLrD));
        CHECK(hart(i).state.x[5] == cell());
    }
    uint64_t sc(unsigned i, uint64_t value) {
        hart(i).set_x(6, value);
        REQUIRE(exec_insn(hart(i), kScD));
        return hart(i).state.x[7];
    }
    // Hart i runs `raw` on a thread of its own (real concurrency for TSan).
    void on_thread(unsigned i, uint32_t raw) {
        std::thread t([&] { CHECK(exec_insn(hart(i), raw)); });
        t.join();
    }
};

} // namespace

TEST_CASE("reservations: SC succeeds with no store in between, and ends the reservation") {
    SharedBus m(2);
    m.lr(0);
    CHECK(m.bus.reservations.any());
    CHECK(m.sc(0, 42) == 0);
    CHECK(m.cell() == 42);
    CHECK_FALSE(m.bus.reservations.any());
    CHECK(m.sc(0, 43) == 1); // no reservation left
    CHECK(m.cell() == 42);
}

TEST_CASE("reservations: another hart storing the same value back makes the SC fail") {
    const std::vector<std::pair<std::string, uint32_t>> stores = {
        {"sd", encode(Op::sd, 0, 10, 11, 0)},          {"sw upper word", encode(Op::sw, 0, 10, 11, 4)},
        {"sb last byte", encode(Op::sb, 0, 10, 11, 7)}, {"misaligned sd", encode(Op::sd, 0, 10, 11, -3)},
        {"amoadd.d of 0", encode(Op::amoadd_d, 0, 10, 12)}, {"amoswap.d", encode(Op::amoswap_d, 0, 10, 11)},
        {"fsd", encode(Op::fsd, 0, 10, 1, 0)},
    };
    for (bool warm_tlb : {false, true})
        for (const auto& [name, store] : stores) {
            CAPTURE(name);
            CAPTURE(warm_tlb);
            SharedBus m(2);
            Hart& other = m.hart(1);
            // Hart 1 writes exactly the bytes that are there: the value never changes.
            const unsigned shift = name == "sw upper word" ? 32 : name == "sb last byte" ? 56 : 0;
            other.set_x(11, kValue >> shift);
            other.set_x(12, 0);
            other.state.f[1] = kValue;
            other.state.csr.mstatus |= csr_bits::kFS; // FP stores allowed
            if (name == "misaligned sd") { // covers bytes 0-4 of the cell
                uint64_t there = 0;
                REQUIRE(m.bus.read(kCell - 3, 8, there));
                other.set_x(11, there);
            }
            if (warm_tlb) { // the next store takes the TLB fast path
                uint64_t v;
                REQUIRE(other.load<uint64_t>(kCell, v));
                REQUIRE(other.store<uint64_t>(kCell + 16, 0));
            }
            m.lr(0);
            m.on_thread(1, store);
            CHECK(m.cell() == kValue);
            CHECK(m.sc(0, 99) == 1);
            CHECK(m.cell() == kValue);
            CHECK_FALSE(m.bus.reservations.any());
        }
}

TEST_CASE("reservations: an LR runs the process-wide barrier only while another hart is awake") {
    SharedBus m(3);
    const uint64_t before = m.bus.reservations.barriers_run();
    m.lr(0); // harts 1 and 2 awake (not sleeping in WFI): they may be storing
    CHECK(m.bus.reservations.barriers_run() == before + 1);
    CHECK(m.sc(0, 1) == 0);
    m.hart(1).store_window.fall_asleep();
    m.lr(0); // hart 2 still awake
    CHECK(m.bus.reservations.barriers_run() == before + 2);
    CHECK(m.sc(0, 2) == 0);
    m.hart(2).store_window.fall_asleep();
    m.lr(0); // every other hart asleep
    CHECK(m.bus.reservations.barriers_run() == before + 2);
    // A hart waking up after the LR sees the reservation: its store ends it.
    m.hart(1).store_window.wake_up();
    m.hart(1).set_x(11, 7);
    m.on_thread(1, encode(Op::sd, 0, 10, 11, 0));
    CHECK(m.sc(0, 3) == 1);
    CHECK(m.cell() == 7);
}

TEST_CASE("reservations: stores outside the reserved doubleword leave the reservation alone") {
    SharedBus m(2);
    m.hart(1).set_x(11, 7);
    m.lr(0);
    m.on_thread(1, encode(Op::sd, 0, 10, 11, 8));
    m.on_thread(1, encode(Op::sd, 0, 10, 11, -8));
    CHECK(m.sc(0, 99) == 0);
    CHECK(m.cell() == 99);
}

TEST_CASE("reservations: of two harts reserving the same word, only the first SC succeeds") {
    SharedBus m(2);
    m.lr(0);
    m.lr(1);
    CHECK(m.sc(1, kValue) == 0); // same value written back by an SC
    CHECK(m.sc(0, 5) == 1);
    CHECK(m.cell() == kValue);
}

TEST_CASE("reservations: an SC must match the LR's address and size") {
    SharedBus m(1);
    REQUIRE(exec_insn(m.hart(0), kLrD));
    m.hart(0).set_x(6, 1);
    REQUIRE(exec_insn(m.hart(0), kScW)); // the same address, but a word
    CHECK(m.hart(0).state.x[7] == 1);
    REQUIRE(exec_insn(m.hart(0), kLrW));
    CHECK(m.hart(0).state.x[5] == 0x5566'7788ull);
    REQUIRE(exec_insn(m.hart(0), kScW));
    CHECK(m.hart(0).state.x[7] == 0);
    CHECK(m.cell() == 0x1122'3344'0000'0001ull);
}

TEST_CASE("reservations: a device's DMA write to the reserved bytes makes the SC fail") {
    SharedBus m(1);
    Dma dma(m.bus);
    m.lr(0);
    std::thread device([&] { CHECK(dma.write(kCell + 8, uint64_t{1})); }); // the next doubleword
    device.join();
    CHECK(m.bus.reservations.any());
    device = std::thread([&] { CHECK(dma.write(kCell, kValue)); });
    device.join();
    CHECK_FALSE(m.bus.reservations.any());
    CHECK(m.sc(0, 99) == 1);
    CHECK(m.cell() == kValue);
}

TEST_CASE("reservations: xRET clears the reservation (privileged spec 3.3.2)") {
    SharedBus m(1);
    m.hart(0).state.csr.mepc = kRamBase;
    m.hart(0).state.csr.mstatus |= csr_bits::kMPP; // stays in M
    m.lr(0);
    REQUIRE(exec_insn(m.hart(0), kMret));
    CHECK_FALSE(m.bus.reservations.any());
    CHECK(m.sc(0, 99) == 1);
}

TEST_CASE("reservations: threads incrementing one counter with LR/SC loops and AMOs lose nothing") {
    constexpr unsigned kHarts = 4, kIterations = 50000;
    SharedBus m(kHarts + 2);
    m.bus.write(kCell, 8, 0);
    std::atomic<unsigned> ready{0}; // all threads start together, so their loops overlap
    auto start_together = [&] {
        ready.fetch_add(1);
        while (ready.load() < kHarts + 2) std::this_thread::yield();
    };
    std::vector<std::thread> threads;
    std::vector<uint64_t> failed_scs(kHarts);
    for (unsigned i = 0; i < kHarts; ++i)
        threads.emplace_back([&, i] {
            Hart& hart = m.hart(i);
            start_together();
            for (unsigned n = 0; n < kIterations; ++n)
                for (;;) {
                    exec_insn(hart, kLrD);
                    exec_insn(hart, kIncrement);
                    exec_insn(hart, kScD);
                    if (hart.state.x[7] == 0) break;
                    ++failed_scs[i];
                }
        });
    // One more hart adds with AMOs: an SC after one of them must fail, or its increment is lost.
    threads.emplace_back([&] {
        Hart& hart = m.hart(kHarts);
        hart.set_x(11, 1);
        start_together();
        for (unsigned n = 0; n < kIterations; ++n) exec_insn(hart, encode(Op::amoadd_d, 0, 10, 11));
    });
    // And one more reads the counter with plain loads while storing next to it
    // (racy but legal guest code): reads of one location never go backwards.
    bool monotonic = true;
    threads.emplace_back([&] {
        Hart& hart = m.hart(kHarts + 1);
        start_together();
        uint64_t last = 0;
        for (unsigned n = 0; n < kIterations; ++n) {
            exec_insn(hart, encode(Op::ld, 5, 10, 0, 0));
            monotonic &= hart.state.x[5] >= last;
            last = hart.state.x[5];
            hart.set_x(11, n);
            exec_insn(hart, encode(Op::sd, 0, 10, 11, 8));
        }
    });
    for (auto& t : threads) t.join();
    CHECK(monotonic);
    CHECK(m.cell(8) == kIterations - 1);
    CHECK(m.cell() == uint64_t{kHarts + 1} * kIterations);
    CHECK_FALSE(m.bus.reservations.any());
    uint64_t failures = 0;
    for (uint64_t f : failed_scs) failures += f;
    MESSAGE("failed SCs under contention: " << failures);
}

// The window core/reservations.hpp closes: a store whose check of `active` ran
// before an LR registered, but which lands after the LR's load. One thread
// stores the value the cell already holds, bracketed by a sequence number
// (odd: a store in flight); the other reads the number between its LR and SC.
// If it read an even number s0 right after the LR and at least s0 + 2 before
// the SC, a whole store landed between the two (x86 keeps stores in order):
// that SC must fail. The racing thread uses plain stores for the sequence
// number so that, as a guest's store would, they wait in the store buffer
// while its check of `active` goes ahead.
TEST_CASE("reservations: a same-value store racing an LR never lets the SC succeed") {
    // Until enough rounds saw a store in between (a loaded host may run the
    // two threads one after the other for a while), within a bound.
    constexpr unsigned kWanted = 1000, kMaxRounds = 500'000;
    SharedBus m(2);
    ReservationTable& table = m.bus.reservations;
    auto* cell = reinterpret_cast<uint64_t*>(m.ram.host(kCell));
    std::atomic<uint64_t> sequence{0};
    std::atomic<bool> done{false};
    std::thread storer([&] {
        StoreWindow& window = m.hart(1).store_window;
        for (uint64_t n = 0; !done.load(std::memory_order_relaxed); n += 2) {
            sequence.store(n + 1, std::memory_order_release);
            table.store(&window, kCell, 8, [&] { __atomic_store_n(cell, kValue, __ATOMIC_RELAXED); });
            sequence.store(n + 2, std::memory_order_release);
        }
    });
    Reservation& own = m.hart(0).state.reservation;
    unsigned wrong_successes = 0, windows_seen = 0;
    for (unsigned round = 0; round < kMaxRounds && windows_seen < kWanted; ++round) {
        CHECK(table.load_reserved(own, kCell, cell) == kValue);
        const uint64_t before = sequence.load(std::memory_order_acquire);
        for (int spin = 0; spin < 100; ++spin) cpu_pause();
        const uint64_t after = sequence.load(std::memory_order_acquire);
        const bool store_in_between = before % 2 == 0 && after >= before + 2;
        windows_seen += store_in_between;
        wrong_successes += table.store_conditional(own, kCell, cell, kValue) && store_in_between;
    }
    done = true;
    storer.join();
    MESSAGE("rounds with a whole store between LR and SC: " << windows_seen);
    CHECK(windows_seen > 0);
    CHECK(wrong_successes == 0);
}

TEST_CASE("reservations: a JIT-inlined store breaks another hart's reservation") {
    for (uint32_t store : {encode(Op::sd, 0, 8, 9, 0), encode(Op::fsd, 0, 8, 1, 0)}) {
        CAPTURE(op_info(decode32(store).op).mnemonic);
        jit::Sandbox s;
        jit::Engine engine(s.cache);
        Hart other{1, s.bus, s.cache, s.clock};
        s.write_code(kCode, {store, kSpin});
        s.hart.set_x(8, kData);
        s.hart.set_x(9, kValue);
        s.hart.state.f[1] = kValue;
        s.hart.state.csr.mstatus |= csr_bits::kFS;
        engine.run(s.hart, 1); // fills the TLB: the next run's store is the inline fast path
        other.set_x(10, kData);
        other.set_x(6, 1);
        REQUIRE(exec_insn(other, kLrD));
        CHECK(other.state.x[5] == kValue);
        s.hart.state.pc = kCode;
        engine.run(s.hart, 1); // stores the same value again
        REQUIRE(exec_insn(other, kScD));
        CHECK(other.state.x[7] == 1);
        uint64_t v = 0;
        s.bus.read(kData, 8, v);
        CHECK(v == kValue);
    }
}

TEST_CASE("fences: only store-load ordering needs a host fence on x86") {
    using namespace fence_bits;
    auto imm = [](uint32_t predecessors, uint32_t successors) { return predecessors << 4 | successors; };
    CHECK(fence_orders_store_load(imm(kR | kW, kR | kW)));
    CHECK(fence_orders_store_load(imm(kI | kO | kR | kW, kI | kO | kR | kW)));
    CHECK(fence_orders_store_load(imm(kW, kR)));
    CHECK(fence_orders_store_load(imm(kO, kI)));
    CHECK_FALSE(fence_orders_store_load(imm(kR, kR | kW)));
    CHECK_FALSE(fence_orders_store_load(imm(kR | kW, kW)));
    CHECK_FALSE(fence_orders_store_load(imm(kW, kW)));
    CHECK_FALSE(fence_orders_store_load(imm(kR, kR)));

    for (auto [insn, mfence] : {std::pair{encode(Op::fence, 0, 0, 0, imm(kR | kW, kR | kW)), true},
                                {encode(Op::fence, 0, 0, 0, imm(kR, kR)), false},
                                {encode(Op::fence, 0, 0, 0, imm(kW, kW)), false},
                                {encode(Op::fence_tso), false}}) {
        jit::Sandbox s;
        jit::Engine engine(s.cache);
        s.write_code(kCode, {insn, kSpin});
        engine.run(s.hart, 1);
        const Block* block = s.cache.lookup(kCode);
        REQUIRE(block);
        REQUIRE(block->compiled);
        CHECK((jit::disassemble_host(*block->compiled).find("mfence") != std::string::npos) == mfence);
    }
}
