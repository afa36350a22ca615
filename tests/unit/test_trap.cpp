// Trap entry, delegation, interrupt selection, xRET, WFI and SFENCE.VMA.
#include <doctest/doctest.h>

#include "cpu/csr_bits.hpp"
#include "cpu/trap.hpp"
#include "test_csr_harness.hpp"

using namespace tern;
using namespace tern::test;
using namespace tern::csr_bits;

namespace {
constexpr uint64_t kInterrupt = 1ull << 63;
constexpr uint64_t kMtvecBase = 0x8000'1000, kStvecBase = 0x8000'2000;
constexpr uint64_t kMcauseIllegal = 2;

uint64_t mpp(const TestHart& t) { return (t.hart.state.csr.mstatus & kMPP) >> kMPPShift; }

// A hart with handlers installed, running at `priv` from address `pc`.
void enter(TestHart& t, Privilege priv, uint64_t pc = 0x8000'0400) {
    t.csr().mtvec = kMtvecBase;
    t.csr().stvec = kStvecBase;
    t.hart.state.priv = priv;
    t.hart.state.pc = pc;
}
// Interrupts `bits` pending and enabled in mie, those in `delegated` delegated to S.
void raise(TestHart& t, uint64_t bits, uint64_t delegated) {
    t.csr().mideleg = delegated;
    t.csr().mie = bits;
    t.csr().mip = bits;
}

} // namespace

