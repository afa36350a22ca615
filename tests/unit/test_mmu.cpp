// Sv39/Sv48 translation (privileged spec 4.3-4.4) and MPRV/SUM/MXR (3.1.6.3).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "cpu/interpreter.hpp"
#include "test_mmu_fixture.hpp"

using namespace tern;
using namespace tern::test;
using namespace tern::pte_bits;

namespace {

constexpr uint64_t kSv39 = csr_bits::kSatpModeSv39, kSv48 = csr_bits::kSatpModeSv48;
constexpr AccessType kFetch = AccessType::Fetch, kLoad = AccessType::Load, kStore = AccessType::Store;
constexpr AccessType kAllTypes[] = {kFetch, kLoad, kStore};
// A leaf that no check objects to: valid, readable, writable, executable, accessed, dirty.
constexpr uint64_t kRwxAd = kV | kR | kW | kX | kA | kD;
constexpr uint64_t kData = kRamBase + 0x20'0000; // 2 MiB aligned

void check_translates(MmuFixture& m, uint64_t vaddr, uint64_t paddr) {
    for (AccessType type : kAllTypes) {
        CAPTURE(static_cast<int>(type));
        Translation t = m.translate(vaddr, type);
        CHECK(t.ok);
        CHECK(t.paddr == paddr);
    }
}

void check_faults(MmuFixture& m, uint64_t vaddr, Exception fetch, Exception load, Exception store) {
    const Exception expected[] = {fetch, load, store};
    for (AccessType type : kAllTypes) {
        CAPTURE(static_cast<int>(type));
        Translation t = m.translate(vaddr, type);
        CHECK_FALSE(t.ok);
        CHECK(t.fault == expected[static_cast<unsigned>(type)]);
    }
}

void check_page_faults(MmuFixture& m, uint64_t vaddr) {
    check_faults(m, vaddr, Exception::InstructionPageFault, Exception::LoadPageFault,
                 Exception::StorePageFault);
}
void check_access_faults(MmuFixture& m, uint64_t vaddr) {
    check_faults(m, vaddr, Exception::InstructionAccessFault, Exception::LoadAccessFault,
                 Exception::StoreAccessFault);
}

} // namespace

