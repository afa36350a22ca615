// debug_translate (cpu/debug_translate.hpp): the debugger's view of a hart's address space,
// with no effect on the machine.
#include <doctest/doctest.h>

#include "cpu/debug_translate.hpp"
#include "test_mmu_fixture.hpp"

using namespace tern;
using namespace tern::test;
using namespace tern::pte_bits;

namespace {
constexpr uint64_t kData = kRamBase + 0x20'0000;
}

TEST_CASE("debug_translate follows the page tables like translate(), without touching A/D or the TLB") {
    MmuFixture m;
    m.enable_paging(csr_bits::kSatpModeSv39);
    const uint64_t slot = m.map(0x1000, kData + 0x5000, kV | kR | kW); // A and D clear
    m.map(0x4000'0000, kRamBase, kV | kR | kX | kA, 2);                 // a 1 GiB superpage
    m.map(0xffff'ffff'c000'0000, kRamBase, kV | kR | kW | kA | kD, 2);  // the high half
    const uint64_t pte = m.read_pte(slot);
    const uint64_t tlb_tag = m.tlb_entry(0x1000, AccessType::Load).tag;

    CHECK(debug_translate(m.hart, 0x1abc) == kData + 0x5abc);
    CHECK(debug_translate(m.hart, 0x4012'3456) == kRamBase + 0x12'3456);
    CHECK(debug_translate(m.hart, 0xffff'ffff'c000'0008) == kRamBase + 8);
    CHECK(m.read_pte(slot) == pte); // no A/D update
    CHECK(m.tlb_entry(0x1000, AccessType::Load).tag == tlb_tag); // no refill
    // The real translation agrees, and does set A.
    CHECK(m.translate(0x1abc, AccessType::Load).paddr == kData + 0x5abc);
    CHECK(m.read_pte(slot) == (pte | kA));
}

TEST_CASE("debug_translate sees pages the hart's own accesses may not use") {
    MmuFixture m;
    m.enable_paging(csr_bits::kSatpModeSv39);
    m.map(0x2000, kData, kV | kR | kU | kA); // a user page, read from S-mode without SUM
    m.map(0x3000, kData + 0x1000, kV | kX | kA); // execute-only
    CHECK_FALSE(m.translate(0x2000, AccessType::Load).ok);
    CHECK(debug_translate(m.hart, 0x2010) == kData + 0x10);
    CHECK(debug_translate(m.hart, 0x3010) == kData + 0x1010);
    // PMP denying everything to S-mode does not hide memory from the debugger either.
    m.set_pmp(15, 0, 0);
    CHECK(debug_translate(m.hart, 0x2010) == kData + 0x10);
}

TEST_CASE("debug_translate fails where nothing is mapped, and M-mode is untranslated") {
    MmuFixture m;
    m.enable_paging(csr_bits::kSatpModeSv48);
    const uint64_t slot = m.map(0x5000, kData, kV | kR | kW | kA | kD);
    CHECK(debug_translate(m.hart, 0x5000) == kData);
    CHECK_FALSE(debug_translate(m.hart, 0x6000));                      // no PTE
    CHECK_FALSE(debug_translate(m.hart, 0x0001'0000'0000'5000));        // not canonical
    m.write_pte(slot, MmuFixture::pte_of(kData, kV | kW | kA | kD));    // reserved W without R
    CHECK_FALSE(debug_translate(m.hart, 0x5000));
    m.write_pte(slot, MmuFixture::pte_of(kData, kV));                   // a pointer at level 0
    CHECK_FALSE(debug_translate(m.hart, 0x5000));
    m.map(0x20'0000, kData + 0x1000, kV | kR | kA, 1);                  // a misaligned 2 MiB superpage
    CHECK_FALSE(debug_translate(m.hart, 0x20'0000));
    // A root table outside RAM.
    m.hart.state.csr.satp = csr_bits::kSatpModeSv39 << csr_bits::kSatpModeShift | (0x1000'0000ull >> 12);
    CHECK_FALSE(debug_translate(m.hart, 0x5000));
    // M-mode ignores satp, whatever MPRV says.
    m.hart.state.priv = Privilege::Machine;
    m.hart.state.csr.mstatus |= csr_bits::kMPRV;
    CHECK(debug_translate(m.hart, 0x1234'5678) == 0x1234'5678);
}