TEST_CASE("an exception in M saves pc, cause and tval and stacks MIE") {
    TestHart t;
    enter(t, Privilege::Machine);
    t.csr().mstatus |= kMIE;
    t.csr().medeleg = ~0ull; // delegation never lowers the privilege
    take_exception(t.hart, Exception::LoadAccessFault, 0xdead);
    CHECK(t.hart.trapped);
    CHECK(t.hart.next_pc == kMtvecBase);
    CHECK(t.csr().mepc == 0x8000'0400);
    CHECK(t.csr().mcause == 5);
    CHECK(t.csr().mtval == 0xdead);
    CHECK(mpp(t) == 3);
    CHECK((t.csr().mstatus & kMPIE) != 0);
    CHECK((t.csr().mstatus & kMIE) == 0);
    CHECK(t.hart.state.priv == Privilege::Machine);
}

TEST_CASE("exceptions from U and S go to M unless medeleg delegates them to S") {
    TestHart t;
    enter(t, Privilege::User);
    t.csr().mstatus |= kSIE;
    take_exception(t.hart, Exception::EcallFromU, 0);
    CHECK(t.hart.state.priv == Privilege::Machine);
    CHECK(t.csr().mcause == 8);
    CHECK(mpp(t) == 0);

    enter(t, Privilege::User, 0x8000'0800);
    t.csr().medeleg = 1u << 8;
    take_exception(t.hart, Exception::EcallFromU, 0);
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK(t.hart.next_pc == kStvecBase);
    CHECK(t.csr().sepc == 0x8000'0800);
    CHECK(t.csr().scause == 8);
    CHECK(t.csr().stval == 0);
    CHECK((t.csr().mstatus & kSPP) == 0);
    CHECK((t.csr().mstatus & kSPIE) != 0);
    CHECK((t.csr().mstatus & kSIE) == 0);

    enter(t, Privilege::Supervisor, 0x8000'0900);
    t.csr().medeleg = 1u << 13;
    take_exception(t.hart, Exception::LoadPageFault, 0x1234);
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK(t.csr().scause == 13);
    CHECK(t.csr().stval == 0x1234);
    CHECK((t.csr().mstatus & kSPP) != 0);
    CHECK((t.csr().mstatus & kSPIE) == 0); // SIE was 0
}

TEST_CASE("an illegal instruction in U delegated to S reports the instruction bits in stval") {
    TestHart t;
    enter(t, Privilege::User);
    t.csr().medeleg = 1u << 2;
    const uint32_t raw = csrrs(5, 0x300, 0); // mstatus from U
    CHECK_FALSE(t.exec(raw));
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK(t.csr().scause == kMcauseIllegal);
    CHECK(t.csr().stval == raw);
    CHECK(t.hart.state.pc == kStvecBase);
}

TEST_CASE("a trap that changes privilege flushes the TLB") {
    TestHart t;
    enter(t, Privilege::User);
    t.fill_tlb();
    take_exception(t.hart, Exception::Breakpoint, 0);
    CHECK(t.tlb_flushed());
}

TEST_CASE("exceptions ignore vectored mode; interrupts go to base + 4 * cause") {
    TestHart t;
    enter(t, Privilege::Machine);
    t.csr().mtvec = kMtvecBase | 1;
    take_exception(t.hart, Exception::IllegalInstruction, 0);
    CHECK(t.hart.next_pc == kMtvecBase);

    enter(t, Privilege::User);
    t.csr().mtvec = kMtvecBase | 1;
    t.csr().mie = kMTIP;
    t.csr().mip = kMTIP;
    REQUIRE(take_pending_interrupt(t.hart));
    CHECK(t.hart.next_pc == kMtvecBase + 4 * 7);
    CHECK(t.csr().mcause == (kInterrupt | 7));
    CHECK(t.csr().mepc == 0x8000'0400);
    CHECK(t.csr().mtval == 0);

    enter(t, Privilege::User);
    t.csr().stvec = kStvecBase | 1;
    t.csr().mideleg = kSEIP;
    t.csr().mie = kSEIP;
    t.csr().mip = kSEIP;
    REQUIRE(take_pending_interrupt(t.hart));
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK(t.hart.next_pc == kStvecBase + 4 * 9);
    CHECK(t.csr().scause == (kInterrupt | 9));
}

TEST_CASE("simultaneous interrupts are taken in the order MEI, MSI, MTI, SEI, SSI, STI") {
    const uint64_t order[] = {kMEIP, kMSIP, kMTIP, kSEIP, kSSIP, kSTIP};
    const uint64_t codes[] = {11, 3, 7, 9, 1, 5};
    uint64_t pending = kMEIP | kMSIP | kMTIP | kSEIP | kSSIP | kSTIP;
    for (size_t i = 0; i < 6; ++i) {
        TestHart t;
        enter(t, Privilege::User);
        t.csr().mie = pending;
        t.csr().mip = pending;
        REQUIRE(take_pending_interrupt(t.hart));
        CHECK(t.csr().mcause == (kInterrupt | codes[i]));
        pending &= ~order[i];
    }
}

TEST_CASE("M-level interrupts: enabled below M always, in M only with MIE") {
    TestHart t;
    enter(t, Privilege::Machine);
    t.csr().mie = kMTIP;
    t.csr().mip = kMTIP;
    CHECK_FALSE(take_pending_interrupt(t.hart));
    CHECK_FALSE(t.hart.trapped);
    t.csr().mstatus |= kMIE;
    CHECK(take_pending_interrupt(t.hart));
    CHECK((t.csr().mstatus & kMIE) == 0);
    CHECK((t.csr().mstatus & kMPIE) != 0);
    CHECK(mpp(t) == 3);

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = 0;
    CHECK(take_pending_interrupt(t.hart));
    CHECK(t.hart.state.priv == Privilege::Machine);
    CHECK(mpp(t) == 1);

    enter(t, Privilege::User);
    t.csr().mie = 0; // pending but not enabled in mie
    CHECK_FALSE(take_pending_interrupt(t.hart));
}

TEST_CASE("delegated interrupts: never in M, in S only with SIE, always in U") {
    TestHart t;
    enter(t, Privilege::Machine);
    t.csr().mideleg = kSTIP;
    t.csr().mie = kSTIP;
    t.csr().mip = kSTIP;
    t.csr().mstatus = kMIE | kSIE;
    CHECK_FALSE(take_pending_interrupt(t.hart));

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = kMIE; // MIE does not matter for S-level interrupts
    CHECK_FALSE(take_pending_interrupt(t.hart));
    t.csr().mstatus = kSIE;
    REQUIRE(take_pending_interrupt(t.hart));
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK(t.csr().scause == (kInterrupt | 5));
    CHECK(t.csr().sepc == 0x8000'0400);
    CHECK((t.csr().mstatus & kSPP) != 0);
    CHECK((t.csr().mstatus & kSPIE) != 0);
    CHECK((t.csr().mstatus & kSIE) == 0);

    enter(t, Privilege::User);
    t.csr().mstatus = 0;
    REQUIRE(take_pending_interrupt(t.hart));
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK((t.csr().mstatus & kSPP) == 0);
}

TEST_CASE("an M-level interrupt is taken before a delegated one, in S whatever SIE") {
    TestHart t;
    enter(t, Privilege::Supervisor);
    raise(t, kSEIP | kMTIP, kSEIP);
    t.csr().mstatus = kSIE;
    REQUIRE(take_pending_interrupt(t.hart));
    CHECK(t.hart.state.priv == Privilege::Machine);
    CHECK(t.csr().mcause == (kInterrupt | 7));
}

TEST_CASE("interrupt_deliverable says whether take_pending_interrupt would take one") {
    TestHart t;
    enter(t, Privilege::Machine);
    raise(t, kMSIP | kSTIP, kSTIP);
    CHECK_FALSE(interrupt_deliverable(t.hart)); // in M, MIE clear: both masked
    t.csr().mstatus = kMIE;
    CHECK(interrupt_deliverable(t.hart));
    t.csr().mip = kSTIP; // a delegated one is never taken in M
    CHECK_FALSE(interrupt_deliverable(t.hart));
    enter(t, Privilege::Supervisor);
    t.csr().mstatus = 0;
    CHECK_FALSE(interrupt_deliverable(t.hart));
    t.csr().mstatus = kSIE;
    CHECK(interrupt_deliverable(t.hart));
    CHECK_FALSE(t.hart.trapped); // only asks
    CHECK(take_pending_interrupt(t.hart));
}

TEST_CASE("taking an interrupt ends WFI") {
    TestHart t;
    enter(t, Privilege::Machine);
    REQUIRE(t.exec(kWfi));
    CHECK(t.hart.state.wfi);
    t.csr().mstatus |= kMIE;
    t.csr().mie = kMSIP;
    t.csr().mip = kMSIP;
    REQUIRE(take_pending_interrupt(t.hart));
    CHECK_FALSE(t.hart.state.wfi);
}

TEST_CASE("mret restores MIE from MPIE, sets MPIE, returns to MPP and sets MPP to U") {
    TestHart t;
    enter(t, Privilege::Machine);
    t.csr().mepc = 0x8000'4000;
    t.csr().mstatus = kMPIE | kMPRV | (1ull << kMPPShift);
    t.fill_tlb();
    REQUIRE(t.exec(kMret));
    CHECK(t.hart.state.pc == 0x8000'4000);
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK((t.csr().mstatus & kMIE) != 0);
    CHECK((t.csr().mstatus & kMPIE) != 0);
    CHECK(mpp(t) == 0);
    CHECK((t.csr().mstatus & kMPRV) == 0); // left M
    CHECK(t.tlb_flushed());

    enter(t, Privilege::Machine);
    t.csr().mstatus = kMPRV | (3ull << kMPPShift); // MPIE=0
    REQUIRE(t.exec(kMret));
    CHECK(t.hart.state.priv == Privilege::Machine);
    CHECK((t.csr().mstatus & kMPRV) != 0); // stayed in M: MPRV kept
    CHECK((t.csr().mstatus & kMIE) == 0);
    CHECK((t.csr().mstatus & kMPIE) != 0);
}

TEST_CASE("mret is illegal below M") {
    for (Privilege p : {Privilege::Supervisor, Privilege::User}) {
        TestHart t;
        enter(t, p);
        t.csr().mepc = 0x8000'4000;
        CHECK_FALSE(t.exec(kMret));
        CHECK(t.csr().mcause == kMcauseIllegal);
        CHECK(t.csr().mtval == kMret);
        CHECK(t.hart.state.pc == kMtvecBase);
    }
}

TEST_CASE("sret restores SIE from SPIE, returns to SPP, sets SPP to U and clears MPRV") {
    TestHart t;
    enter(t, Privilege::Supervisor);
    t.csr().sepc = 0x8000'5000;
    t.csr().mstatus = kSPIE;
    REQUIRE(t.exec(kSret));
    CHECK(t.hart.state.pc == 0x8000'5000);
    CHECK(t.hart.state.priv == Privilege::User);
    CHECK((t.csr().mstatus & kSIE) != 0);
    CHECK((t.csr().mstatus & kSPIE) != 0);

    enter(t, Privilege::Machine);
    t.csr().mstatus = kSPP | kMPRV;
    REQUIRE(t.exec(kSret));
    CHECK(t.hart.state.priv == Privilege::Supervisor);
    CHECK((t.csr().mstatus & kSPP) == 0);
    CHECK((t.csr().mstatus & kSIE) == 0);
    CHECK((t.csr().mstatus & kMPRV) == 0);
}

TEST_CASE("sret: illegal in U, and in S when TSR=1; TSR does not affect M") {
    TestHart t;
    enter(t, Privilege::User);
    CHECK_FALSE(t.exec(kSret));
    CHECK(t.csr().mcause == kMcauseIllegal);

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = kTSR;
    CHECK_FALSE(t.exec(kSret));
    CHECK(t.csr().mcause == kMcauseIllegal);
    CHECK(t.hart.state.priv == Privilege::Machine);

    enter(t, Privilege::Machine);
    t.csr().mstatus = kTSR | kSPP;
    t.csr().sepc = 0x8000'6000;
    CHECK(t.exec(kSret));
    CHECK(t.hart.state.pc == 0x8000'6000);
}

TEST_CASE("wfi: illegal in U, illegal in S when TW=1, otherwise waits") {
    TestHart t;
    enter(t, Privilege::User);
    CHECK_FALSE(t.exec(kWfi));
    CHECK_FALSE(t.hart.state.wfi);

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = kTW;
    CHECK_FALSE(t.exec(kWfi));
    CHECK_FALSE(t.hart.state.wfi);
    CHECK(t.csr().mcause == kMcauseIllegal);

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = 0;
    CHECK(t.exec(kWfi));
    CHECK(t.hart.state.wfi);
    CHECK(t.hart.state.pc == 0x8000'0404);

    t.hart.state.wfi = false;
    enter(t, Privilege::Machine);
    t.csr().mstatus = kTW; // TW does not apply to M
    CHECK(t.exec(kWfi));
    CHECK(t.hart.state.wfi);
}

TEST_CASE("sfence.vma: illegal in U, and in S when TVM=1; otherwise flushes the TLB") {
    TestHart t;
    enter(t, Privilege::User);
    CHECK_FALSE(t.exec(sfence_vma(0, 0)));

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = kTVM;
    CHECK_FALSE(t.exec(sfence_vma(1, 2)));
    CHECK(t.csr().mcause == kMcauseIllegal);

    enter(t, Privilege::Supervisor);
    t.csr().mstatus = 0;
    t.fill_tlb();
    CHECK(t.exec(sfence_vma(1, 0)));
    CHECK(t.tlb_flushed());

    enter(t, Privilege::Machine);
    t.csr().mstatus = kTVM;
    t.fill_tlb();
    CHECK(t.exec(sfence_vma(0, 0)));
    CHECK(t.tlb_flushed());
}
