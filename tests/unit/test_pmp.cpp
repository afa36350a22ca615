// Physical memory protection (privileged spec 3.7).
#include <doctest/doctest.h>

#include "test_mmu_fixture.hpp"

using namespace tern;
using namespace tern::test;

namespace {

constexpr uint8_t kM = static_cast<uint8_t>(Privilege::Machine);
constexpr uint8_t kS = static_cast<uint8_t>(Privilege::Supervisor);
constexpr uint8_t kU = static_cast<uint8_t>(Privilege::User);
constexpr AccessType kFetch = AccessType::Fetch, kLoad = AccessType::Load, kStore = AccessType::Store;

// A hart whose PMP entries are all OFF.
struct PmpFixture : MmuFixture {
    PmpFixture() { set_pmp(15, 0, 0); }
    bool allows(uint64_t paddr, unsigned size, AccessType type, uint8_t priv) {
        return pmp_allows(hart, paddr, size, type, priv);
    }
};

} // namespace

TEST_CASE("PMP with no matching entry: M-mode succeeds, S and U fail") {
    PmpFixture p;
    for (AccessType type : {kFetch, kLoad, kStore}) {
        CHECK(p.allows(0x8000'0000, 4, type, kM));
        CHECK_FALSE(p.allows(0x8000'0000, 4, type, kS));
        CHECK_FALSE(p.allows(0x8000'0000, 4, type, kU));
    }
    // An entry elsewhere does not change that.
    p.set_pmp(0, kPmpNapot | kPmpR | kPmpW | kPmpX, napot(0x9000'0000, 0x1000));
    CHECK(p.allows(0x8000'0000, 4, kLoad, kM));
    CHECK_FALSE(p.allows(0x8000'0000, 4, kLoad, kS));
    CHECK(p.allows(0x9000'0000, 4, kLoad, kS));
}

TEST_CASE("PMP R/W/X select the access types") {
    PmpFixture p;
    const uint64_t base = 0x8000'0000;
    struct Case {
        uint8_t perms;
        bool fetch, load, store;
    };
    const Case cases[] = {
        {0, false, false, false},           {kPmpR, false, true, false},
        {kPmpR | kPmpW, false, true, true}, {kPmpX, true, false, false},
        {kPmpR | kPmpX, true, true, false}, {kPmpR | kPmpW | kPmpX, true, true, true},
    };
    for (const Case& c : cases) {
        CAPTURE(static_cast<int>(c.perms));
        p.set_pmp(3, kPmpNapot | c.perms, napot(base, 0x1000));
        for (uint8_t priv : {kS, kU}) {
            CHECK(p.allows(base + 0x10, 4, kFetch, priv) == c.fetch);
            CHECK(p.allows(base + 0x10, 4, kLoad, priv) == c.load);
            CHECK(p.allows(base + 0x10, 4, kStore, priv) == c.store);
        }
        // An unlocked entry does not bind M-mode.
        CHECK(p.allows(base + 0x10, 4, kStore, kM));
        CHECK(p.allows(base + 0x10, 4, kFetch, kM));
    }
}

TEST_CASE("PMP TOR ranges") {
    PmpFixture p;
    SUBCASE("entry i covers pmpaddr(i-1) <= a < pmpaddr(i)") {
        p.set_pmp(2, 0, 0x8000'1000 >> 2); // OFF, but still the bottom of entry 3
        p.set_pmp(3, kPmpTor | kPmpR, 0x8000'2000 >> 2);
        CHECK_FALSE(p.allows(0x8000'0ffc, 4, kLoad, kS));
        CHECK(p.allows(0x8000'1000, 4, kLoad, kS));
        CHECK(p.allows(0x8000'1ffc, 4, kLoad, kS));
        CHECK_FALSE(p.allows(0x8000'2000, 4, kLoad, kS));
        CHECK(p.allows(0x8000'1000, 0x1000, kLoad, kS)); // the whole range at once
    }
    SUBCASE("entry 0 uses 0 as its bottom") {
        p.set_pmp(0, kPmpTor | kPmpX, 0x1000 >> 2);
        CHECK(p.allows(0, 4, kFetch, kU));
        CHECK(p.allows(0xffc, 4, kFetch, kU));
        CHECK_FALSE(p.allows(0x1000, 4, kFetch, kU));
    }
    SUBCASE("a range with top <= bottom matches nothing") {
        p.set_pmp(4, kPmpNa4, 0x8000'2000 >> 2);
        p.set_pmp(5, kPmpTor | kPmpR | kPmpL, 0x8000'1000 >> 2);
        p.set_pmp(6, kPmpNapot | kPmpR | kPmpW, napot(0x8000'0000, 0x1'0000));
        // Entry 5 would deny M-mode stores if it matched: the store reaches entry 6.
        CHECK(p.allows(0x8000'1800, 4, kStore, kS));
        CHECK(p.allows(0x8000'1800, 4, kStore, kM));
        // Equal bounds: an access straddling that address does not partly match entry 5.
        p.set_pmp(4, 0, 0x8000'1000 >> 2); // OFF: only the bottom of entry 5
        CHECK(p.allows(0x8000'0ffc, 8, kStore, kS));
    }
}

TEST_CASE("PMP NA4 and NAPOT ranges") {
    PmpFixture p;
    SUBCASE("NA4 covers exactly four bytes") {
        p.set_pmp(1, kPmpNa4 | kPmpW, 0x8000'0104 >> 2);
        CHECK_FALSE(p.allows(0x8000'0100, 4, kStore, kS));
        CHECK(p.allows(0x8000'0104, 4, kStore, kS));
        CHECK(p.allows(0x8000'0106, 2, kStore, kS));
        CHECK_FALSE(p.allows(0x8000'0108, 1, kStore, kS));
    }
    SUBCASE("NAPOT: trailing ones give the size") {
        p.set_pmp(1, kPmpNapot | kPmpR, napot(0x8000'0000, 8)); // pmpaddr = ...0: 8 bytes
        CHECK(p.hart.state.csr.pmp.addr[1] == 0x2000'0000);
        CHECK(p.allows(0x8000'0000, 8, kLoad, kU));
        CHECK_FALSE(p.allows(0x8000'0008, 4, kLoad, kU));
        p.set_pmp(1, kPmpNapot | kPmpR, napot(0x8020'0000, 0x20'0000)); // 2 MiB
        CHECK(p.hart.state.csr.pmp.addr[1] == 0x2008'0000 + 0x3'ffff);
        CHECK_FALSE(p.allows(0x801f'fffc, 4, kLoad, kU));
        CHECK(p.allows(0x8020'0000, 4, kLoad, kU));
        CHECK(p.allows(0x803f'fffc, 4, kLoad, kU));
        CHECK_FALSE(p.allows(0x8040'0000, 4, kLoad, kU));
    }
    SUBCASE("NAPOT with all 54 address bits set covers the whole physical space") {
        p.set_pmp(1, kPmpNapot | kPmpR, (1ull << 54) - 1);
        CHECK(p.allows(0, 8, kLoad, kU));
        CHECK(p.allows(0x00ff'ffff'ffff'fff8, 8, kLoad, kU));
    }
}

TEST_CASE("PMP: the lowest-numbered matching entry decides") {
    PmpFixture p;
    p.set_pmp(1, kPmpNa4, 0x8000'0010 >> 2);                             // no access to one word
    p.set_pmp(2, kPmpNapot | kPmpR | kPmpW, napot(0x8000'0000, 0x1000)); // the page around it
    CHECK(p.allows(0x8000'000c, 4, kLoad, kS));
    CHECK_FALSE(p.allows(0x8000'0010, 4, kLoad, kS));
    CHECK(p.allows(0x8000'0014, 4, kLoad, kS));
    // Swapped priorities: the page entry wins and the word is accessible.
    p.set_pmp(0, kPmpNapot | kPmpR, napot(0x8000'0000, 0x1000));
    CHECK(p.allows(0x8000'0010, 4, kLoad, kS));
    CHECK_FALSE(p.allows(0x8000'0010, 4, kStore, kS)); // entry 0 has no W, entry 2 is not consulted
}

TEST_CASE("PMP: an access matched only partly by the deciding entry fails, even in M-mode") {
    PmpFixture p;
    p.set_pmp(1, kPmpNa4 | kPmpR | kPmpW | kPmpX, 0x8000'0010 >> 2);
    p.set_pmp(2, kPmpNapot | kPmpR | kPmpW | kPmpX, napot(0x8000'0000, 0x1000));
    CHECK(p.allows(0x8000'0010, 4, kLoad, kS));
    CHECK_FALSE(p.allows(0x8000'000c, 8, kLoad, kS)); // straddles entry 1's start
    CHECK_FALSE(p.allows(0x8000'0012, 4, kLoad, kS)); // straddles its end
    CHECK_FALSE(p.allows(0x8000'0010, 8, kLoad, kM));
    CHECK_FALSE(p.allows(0x8000'0ffc, 8, kStore, kS)); // straddles entry 2's end, nothing else matches
    CHECK(p.allows(0x8000'0018, 8, kStore, kS));
}

TEST_CASE("PMP: locked entries bind M-mode") {
    PmpFixture p;
    p.set_pmp(0, kPmpNapot | kPmpL | kPmpR | kPmpX, napot(0x8000'0000, 0x1'0000));
    CHECK(p.allows(0x8000'0100, 8, kLoad, kM));
    CHECK(p.allows(0x8000'0100, 4, kFetch, kM));
    CHECK_FALSE(p.allows(0x8000'0100, 8, kStore, kM));
    CHECK_FALSE(p.allows(0x8000'0100, 8, kStore, kS));
    CHECK(p.allows(0x8001'0000, 8, kStore, kM)); // outside it: no match, M succeeds
    p.set_pmp(0, kPmpNapot | kPmpL, napot(0x8000'0000, 0x1'0000));
    CHECK_FALSE(p.allows(0x8000'0100, 8, kLoad, kM));
    CHECK_FALSE(p.allows(0x8000'0100, 4, kFetch, kM));
}

TEST_CASE("PMP decides translate() results for M-mode physical accesses") {
    PmpFixture p;
    p.hart.state.priv = Privilege::Machine;
    p.set_pmp(0, kPmpNapot | kPmpL | kPmpR, napot(kRamBase, 0x1000));
    Translation t = translate(p.hart, kRamBase + 8, 8, kStore);
    CHECK_FALSE(t.ok);
    CHECK(t.fault == Exception::StoreAccessFault);
    t = translate(p.hart, kRamBase + 8, 4, kFetch);
    CHECK_FALSE(t.ok);
    CHECK(t.fault == Exception::InstructionAccessFault);
    t = translate(p.hart, kRamBase + 8, 8, kLoad);
    CHECK(t.ok);
    CHECK(t.paddr == kRamBase + 8);
}

TEST_CASE("PMP: the memo of the last decision agrees with a full check on random entries and accesses") {
    PmpFixture p;
    uint64_t seed = 0x9e37'79b9'7f4a'7c15;
    auto next = [&seed] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    // Addresses in a few clusters, so that consecutive accesses hit the memo's range and leave it.
    const uint64_t bases[] = {0, 0x200'0000, 0x8000'0000, 0x8004'0000, 0x8020'0000, ~0ull - 0xffff};
    unsigned warm = 0; // checks made with the previous access's decision in the memo
    for (int config = 0; config < 200; ++config) {
        for (unsigned i = 0; i < 6; ++i) {
            const uint64_t r = next();
            const uint8_t mode = static_cast<uint8_t>((r & 3) << 3);
            const uint8_t perms = static_cast<uint8_t>((r >> 2) & 7) | ((r >> 5) % 8 == 0 ? kPmpL : 0);
            const uint64_t base = bases[(r >> 8) % 6] + ((r >> 16) & 0xff'fff0);
            const uint64_t addr = mode == kPmpNapot ? napot(base & ~0xfffull, 0x1000ull << ((r >> 40) % 8))
                                                    : (base >> 2);
            p.set_pmp(i, mode | perms, addr);
        }
        for (int access = 0; access < 200; ++access) {
            const uint64_t r = next();
            const uint64_t paddr = bases[r % 6] + ((r >> 8) & 0x1f'ffff);
            const unsigned size = 1u << ((r >> 32) % 4);
            const AccessType type = (r >> 40) % 3 == 0 ? kFetch : (r >> 40) % 3 == 1 ? kLoad : kStore;
            const uint8_t priv = (r >> 44) % 3 == 0 ? kM : (r >> 44) % 3 == 1 ? kS : kU;
            const bool memo_valid = p.hart.pmp_memo.valid;
            const bool with_memo = p.allows(paddr, size, type, priv);
            p.hart.pmp_memo.valid = false;
            const bool full = p.allows(paddr, size, type, priv);
            warm += memo_valid;
            REQUIRE_MESSAGE(with_memo == full, "config " << config << " paddr 0x" << std::hex << paddr);
        }
    }
    CHECK(warm > 10'000);
}
