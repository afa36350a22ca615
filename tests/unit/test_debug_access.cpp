// The debugger's view of memory: translation through the hart's page tables with no side effects,
// RAM-only reads and writes (cpu/debug_access.hpp).
#include <doctest/doctest.h>

#include <array>

#include "cpu/debug_access.hpp"
#include "test_mmu_fixture.hpp"

using namespace tern;
using namespace tern::test;
using namespace tern::pte_bits;

TEST_CASE("debug access: Sv39 and Sv48 walks, superpages, no A/D updates, the walk shown") {
    for (uint64_t mode : {csr_bits::kSatpModeSv39, csr_bits::kSatpModeSv48}) {
        MmuFixture f;
        f.enable_paging(mode);
        const uint64_t leaf = f.map(0x4000'1000, kRamBase + 0x20'0000, kV | kR | kW); // no A, no D
        f.map(0x4020'0000, kRamBase + 0x20'0000, kV | kR | kX | kA, 1);             // a 2 MiB superpage

        DebugTranslation t = debug_translate(f.hart, 0x4000'1234);
        CHECK(t.ok);
        CHECK(t.paddr == kRamBase + 0x20'0234);
        CHECK(t.walk.size() == f.levels);
        CHECK(t.walk.back().pte_paddr == leaf);
        CHECK(f.read_pte(leaf) == MmuFixture::pte_of(kRamBase + 0x20'0000, kV | kR | kW)); // A/D untouched

        t = debug_translate(f.hart, 0x4021'2345);
        CHECK(t.ok);
        CHECK(t.paddr == kRamBase + 0x21'2345);
        CHECK(t.walk.size() == f.levels - 1);

        CHECK_FALSE(debug_translate(f.hart, 0x5000'0000).ok);        // not mapped
        CHECK_FALSE(debug_translate(f.hart, 0x0100'0000'0000'0000).ok); // not canonical
    }
}

TEST_CASE("debug access: reads and writes RAM only, across pages, all or nothing") {
    MmuFixture f;
    f.enable_paging(csr_bits::kSatpModeSv39);
    f.map(0x1000, kRamBase + 0x30'0000, kV | kR | kW | kA | kD);
    f.map(0x2000, kRamBase + 0x20'0000, kV | kR | kW | kA | kD); // the next virtual page is elsewhere physically

    const std::array<uint8_t, 8> bytes{1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(debug_write(f.hart, 0x1ffc, bytes, false));
    std::array<uint8_t, 8> back{};
    CHECK(debug_read(f.hart, 0x1ffc, back, false));
    CHECK(back == bytes);
    CHECK(f.ram.host(kRamBase + 0x30'0ffc)[0] == 1);
    CHECK(f.ram.host(kRamBase + 0x20'0000)[0] == 5);
    CHECK(debug_read(f.hart, kRamBase + 0x20'0000, std::span(back).first(4), true)); // physical
    CHECK(back[0] == 5);

    // The second page is unmapped: nothing is written.
    f.map(0x3000, 0, 0);
    CHECK_FALSE(debug_write(f.hart, 0x2ffe, bytes, false));
    CHECK(f.ram.host(kRamBase + 0x20'0ffe)[0] == 0);
    CHECK_FALSE(debug_read(f.hart, 0x1000'0000, back, true)); // a device address: never read
}
