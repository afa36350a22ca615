// "Nonsense order" tests (shared/design/secure-devices.md): registers used before
// set-up, completions without claims, alarms cleared before they are set. Each
// checks the exact guest-error entry or the exact state left behind, on the
// devices as the machine wires them.
#include <doctest/doctest.h>

#include <string>

#include "hw/machine.hpp"

using namespace tern;

namespace {
constexpr uint64_t P = Plic::kBase, U = Uart16550::kBase, R = GoldfishRtc::kBase;
constexpr uint64_t kPending = P + 0x1000, kMEnable = P + 0x2000, kMClaim = P + 0x20'0004;

struct Board {
    Machine m{[] {
        MachineConfig c;
        c.ram_size = 1 << 20;
        return c;
    }()};
    uint64_t rd(uint64_t a, unsigned size = 4) {
        uint64_t v = 0;
        REQUIRE(m.bus.read(a, size, v, {0, 0x8000'0000}));
        return v;
    }
    void wr(uint64_t a, uint64_t v, unsigned size = 4) { REQUIRE(m.bus.write(a, size, v, {0, 0x8000'0000})); }
    size_t errors() const { return m.guest_errors.snapshot().size(); }
    GuestErrorEntry last() const {
        auto entries = m.guest_errors.snapshot();
        REQUIRE(!entries.empty());
        return entries.back();
    }
};
} // namespace

TEST_CASE("nonsense order: PLIC claim and complete with nothing enabled") {
    Board b;
    CHECK(b.rd(kMClaim) == 0); // nothing enabled, nothing pending: claim says "none"
    CHECK(b.errors() == 0);    // that is a legal question, not a guest error
    b.m.plic.set_level(5, true);
    CHECK(b.rd(kPending) == 1u << 5);
    CHECK(b.rd(kMClaim) == 0); // pending, but not enabled for this context
    CHECK(b.rd(kPending) == 1u << 5);

    b.wr(kMClaim, 5); // complete what was never claimed (and is not enabled)
    GuestErrorEntry e = b.last();
    CHECK(e.message == "completion of a source that is not enabled for this context");
    CHECK(e.device == "plic");
    CHECK(e.reg == "claim_complete");
    CHECK(e.value == 5);
    CHECK(e.address == kMClaim);
    CHECK(e.origin.hart == 0);

    b.wr(kMEnable, 1u << 5);
    CHECK(b.rd(kMClaim) == 0); // enabled, but priority 0 never interrupts
    b.wr(kMClaim, 5);
    CHECK(b.last().message == "completion of a source that was not claimed");
    b.wr(kMClaim, 0); // source 0 does not exist
    CHECK(b.last().message == "completion of a source that is not enabled for this context");
    CHECK(b.last().value == 0);

    b.wr(P + 4 * 5, 1);
    CHECK(b.rd(kMClaim) == 5);
    CHECK(b.rd(kPending) == 0);
    b.wr(kMClaim, 5);
    CHECK(b.rd(kPending) == 1u << 5); // the line is still high: pending again
    b.wr(kMClaim, 5);                 // a second completion of the same claim
    CHECK(b.last().message == "completion of a source that was not claimed");
}

TEST_CASE("nonsense order: UART registers used before LCR and FCR are set up") {
    Board b;
    b.wr(U + 1, 0xff, 1); // IER before anything: the reserved high bits are dropped
    CHECK(b.rd(U + 1, 1) == 0x0f);
    CHECK(b.rd(U + 2, 1) == 0x02); // THR-empty is raised at once, and this read acknowledges it
    CHECK(b.rd(U + 2, 1) == 0x01);

    // Receive with the FIFOs off: a one-byte holding register, later bytes stay with the host.
    CHECK(b.m.uart.receive('a'));
    CHECK_FALSE(b.m.uart.receive('b'));
    CHECK(b.rd(kPending) == 1u << Uart16550::kIrq); // RDA interrupt through the PLIC
    CHECK(b.rd(U + 2, 1) == 0x04);

    b.wr(U + 3, 0x80, 1);       // DLAB: offsets 0 and 1 are now the divisor latch
    CHECK(b.rd(U + 0, 1) == 0); // DLL, not the received byte
    b.wr(U + 0, 0x12, 1);
    b.wr(U + 1, 0x34, 1);
    CHECK(b.rd(U + 0, 1) == 0x12);
    CHECK(b.rd(U + 1, 1) == 0x34);
    b.wr(U + 3, 0x03, 1);
    CHECK(b.rd(U + 1, 1) == 0x0f); // IER kept its value under the latch
    CHECK(b.rd(U + 0, 1) == 'a');  // and the byte waited
    CHECK(b.rd(U + 0, 1) == 0);    // empty: reads 0
    CHECK(b.rd(kPending) == 0);

    // Turning the FIFOs on and off again drops what they held.
    b.wr(U + 2, 0x01, 1);
    for (uint8_t c = 0; c < 16; ++c)
        CHECK(b.m.uart.receive(c));
    CHECK_FALSE(b.m.uart.receive(16));
    b.wr(U + 2, 0x00, 1);
    CHECK((b.rd(U + 5, 1) & 0x01) == 0);
    CHECK(b.rd(kPending) == 0);

    uint64_t v = 0xdead;
    CHECK(b.m.bus.read(U + 0, 2, v));
    CHECK(v == 0);
    CHECK(b.last().message == "2-byte read not allowed");
    CHECK(b.last().reg == "rbr_thr_dll");
}

TEST_CASE("nonsense order: RTC alarm cleared before it is set, interrupt cleared before it is raised") {
    Board b;
    b.wr(R + 0x14, 1); // clear_alarm with no alarm
    b.wr(R + 0x1c, 1); // clear_interrupt with no interrupt
    CHECK(b.rd(R + 0x18) == 0);
    CHECK(b.rd(kPending) == 0);
    CHECK(b.errors() == 0);

    // An alarm already in the past fires as soon as it is set; with the interrupt
    // disabled it only disarms, and enabling the interrupt later raises nothing.
    b.wr(R + 0x0c, 0);
    b.wr(R + 0x08, 1);
    CHECK(b.rd(R + 0x18) == 0);
    b.wr(R + 0x10, 1);
    b.m.rtc.poll();
    CHECK(b.rd(kPending) == 0);

    b.wr(R + 0x08, 2); // in the past again, interrupt enabled now
    CHECK(b.rd(kPending) == 1u << GoldfishRtc::kIrq);
    b.wr(R + 0x1c, 1);
    CHECK(b.rd(kPending) == 0);

    // Far in the future, then cleared: polling never raises it.
    b.wr(R + 0x0c, 0xffffffff);
    b.wr(R + 0x08, 0xffffffff);
    CHECK(b.rd(R + 0x18) == 1);
    b.wr(R + 0x14, 1);
    CHECK(b.rd(R + 0x18) == 0);
    b.m.rtc.poll();
    CHECK(b.rd(kPending) == 0);
    CHECK(b.rd(R + 0x08) == 0xffffffff); // the alarm value itself is kept
}

TEST_CASE("RTC time can be set to any 64-bit value, both sides of the host clock") {
    Board b;
    // Setting the low half takes the high half written before it.
    b.wr(R + 0x04, 0xffffffff);
    b.wr(R + 0x00, 0);
    b.rd(R + 0x00); // latches the high half
    CHECK(b.rd(R + 0x04) == 0xffffffff);
    b.wr(R + 0x04, 0x80000000); // a jump of nearly 2^63 from there (signed offsets overflowed)
    b.wr(R + 0x00, 0);
    b.rd(R + 0x00);
    CHECK(b.rd(R + 0x04) == 0x80000000);
    b.wr(R + 0x04, 0);
    b.wr(R + 0x00, 0);
    b.rd(R + 0x00);
    CHECK(b.rd(R + 0x04) == 0);
}

TEST_CASE("nonsense order: CLINT registers of harts that do not exist") {
    Board b; // one hart
    b.wr(Clint::kBase + 4, 1);
    CHECK(b.last().message == "4-byte write fits no register");
    CHECK(b.last().device == "clint");
    b.wr(Clint::kBase + 0x4000 + 4, 0x12345678); // the high half of hart 0's mtimecmp alone
    CHECK(b.m.clint.mtimecmp(0) == 0x12345678'ffffffffull);
    CHECK(b.rd(Clint::kBase + 0x4000 + 4) == 0x12345678);
}
