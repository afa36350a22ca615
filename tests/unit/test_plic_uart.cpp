#include <doctest/doctest.h>

#include <string>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "hw/plic.hpp"
#include "hw/uart16550.hpp"

using namespace tern;

namespace {
struct Board {
    Ram ram{0x8000'0000, 1 << 16};
    Bus bus{ram};
    GuestErrorLog log;
    MachineClock clock;
    Plic plic{1};
    std::string sent;
    Uart16550 uart{IrqLine(&plic, Uart16550::kIrq), [this](uint8_t b) { sent.push_back(static_cast<char>(b)); }};
    Board() {
        bus.attach({&log, &clock});
        bus.map(Plic::kBase, Plic::kSize, plic);
        bus.map(Uart16550::kBase, Uart16550::kSize, uart);
    }
    uint64_t rd(uint64_t a, unsigned size = 4) {
        uint64_t v = 0;
        REQUIRE(bus.read(a, size, v));
        return v;
    }
    void wr(uint64_t a, uint64_t v, unsigned size = 4) { REQUIRE(bus.write(a, size, v)); }
    std::string last_error() { return log.snapshot().back().message; }
};
constexpr uint64_t U = Uart16550::kBase, P = Plic::kBase;
constexpr uint64_t kSContextThreshold = P + 0x20'1000, kSContextClaim = P + 0x20'1004, kSContextEnable = P + 0x2080;
} // namespace

TEST_CASE("uart transmits, receives and raises its interrupt through the PLIC") {
    Board b;
    b.wr(U + 0, 'h', 1);
    b.wr(U + 0, 'i', 1);
    CHECK(b.sent == "hi");
    CHECK((b.rd(U + 5, 1) & 0x60) == 0x60); // THRE and TEMT

    // Route source 10 to the S-mode context of hart 0.
    b.wr(P + 4 * Uart16550::kIrq, 1);
    b.wr(kSContextEnable, 1u << Uart16550::kIrq);
    b.wr(kSContextThreshold, 0);
    b.wr(U + 1, 0x01, 1); // IER: receive data available
    CHECK_FALSE(b.plic.context_pending(1));
    CHECK(b.uart.receive('x'));
    CHECK(b.plic.context_pending(1));
    CHECK_FALSE(b.plic.context_pending(0)); // not enabled for the M context
    CHECK(b.rd(U + 2, 1) == 0x04);          // IIR: receive data available
    CHECK(b.rd(kSContextClaim) == Uart16550::kIrq);
    CHECK_FALSE(b.plic.context_pending(1)); // claimed: no longer pending
    CHECK(b.rd(U + 0, 1) == 'x');
    b.wr(kSContextClaim, Uart16550::kIrq);
    CHECK_FALSE(b.plic.context_pending(1)); // line dropped after the read
    CHECK(b.rd(U + 5, 1) % 2 == 0);
}

TEST_CASE("uart THR-empty interrupt and FIFO limits") {
    Board b;
    b.wr(U + 1, 0x02, 1);                  // enable THRE interrupt: raised at once
    CHECK(b.rd(U + 2, 1) == 0x02);         // and acknowledged by this read
    CHECK(b.rd(U + 2, 1) == 0x01);
    b.wr(U + 2, 0x01, 1);                  // enable FIFOs
    for (int i = 0; i < 16; ++i) CHECK(b.uart.receive(static_cast<uint8_t>(i)));
    CHECK_FALSE(b.uart.receive(99));       // full: the host keeps the byte
    b.wr(U + 4, 0x10, 1);                  // loopback
    b.wr(U + 0, 'z', 1);                   // the FIFO is full: overrun
    CHECK((b.rd(U + 5, 1) & 0x02) == 0x02);
    CHECK((b.rd(U + 5, 1) & 0x02) == 0);   // cleared by reading LSR
    CHECK(b.sent.empty());
}

TEST_CASE("uart refuses wide accesses with a guest error") {
    Board b;
    uint64_t v;
    CHECK(b.bus.read(U + 4, 4, v));
    CHECK(v == 0);
    CHECK(b.last_error() == "4-byte read not allowed");
    CHECK(b.bus.write(U + 5, 1, 0));
    CHECK(b.last_error() == "write to read-only register");
}

TEST_CASE("plic priorities, threshold and completion rules") {
    Board b;
    b.wr(P + 4 * 3, 2);
    b.wr(P + 4 * 5, 5);
    b.wr(kSContextEnable, (1u << 3) | (1u << 5));
    b.plic.set_level(3, true);
    b.plic.set_level(5, true);
    CHECK(b.rd(P + 0x1000) == ((1u << 3) | (1u << 5)));
    b.wr(kSContextThreshold, 5);
    CHECK_FALSE(b.plic.context_pending(1)); // priority must exceed the threshold
    CHECK(b.rd(kSContextClaim) == 0);
    b.wr(kSContextThreshold, 1);
    CHECK(b.rd(kSContextClaim) == 5); // highest priority first
    CHECK(b.rd(kSContextClaim) == 3);
    CHECK(b.rd(kSContextClaim) == 0);
    b.wr(kSContextClaim, 5); // complete while the line is still high: pending again
    CHECK(b.rd(P + 0x1000) == (1u << 5));
    b.wr(kSContextClaim, 7); // never claimed, not enabled
    CHECK(b.last_error() == "completion of a source that is not enabled for this context");
    b.wr(P + 0x2000 + 0x80 * 2, 1); // context 2 does not exist with one hart
    CHECK(b.last_error() == "4-byte write fits no register");
    b.wr(P + 4 * 3, 0xff);
    CHECK(b.rd(P + 4 * 3) == 7); // 3 priority bits
}