TEST_CASE("Sv39 maps 4 KiB pages, 2 MiB and 1 GiB superpages") {
    MmuFixture m;
    m.enable_paging(kSv39);
    m.map(0x1000, kData + 0x5000, kRwxAd);
    check_translates(m, 0x1abc, kData + 0x5abc);
    m.map(0x4000'0000 + 0x20'0000, kData, kRwxAd, 1); // 2 MiB at VA 1 GiB + 2 MiB
    check_translates(m, 0x4000'0000 + 0x20'0000 + 0x1f'f123, kData + 0x1f'f123);
    m.map(0x3f'c000'0000, kRamBase, kRwxAd, 2); // 1 GiB at the top of the low half
    check_translates(m, 0x3f'c012'3456, kRamBase + 0x12'3456);
    // The high half: sign-extended addresses use the upper VPN[2] slots.
    m.map(0xffff'ffff'c000'0000, kRamBase, kRwxAd, 2);
    check_translates(m, 0xffff'ffff'c030'0008, kRamBase + 0x30'0008);
}

TEST_CASE("Sv48 maps 4 KiB pages and 2 MiB, 1 GiB, 512 GiB superpages") {
    MmuFixture m;
    m.enable_paging(kSv48);
    m.map(0x1234'5678'9000, kData + 0x3000, kRwxAd);
    check_translates(m, 0x1234'5678'9ff8, kData + 0x3ff8);
    m.map(0x2000'0020'0000, kData, kRwxAd, 1);
    check_translates(m, 0x2000'0020'0010, kData + 0x10);
    m.map(0x3000'4000'0000, kRamBase, kRwxAd, 2);
    check_translates(m, 0x3000'4000'0100, kRamBase + 0x100);
    m.map(0x80'0000'0000, 0, kRwxAd, 3); // 512 GiB at physical 0
    check_translates(m, 0x80'8000'1234, 0x8000'1234);
    check_translates(m, 0xff'ffff'fff8, 0x7f'ffff'fff8);
    m.map(0xffff'8000'0000'0000, 0, kRwxAd, 3);
    check_translates(m, 0xffff'8000'8000'0040, 0x8000'0040);
}

TEST_CASE("non-canonical virtual addresses page-fault") {
    MmuFixture m;
    SUBCASE("Sv39: bits 63..39 must equal bit 38") {
        m.enable_paging(kSv39);
        m.map(0, kRamBase, kRwxAd, 2); // VPN[2] = 0 maps, so only the canonical check can fail
        check_translates(m, 0x10, kRamBase + 0x10);
        check_page_faults(m, 0x80'0000'0010);              // bit 39 set, bit 38 clear
        check_page_faults(m, 0x8000'0000'0000'0010);       // bit 63 only
        check_page_faults(m, 0xffff'ff80'0000'0000);       // upper ones, bit 38 clear
        m.map(0xffff'ffc0'0000'0000, kRamBase, kRwxAd, 2); // VPN[2] = 256
        check_translates(m, 0xffff'ffc0'0000'0010, kRamBase + 0x10);
        check_page_faults(m, 0x0000'0040'0000'0010); // the same VPN[2], but bits 63..39 clear
    }
    SUBCASE("Sv48: bits 63..48 must equal bit 47") {
        m.enable_paging(kSv48);
        m.map(0, 0, kRwxAd, 3); // identity for the lowest 512 GiB
        check_translates(m, kRamBase + 0x10, kRamBase + 0x10);
        check_page_faults(m, 0x0001'0000'0000'0000 + kRamBase); // bit 48 set, bit 47 clear
        m.map(0xffff'8000'0000'0000, 0, kRwxAd, 3);             // VPN[3] = 256
        check_translates(m, 0xffff'8000'0000'0000 + kRamBase, kRamBase);
        check_page_faults(m, 0x0000'8000'0000'0000 + kRamBase); // the same VPN[3], but bits 63..48 clear
        check_page_faults(m, 0xffff'0000'0000'0000 + kRamBase); // upper ones, bit 47 clear
    }
}

TEST_CASE("invalid PTEs page-fault with the cause of the access type") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t va = 0x40'0000;
    const uint64_t slot = m.map(va, kData, kRwxAd);
    check_translates(m, va, kData);
    SUBCASE("V = 0") { m.write_pte(slot, MmuFixture::pte_of(kData, kRwxAd & ~kV)); }
    SUBCASE("W = 1 without R") { m.write_pte(slot, MmuFixture::pte_of(kData, kV | kW | kX | kA | kD)); }
    SUBCASE("W = 1 alone (would be a pointer but is reserved)") {
        m.write_pte(slot, MmuFixture::pte_of(kData, kV | kW | kA | kD));
    }
    SUBCASE("reserved bits 60:54") { m.write_pte(slot, MmuFixture::pte_of(kData, kRwxAd) | 1ull << 54); }
    SUBCASE("PBMT without Svpbmt") { m.write_pte(slot, MmuFixture::pte_of(kData, kRwxAd) | 1ull << 61); }
    SUBCASE("N without Svnapot") { m.write_pte(slot, MmuFixture::pte_of(kData, kRwxAd) | 1ull << 63); }
    SUBCASE("invalid pointer PTE above the leaf") {
        const uint64_t pointer = m.pte_address(va, 1);
        m.write_pte(pointer, m.read_pte(pointer) & ~kV);
    }
    SUBCASE("reserved bits in a pointer PTE") {
        const uint64_t pointer = m.pte_address(va, 2);
        m.write_pte(pointer, m.read_pte(pointer) | 1ull << 60);
    }
    SUBCASE("pointer PTE at level 0") { m.write_pte(slot, MmuFixture::pte_of(kData, kV)); }
    check_page_faults(m, va);
}

TEST_CASE("misaligned superpages page-fault") {
    MmuFixture m;
    m.enable_paging(kSv48);
    SUBCASE("2 MiB leaf with PPN[0] != 0") { m.map(0x20'0000, kData + 0x1000, kRwxAd, 1); }
    SUBCASE("1 GiB leaf with PPN[1] != 0") { m.map(0x20'0000, kRamBase + 0x20'0000, kRwxAd, 2); }
    SUBCASE("1 GiB leaf with PPN[0] != 0") { m.map(0x20'0000, kRamBase + 0x1000, kRwxAd, 2); }
    SUBCASE("512 GiB leaf with PPN[2] != 0") { m.map(0x20'0000, kRamBase, kRwxAd, 3); }
    check_page_faults(m, 0x20'0000);
}

TEST_CASE("R/W/X permissions and MXR") {
    MmuFixture m;
    m.enable_paging(kSv39);
    m.map(0x1000, kData, kV | kR | kA | kD);      // read-only
    m.map(0x2000, kData, kV | kX | kA | kD);      // execute-only
    m.map(0x3000, kData, kV | kR | kW | kA | kD); // read-write
    CHECK(m.translate(0x1000, kLoad).ok);
    CHECK(m.translate(0x1000, kFetch).fault == Exception::InstructionPageFault);
    CHECK(m.translate(0x1000, kStore).fault == Exception::StorePageFault);
    CHECK(m.translate(0x2000, kFetch).ok);
    CHECK(m.translate(0x2000, kLoad).fault == Exception::LoadPageFault);
    CHECK(m.translate(0x2000, kStore).fault == Exception::StorePageFault);
    CHECK(m.translate(0x3000, kLoad).ok);
    CHECK(m.translate(0x3000, kStore).ok);
    CHECK(m.translate(0x3000, kFetch).fault == Exception::InstructionPageFault);

    // MXR: loads from executable pages succeed; fetches and stores are unaffected.
    m.hart.state.csr.mstatus |= csr_bits::kMXR;
    CHECK(m.translate(0x2000, kLoad).ok);
    CHECK(m.translate(0x2000, kStore).fault == Exception::StorePageFault);
    CHECK(m.translate(0x1000, kFetch).fault == Exception::InstructionPageFault);
}

TEST_CASE("U bit: U-mode needs it; S-mode uses it only for loads and stores under SUM") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t user = 0x1000, supervisor = 0x2000;
    m.map(user, kData, kRwxAd | kU);
    m.map(supervisor, kData + 0x1000, kRwxAd);

    SUBCASE("U-mode") {
        m.hart.state.priv = Privilege::User;
        check_translates(m, user, kData);
        check_page_faults(m, supervisor);
        m.hart.state.csr.mstatus |= csr_bits::kSUM; // SUM does not open S pages to U
        check_page_faults(m, supervisor);
    }
    SUBCASE("S-mode without SUM") {
        check_translates(m, supervisor, kData + 0x1000);
        check_page_faults(m, user);
    }
    SUBCASE("S-mode with SUM") {
        m.hart.state.csr.mstatus |= csr_bits::kSUM;
        CHECK(m.translate(user, kLoad).ok);
        CHECK(m.translate(user, kStore).ok);
        CHECK(m.translate(user, kFetch).fault == Exception::InstructionPageFault); // never fetch
    }
    SUBCASE("MXR applies in U-mode") {
        m.map(0x3000, kData, kV | kX | kU | kA);
        m.hart.state.priv = Privilege::User;
        CHECK(m.translate(0x3000, kLoad).fault == Exception::LoadPageFault);
        m.hart.state.csr.mstatus |= csr_bits::kMXR;
        CHECK(m.translate(0x3000, kLoad).ok);
    }
}

TEST_CASE("M-mode is not translated; MPRV translates its loads and stores with MPP") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t va = kData; // identity-looking address, mapped elsewhere
    m.map(va, kData + 0x7000, kRwxAd);
    m.map(va + 0x1000, kData + 0x8000, kRwxAd | kU);
    m.hart.state.priv = Privilege::Machine;
    check_translates(m, va, va);
    check_translates(m, 0x40'0000'0000'0000, 0x40'0000'0000'0000); // no canonical check either

    m.hart.state.csr.mstatus |= csr_bits::kMPRV;
    SUBCASE("MPP = S") {
        m.hart.state.csr.mstatus |= uint64_t{1} << csr_bits::kMPPShift;
        CHECK(m.translate(va, kLoad).paddr == kData + 0x7000);
        CHECK(m.translate(va, kStore).paddr == kData + 0x7000);
        CHECK(m.translate(va, kFetch).paddr == va); // fetches use the current privilege
        CHECK(m.translate(va + 0x1000, kLoad).fault == Exception::LoadPageFault); // U page, SUM = 0
        m.hart.state.csr.mstatus |= csr_bits::kSUM;
        CHECK(m.translate(va + 0x1000, kLoad).paddr == kData + 0x8000);
    }
    SUBCASE("MPP = U") {
        CHECK(m.translate(va, kLoad).fault == Exception::LoadPageFault);
        CHECK(m.translate(va, kStore).fault == Exception::StorePageFault);
        CHECK(m.translate(va + 0x1000, kStore).paddr == kData + 0x8000);
        CHECK(m.translate(va, kFetch).paddr == va);
    }
    SUBCASE("MPP = M") {
        m.hart.state.csr.mstatus |= csr_bits::kMPP;
        check_translates(m, va, va);
    }
    SUBCASE("PMP checks use the effective privilege") {
        m.set_pmp(15, 0, 0); // no entry matches: M succeeds, S and U fail
        m.hart.state.csr.mstatus |= uint64_t{1} << csr_bits::kMPPShift;
        CHECK(m.translate(va, kFetch).ok);
        // The walk's own PTE reads fail first: they are S-mode accesses.
        CHECK(m.translate(va, kLoad).fault == Exception::LoadAccessFault);
        // With the tables readable, the final access fails for S but not for M.
        m.set_pmp(0, kPmpNapot | kPmpR | kPmpW, napot(kRamBase + 0x10'0000, 0x10'0000));
        CHECK(m.translate(va, kLoad).fault == Exception::LoadAccessFault);
        CHECK(m.translate(va, kStore).fault == Exception::StoreAccessFault);
        m.hart.state.csr.mstatus &= ~csr_bits::kMPRV;
        CHECK(m.translate(kData + 0x7000, kLoad).ok);
    }
}

TEST_CASE("Bare satp in S-mode: physical = virtual, still PMP-checked") {
    MmuFixture m;
    m.hart.state.priv = Privilege::Supervisor;
    check_translates(m, kData + 0x123, kData + 0x123);
    m.set_pmp(15, 0, 0);
    check_access_faults(m, kData + 0x123);
}

TEST_CASE("A and D: set by the walk, D only for stores") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t slot = m.map(0x1000, kData, kV | kR | kW | kX);
    SUBCASE("load sets A only") {
        CHECK(m.translate(0x1000, kLoad).ok);
        CHECK((m.read_pte(slot) & (kA | kD)) == kA);
    }
    SUBCASE("fetch sets A only") {
        CHECK(m.translate(0x1000, kFetch).ok);
        CHECK((m.read_pte(slot) & (kA | kD)) == kA);
    }
    SUBCASE("store sets A and D") {
        CHECK(m.translate(0x1000, kStore).ok);
        CHECK((m.read_pte(slot) & (kA | kD)) == (kA | kD));
    }
    SUBCASE("a load of an accessed clean page leaves D clear") {
        m.write_pte(slot, m.read_pte(slot) | kA);
        CHECK(m.translate(0x1000, kLoad).ok);
        CHECK((m.read_pte(slot) & (kA | kD)) == kA);
        CHECK(m.translate(0x1000, kStore).ok);
        CHECK((m.read_pte(slot) & (kA | kD)) == (kA | kD));
    }
    SUBCASE("a faulting access sets nothing") {
        m.write_pte(slot, MmuFixture::pte_of(kData, kV | kR)); // read-only
        CHECK_FALSE(m.translate(0x1000, kStore).ok);
        CHECK(m.read_pte(slot) == MmuFixture::pte_of(kData, kV | kR));
    }
    SUBCASE("an access denied by PMP sets nothing") {
        m.set_pmp(0, kPmpNapot | kPmpR, napot(kData, 0x1000)); // read-only data page
        CHECK(m.translate(0x1000, kStore).fault == Exception::StoreAccessFault);
        CHECK((m.read_pte(slot) & (kA | kD)) == 0);
        CHECK(m.translate(0x1000, kLoad).ok);
        CHECK((m.read_pte(slot) & (kA | kD)) == kA);
    }
    SUBCASE("superpage leaves are updated too") {
        const uint64_t big = m.map(0x4000'0000, kRamBase, kV | kR | kW, 2);
        CHECK(m.translate(0x4000'1000, kStore).paddr == kRamBase + 0x1000);
        CHECK((m.read_pte(big) & (kA | kD)) == (kA | kD));
    }
}

TEST_CASE("PTE reads are S-mode physical accesses to RAM checked by PMP") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t slot = m.map(0x1000, kData, kRwxAd);
    const uint64_t leaf_table = slot & ~uint64_t{0xfff};
    check_translates(m, 0x1000, kData);
    SUBCASE("leaf table denied") {
        m.set_pmp(0, kPmpNapot, napot(leaf_table, 0x1000));
        check_access_faults(m, 0x1000);
    }
    SUBCASE("root table denied, even for M-mode with MPRV") {
        m.set_pmp(0, kPmpNapot, napot(m.root, 0x1000));
        check_access_faults(m, 0x1000);
        m.hart.state.priv = Privilege::Machine;
        m.hart.state.csr.mstatus |= csr_bits::kMPRV | uint64_t{1} << csr_bits::kMPPShift;
        CHECK(m.translate(0x1000, kLoad).fault == Exception::LoadAccessFault);
    }
    SUBCASE("tables readable but not writable: A/D updates fault, set bits need no write") {
        m.set_pmp(0, kPmpNapot | kPmpR, napot(leaf_table, 0x1000));
        check_translates(m, 0x1000, kData); // A and D already set
        m.write_pte(slot, MmuFixture::pte_of(kData, kV | kR | kW | kX | kA));
        CHECK(m.translate(0x1000, kLoad).ok);
        CHECK(m.translate(0x1000, kStore).fault == Exception::StoreAccessFault);
        m.write_pte(slot, MmuFixture::pte_of(kData, kV | kR | kW | kX));
        check_access_faults(m, 0x1000);
        CHECK(m.read_pte(slot) == MmuFixture::pte_of(kData, kV | kR | kW | kX));
    }
    SUBCASE("root table outside RAM") {
        m.hart.state.csr.satp = kSv39 << csr_bits::kSatpModeShift | 0x1000'0000 >> 12;
        check_access_faults(m, 0x1000);
    }
    SUBCASE("pointer PTE leading outside RAM") {
        const uint64_t pointer = m.pte_address(0x1000, 1);
        m.write_pte(pointer, MmuFixture::pte_of(kRamBase + kRamSize, kV));
        check_access_faults(m, 0x1000);
    }
}

TEST_CASE("the final physical access is checked against PMP") {
    MmuFixture m;
    m.enable_paging(kSv39);
    m.map(0x1000, kData, kRwxAd);
    m.set_pmp(0, kPmpNa4 | kPmpR, (kData + 0x10) >> 2); // bytes 0x10..0x13: read-only
    CHECK(m.translate(0x1010, kLoad, 4).ok);
    CHECK(m.translate(0x1010, kStore, 4).fault == Exception::StoreAccessFault);
    CHECK(m.translate(0x1010, kFetch, 2).fault == Exception::InstructionAccessFault);
    CHECK(m.translate(0x100c, kLoad, 8).fault == Exception::LoadAccessFault); // partial match
    CHECK(m.translate(0x1018, kStore, 8).ok);                                 // entry 15 beyond it
}

TEST_CASE("TLB refill") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t slot = m.map(0x5000, kData + 0x3000, kV | kR | kW | kX | kA);

    SUBCASE("loads and fetches of a RAM page get its host pointer") {
        for (AccessType type : {kLoad, kFetch}) {
            CHECK(m.translate(0x5008, type).ok);
            const TlbEntry& e = m.tlb_entry(0x5008, type);
            CHECK(e.tag == 0x5);
            CHECK(e.paddr_page == kData + 0x3000);
            CHECK(e.host == m.ram.host(kData + 0x3000));
            CHECK(e.host + 8 == reinterpret_cast<uint8_t*>(0x5008 + e.addend)); // vaddr + addend, as generated code adds
        }
    }
    SUBCASE("a load of a clean page leaves the store TLB alone; the store walk makes it dirty") {
        CHECK(m.translate(0x5008, kLoad).ok);
        CHECK(m.tlb_entry(0x5008, kStore).tag == TlbEntry::kInvalidTag);
        CHECK((m.read_pte(slot) & kD) == 0);
        CHECK(m.translate(0x5008, kStore).ok);
        CHECK((m.read_pte(slot) & kD) != 0);
        CHECK(m.tlb_entry(0x5008, kStore).host == m.ram.host(kData + 0x3000));
    }
    SUBCASE("stores to a flagged page take the slow path") {
        m.bus.set_page_flag(kData + 0x3000, kPageWatched);
        CHECK(m.translate(0x5008, kStore).ok);
        CHECK(m.tlb_entry(0x5008, kStore).tag == TlbEntry::kInvalidTag); // no hit without a host page
        CHECK(m.tlb_entry(0x5008, kStore).host == nullptr);
        CHECK(m.translate(0x5008, kLoad).ok);
        CHECK(m.tlb_entry(0x5008, kLoad).host == m.ram.host(kData + 0x3000));
    }
    SUBCASE("a page only partly covered by the deciding PMP entry gets no host pointer") {
        m.set_pmp(0, kPmpNapot | kPmpR | kPmpW | kPmpX, napot(kData + 0x3000, 0x800)); // first half
        CHECK(m.translate(0x5008, kLoad).ok);
        CHECK(m.tlb_entry(0x5008, kLoad).tag == TlbEntry::kInvalidTag);
        CHECK(m.tlb_entry(0x5008, kLoad).host == nullptr);
        CHECK(m.translate(0x5808, kLoad).ok); // the other half is allowed by entry 15
        CHECK(m.tlb_entry(0x5808, kLoad).host == nullptr);
    }
    SUBCASE("a page PMP allows only for loads gets a host pointer for loads only") {
        m.set_pmp(0, kPmpNapot | kPmpR, napot(kData + 0x3000, 0x1000));
        CHECK(m.translate(0x5008, kLoad).ok);
        CHECK(m.tlb_entry(0x5008, kLoad).host == m.ram.host(kData + 0x3000));
        CHECK_FALSE(m.translate(0x5008, kFetch).ok);
        CHECK(m.tlb_entry(0x5008, kFetch).tag == TlbEntry::kInvalidTag);
    }
    SUBCASE("superpages refill per 4 KiB page") {
        m.map(0x4000'0000, kRamBase, kRwxAd, 2);
        CHECK(m.translate(0x4012'3456, kStore).ok);
        const TlbEntry& e = m.tlb_entry(0x4012'3456, kStore);
        CHECK(e.tag == 0x4'0123);
        CHECK(e.paddr_page == kRamBase + 0x12'3000);
        CHECK(e.host == m.ram.host(kRamBase + 0x12'3000));
    }
    SUBCASE("pages outside RAM get no host pointer") {
        m.map(0x6000, 0x1000'0000, kRwxAd);
        CHECK(m.translate(0x6000, kLoad).paddr == 0x1000'0000);
        CHECK(m.tlb_entry(0x6000, kLoad).tag == TlbEntry::kInvalidTag);
        CHECK(m.tlb_entry(0x6000, kLoad).host == nullptr);
    }
    SUBCASE("M-mode refills with the physical page") {
        m.hart.state.priv = Privilege::Machine;
        CHECK(m.translate(kData + 0x10, kLoad).ok);
        CHECK(m.tlb_entry(kData, kLoad).paddr_page == kData);
        CHECK(m.tlb_entry(kData, kLoad).host == m.ram.host(kData));
    }
}

TEST_CASE("hart loads and stores go through translation") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t slot = m.map(0x7000, kData + 0x2000, kV | kR | kW | kU);
    m.hart.state.priv = Privilege::User;
    CHECK(m.hart.store<uint32_t>(0x7ffc, 0xdeadbeef));
    uint32_t value = 0;
    std::memcpy(&value, m.ram.host(kData + 0x2ffc), 4);
    CHECK(value == 0xdeadbeef);
    CHECK((m.read_pte(slot) & (kA | kD)) == (kA | kD));
    uint64_t loaded = 0;
    CHECK(m.hart.load<uint64_t>(0x7ff8, loaded)); // now from the TLB fast path
    CHECK((loaded >> 32) == 0xdeadbeef);
}

TEST_CASE("A/D update is a compare-and-swap against the PTE the walk read") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t slot = m.map(0x1000, kData, kV | kR | kW);
    PageWalk walk = sv_walk(m.hart, m.hart.state.csr.satp, 3, 0x1000, kStore, Privilege::Supervisor, 0);
    REQUIRE(walk.ok);
    CHECK(walk.pte_paddr == slot);
    // Another agent changes the PTE (here: sets a software bit) after the walk read it.
    const uint64_t changed = walk.pte | 1ull << 8;
    m.write_pte(slot, changed);
    CHECK(set_accessed_dirty(m.hart, walk, kStore) == AccessedDirty::PteChanged);
    CHECK(m.read_pte(slot) == changed); // nothing written over the other agent's update
    // translate() redoes the walk and keeps the change.
    CHECK(m.translate(0x1000, kStore).ok);
    CHECK(m.read_pte(slot) == (changed | kA | kD));
}

namespace {
// Page 0x1000 mapped read-write under Sv39, and a second hart on the same bus.
struct TwoHartsOnePage : MmuFixture {
    uint64_t slot = 0; // the page's leaf PTE
    CodeCache other_cache{bus};
    Hart other{1, bus, other_cache, clock};
    TwoHartsOnePage() {
        enable_paging(kSv39);
        slot = map(0x1000, kData, kV | kR | kW);
    }
};
} // namespace

TEST_CASE("concurrent PTE updates by another hart are never lost") {
    TwoHartsOnePage m;
    const uint64_t slot = m.slot;
    Hart& other = m.other;
    other.state = m.hart.state;
    std::atomic_ref<uint64_t> pte(*reinterpret_cast<uint64_t*>(m.ram.host(slot)));
    constexpr int kRounds = 20000;
    // This hart translates stores and clears A/D again (as an OS scanning dirty
    // pages would); meanwhile the other hart translates loads (setting A) and
    // flips a software bit an even number of times.
    bool other_ok = true;
    std::thread other_thread([&] {
        for (int i = 0; i < 2 * kRounds; ++i) {
            other_ok &= translate(other, 0x1000, 8, kLoad).ok;
            pte.fetch_xor(1ull << 9);
        }
    });
    bool all_ok = true;
    for (int i = 0; i < kRounds; ++i) {
        all_ok &= m.translate(0x1000, kStore).ok;
        pte.fetch_and(~(kA | kD));
    }
    other_thread.join();
    CHECK(all_ok);
    CHECK(other_ok);
    // The software bit is back to 0 and nothing else changed, except possibly
    // A set by the other hart's last loads.
    CHECK((pte.load() & ~kA) == MmuFixture::pte_of(kData, kV | kR | kW));
}

TEST_CASE("an A/D update ends another hart's LR reservation of the PTE") {
    TwoHartsOnePage m;
    const uint64_t slot = m.slot;
    Reservation& reservation = m.other.state.reservation;
    auto* pte = reinterpret_cast<uint64_t*>(m.ram.host(slot));
    // The other hart (an OS updating the PTE with LR/SC) reserves it; this
    // hart's load then sets A. The SC of the value computed from the old PTE
    // must fail, or it would erase A.
    const uint64_t old = m.bus.reservations.load_reserved(reservation, slot, pte);
    REQUIRE(m.translate(0x1000, kLoad).ok);
    CHECK((m.read_pte(slot) & kA) != 0);
    CHECK_FALSE(m.bus.reservations.store_conditional<uint64_t>(reservation, slot, pte, old | uint64_t{1} << 8));
    CHECK(m.read_pte(slot) == (old | kA));
}

TEST_CASE("the interpreter fetches through the fetch TLB from a mapped page") {
    MmuFixture m;
    m.enable_paging(kSv39);
    const uint64_t code = kData + 0x4000;
    const uint32_t program[] = {0x00150513, 0x00150513, 0x0000006f}; // addi a0,a0,1 (twice); j .
    std::memcpy(m.ram.host(code), program, sizeof program);
    const uint64_t slot = m.map(0x40'0000, code, kV | kX);
    m.hart.state.pc = 0x40'0000;
    CHECK(interpret(m.hart, 10) >= 10);
    CHECK(m.hart.state.x[10] == 2);
    CHECK(m.hart.state.pc == 0x40'0008);
    CHECK(m.tlb_entry(0x40'0000, kFetch).host == m.ram.host(code));
    CHECK((m.read_pte(slot) & (kA | kD)) == kA);
}
