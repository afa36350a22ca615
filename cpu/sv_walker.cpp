#include "cpu/sv_walker.hpp"

#include <atomic>

#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"
#include "cpu/mmu.hpp"

namespace tern {

namespace {

using namespace pte_bits;

constexpr unsigned kVpnBits = 9; // 512 PTEs of 8 bytes per 4 KiB table
constexpr uint64_t kPteSize = 8;

// Harts walk tables that other harts may be updating: PTEs are read and
// updated as single 64-bit atomic accesses on the guest RAM.
std::atomic_ref<uint64_t> pte_at(Ram& ram, uint64_t pte_paddr) {
    return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(ram.host(pte_paddr)));
}

// A PTE read or A/D update is an implicit S-mode access (3.7.1) to RAM.
bool pte_accessible(Hart& hart, uint64_t pte_paddr, AccessType type) {
    return hart.bus.ram().contains(pte_paddr, kPteSize) &&
           pmp_allows(hart, pte_paddr, kPteSize, type, static_cast<uint8_t>(Privilege::Supervisor));
}

// Step 5: R/W/X against the access type (MXR makes executable pages readable),
// U against the privilege (S touches U pages only for loads/stores under SUM).
bool leaf_permits(uint64_t pte, AccessType type, Privilege priv, uint64_t mstatus) {
    switch (type) {
    case AccessType::Fetch:
        if (!(pte & kX)) return false;
        break;
    case AccessType::Load:
        if (!(pte & kR) && !((mstatus & csr_bits::kMXR) && (pte & kX))) return false;
        break;
    case AccessType::Store:
        if (!(pte & kW)) return false;
        break;
    }
    if (priv == Privilege::User) return pte & kU;
    return !(pte & kU) || (type != AccessType::Fetch && (mstatus & csr_bits::kSUM));
}

} // namespace

unsigned paging_levels(uint64_t satp) {
    switch (satp >> csr_bits::kSatpModeShift) {
    case csr_bits::kSatpModeSv39: return 3;
    case csr_bits::kSatpModeSv48: return 4;
    default: return 0;
    }
}

PageWalk sv_walk(Hart& hart, uint64_t satp, unsigned levels, uint64_t vaddr, AccessType type, Privilege priv,
                 uint64_t mstatus) {
    PageWalk walk;
    walk.fault = page_fault(type);
    // 4.3.1: bits 63..VA_BITS must all equal bit VA_BITS-1.
    const unsigned unused_bits = 64 - (Tlb::kPageBits + kVpnBits * levels);
    if (static_cast<uint64_t>(static_cast<int64_t>(vaddr << unused_bits) >> unused_bits) != vaddr)
        return walk;

    Ram& ram = hart.bus.ram();
    uint64_t table = (satp & csr_bits::kSatpPpnMask) << Tlb::kPageBits;
    for (unsigned i = levels; i-- > 0;) {
        const unsigned shift = Tlb::kPageBits + kVpnBits * i;
        const uint64_t pte_paddr = table + ((vaddr >> shift) & ((1u << kVpnBits) - 1)) * kPteSize;
        if (!pte_accessible(hart, pte_paddr, AccessType::Load)) {
            walk.fault = access_fault(type);
            return walk;
        }
        const uint64_t pte = pte_at(ram, pte_paddr).load(std::memory_order_acquire);
        if (!(pte & kV) || (pte & (kR | kW)) == kW || (pte & kReserved)) return walk;
        const uint64_t ppn_base = ((pte >> kPpnShift) & kPpnMask) << Tlb::kPageBits;
        if (!(pte & (kR | kX))) { // pointer to the next level; none below level 0
            table = ppn_base;
            continue;
        }
        if (!leaf_permits(pte, type, priv, mstatus)) return walk;
        // Step 6: a level-i leaf maps a 2^shift-byte superpage, whose low PPN bits must be zero.
        const uint64_t offset_mask = (1ull << shift) - 1;
        if (ppn_base & offset_mask) return walk;
        walk.ok = true;
        walk.paddr = ppn_base | (vaddr & offset_mask);
        walk.pte = pte;
        walk.pte_paddr = pte_paddr;
        return walk;
    }
    return walk;
}

AccessedDirty set_accessed_dirty(Hart& hart, PageWalk& walk, AccessType type) {
    const uint64_t wanted = type == AccessType::Store ? kA | kD : kA;
    if ((walk.pte & wanted) == wanted) return AccessedDirty::Set;
    if (!pte_accessible(hart, walk.pte_paddr, AccessType::Store)) return AccessedDirty::AccessFault;
    // A store like any other: it ends other harts' reservations of the PTE,
    // so their LR/SC updates of it cannot overwrite the bits set here.
    uint64_t expected = walk.pte;
    bool swapped;
    hart.bus.reservations.store(&hart.store_window, walk.pte_paddr, kPteSize, [&] {
        swapped = pte_at(hart.bus.ram(), walk.pte_paddr)
                      .compare_exchange_strong(expected, walk.pte | wanted, std::memory_order_acq_rel);
    });
    if (!swapped) return AccessedDirty::PteChanged;
    walk.pte |= wanted;
    hart.bus.notify_store(walk.pte_paddr, kPteSize, hart.id()); // e.g. code cached on a page-table page
    return AccessedDirty::Set;
}

} // namespace tern
