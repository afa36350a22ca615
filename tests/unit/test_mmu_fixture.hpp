#pragma once
// A hart on 4 MiB of RAM at 0x8000_0000 with helpers to build Sv39/Sv48 page
// tables and PMP entries, for the MMU and PMP tests.
#include <cstdint>
#include <cstring>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "cpu/code_cache.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"
#include "cpu/mmu.hpp"
#include "cpu/sv_walker.hpp"

namespace tern::test {

inline constexpr uint64_t kRamBase = 0x8000'0000;
inline constexpr uint64_t kRamSize = 4 << 20;

// pmpNcfg bytes (privileged spec 3.7.1).
inline constexpr uint8_t kPmpR = 1, kPmpW = 2, kPmpX = 4, kPmpL = 0x80;
inline constexpr uint8_t kPmpTor = 1 << 3, kPmpNa4 = 2 << 3, kPmpNapot = 3 << 3;

// pmpaddr value of a naturally aligned power-of-two region of at least 8 bytes.
constexpr uint64_t napot(uint64_t base, uint64_t size) { return (base >> 2) | ((size >> 3) - 1); }

struct MmuFixture {
    Ram ram{kRamBase, kRamSize};
    Bus bus{ram};
    CodeCache cache{bus};
    MachineClock clock;
    Hart hart{0, bus, cache, clock};
    // Page-table pages come from the second MiB; data pages live from 2 MiB up.
    uint64_t next_table = kRamBase + 0x10'0000;
    uint64_t root = 0;
    unsigned levels = 0;

    MmuFixture() {
        // S and U fail without a matching PMP entry: let entry 15 allow everything.
        set_pmp(15, kPmpNapot | kPmpR | kPmpW | kPmpX, (1ull << 54) - 1);
    }

    void set_pmp(unsigned i, uint8_t cfg, uint64_t addr) {
        hart.state.csr.pmp.cfg[i] = cfg;
        hart.state.csr.pmp.addr[i] = addr;
    }

    // Switches to S-mode with paging of `mode` (Sv39 or Sv48) on a fresh root table.
    void enable_paging(uint64_t mode) {
        levels = mode == csr_bits::kSatpModeSv39 ? 3 : 4;
        root = new_table();
        hart.state.csr.satp = mode << csr_bits::kSatpModeShift | root >> 12;
        hart.state.priv = Privilege::Supervisor;
    }

    uint64_t new_table() {
        uint64_t t = next_table;
        next_table += 4096;
        std::memset(ram.host(t), 0, 4096);
        return t;
    }

    uint64_t read_pte(uint64_t paddr) {
        uint64_t pte;
        std::memcpy(&pte, ram.host(paddr), 8);
        return pte;
    }
    void write_pte(uint64_t paddr, uint64_t pte) { std::memcpy(ram.host(paddr), &pte, 8); }

    static uint64_t pte_of(uint64_t paddr, uint64_t flags) { return (paddr >> 12) << 10 | flags; }

    // Address of the PTE for `vaddr` at `level` (0 = 4 KiB leaves), creating
    // the pointer PTEs above it as needed.
    uint64_t pte_address(uint64_t vaddr, unsigned level) {
        uint64_t table = root;
        for (unsigned i = levels - 1;; --i) {
            const uint64_t slot = table + ((vaddr >> (12 + 9 * i)) & 511) * 8;
            if (i == level) return slot;
            uint64_t pte = read_pte(slot);
            if (!(pte & pte_bits::kV)) {
                pte = pte_of(new_table(), pte_bits::kV);
                write_pte(slot, pte);
            }
            table = (pte >> 10) << 12;
        }
    }

    // Maps the page (or level-`level` superpage) at vaddr to paddr; returns the leaf PTE's address.
    uint64_t map(uint64_t vaddr, uint64_t paddr, uint64_t flags, unsigned level = 0) {
        const uint64_t slot = pte_address(vaddr, level);
        write_pte(slot, pte_of(paddr, flags));
        return slot;
    }

    Translation translate(uint64_t vaddr, AccessType type, unsigned size = 8) {
        return tern::translate(hart, vaddr, size, type);
    }
    const TlbEntry& tlb_entry(uint64_t vaddr, AccessType type) {
        return hart.tlb.of(type)[Tlb::index(vaddr)];
    }
};

} // namespace tern::test
