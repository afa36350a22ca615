// A small guest program through the interpreter: U-mode ecall delegated to S,
// sret back to U, then an illegal WFI in U trapping to M.
#include <doctest/doctest.h>

#include "cpu/csr_bits.hpp"
#include "cpu/interpreter.hpp"
#include "test_csr_harness.hpp"

using namespace tern;
using namespace tern::test;
using namespace tern::csr_bits;

namespace {
constexpr uint32_t addi(unsigned rd, unsigned rs1, int32_t imm) {
    return static_cast<uint32_t>(imm) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
constexpr uint32_t kEcall = 0x00000073;
constexpr uint32_t kLoop = 0x0000006f; // jal x0, 0

void put(TestHart& t, uint64_t addr, std::initializer_list<uint32_t> code) {
    for (uint32_t insn : code) {
        t.bus.write(addr, 4, insn);
        addr += 4;
    }
}
} // namespace

TEST_CASE("U ecall delegated to S, sret back to U, illegal WFI in U trapping to M") {
    TestHart t;
    t.open_pmp();
    constexpr uint64_t kUser = 0x8000'1000, kSupervisor = 0x8000'2000, kMachine = 0x8000'3000;
    put(t, kUser, {addi(5, 5, 1), kEcall, addi(5, 5, 1), kWfi, kLoop});
    put(t, kSupervisor,
        {csrrs(6, 0x142, 0), csrrs(7, 0x141, 0), addi(7, 7, 4), csrrw(0, 0x141, 7), kSret});
    put(t, kMachine, {csrrs(8, 0x342, 0), csrrs(9, 0x343, 0), kLoop});
    t.csr().mtvec = kMachine;
    t.csr().stvec = kSupervisor;
    t.csr().medeleg = 1u << 8; // ecall from U
    t.csr().mepc = kUser;
    t.csr().mstatus &= ~kMPP; // MPP = U
    t.hart.state.pc = TestHart::kRamBase;
    put(t, TestHart::kRamBase, {kMret});

    interpret(t.hart, 40);
    CHECK(t.x(5) == 2);
    CHECK(t.x(6) == 8);                  // scause: ecall from U
    CHECK(t.x(7) == kUser + 8);          // sepc advanced past the ecall
    CHECK(t.x(8) == 2);                  // mcause: illegal instruction
    CHECK(t.x(9) == kWfi);               // mtval: the instruction bits
    CHECK(t.csr().mepc == kUser + 12);
    CHECK(t.hart.state.priv == Privilege::Machine);
    CHECK(((t.csr().mstatus & kMPP) >> kMPPShift) == 0);
    CHECK_FALSE(t.hart.state.wfi);
    CHECK(t.hart.state.pc == kMachine + 8);
}

TEST_CASE("a pending machine timer interrupt preempts U-mode code at an instruction boundary") {
    TestHart t;
    t.open_pmp();
    constexpr uint64_t kUser = 0x8000'1000, kMachine = 0x8000'3000;
    put(t, kUser, {addi(5, 5, 1), addi(5, 5, 1), kLoop});
    put(t, kMachine, {csrrs(8, 0x342, 0), kLoop});
    t.csr().mtvec = kMachine;
    t.csr().mie = kMTIP;
    t.hart.state.priv = Privilege::User;
    t.hart.state.pc = kUser;
    REQUIRE(interpret_one(t.hart) == 1);
    t.csr().mip = kMTIP; // the CLINT raises the line
    interpret(t.hart, 10);
    CHECK(t.x(5) == 1);
    CHECK(t.x(8) == (1ull << 63 | 7));
    CHECK(t.csr().mepc == kUser + 4);
    CHECK(t.hart.state.priv == Privilege::Machine);
}
