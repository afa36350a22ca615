#pragma once
// Sv39/Sv48 page-table walk (privileged spec 4.3.2 and 4.4): steps 1-6 find and
// check the leaf PTE; step 7 (hardware A/D update) is a separate call so the
// caller can check the final access against PMP first.
#include <cstdint>

#include "cpu/hart_state.hpp"
#include "cpu/tlb.hpp"
#include "cpu/trap.hpp"

namespace tern {

class Hart;

// Page-table entry bits (4.3.1, figure "Sv39 page table entry").
namespace pte_bits {
inline constexpr uint64_t kV = 1, kR = 2, kW = 4, kX = 8, kU = 16, kG = 32, kA = 64, kD = 128;
inline constexpr unsigned kPpnShift = 10;
inline constexpr uint64_t kPpnMask = (1ull << 44) - 1;
// Bits 63:54: N (Svnapot), PBMT (Svpbmt) and reserved bits; we implement neither extension.
inline constexpr uint64_t kReserved = ~0ull << 54;
} // namespace pte_bits

// The exceptions a failed translation raises, by access type (3.1.15; AMOs are stores).
inline constexpr Exception page_fault(AccessType type) {
    constexpr Exception kCause[] = {Exception::InstructionPageFault, Exception::LoadPageFault,
                                    Exception::StorePageFault};
    return kCause[static_cast<unsigned>(type)];
}
inline constexpr Exception access_fault(AccessType type) {
    constexpr Exception kCause[] = {Exception::InstructionAccessFault, Exception::LoadAccessFault,
                                    Exception::StoreAccessFault};
    return kCause[static_cast<unsigned>(type)];
}

// Page-table levels of satp.MODE: 3 for Sv39, 4 for Sv48, 0 for Bare (and for
// any other value, which the satp WARL rules never let through).
unsigned paging_levels(uint64_t satp);

struct PageWalk {
    bool ok = false;
    Exception fault = Exception::LoadPageFault; // when !ok
    uint64_t paddr = 0;                         // translated physical address
    uint64_t pte = 0;                           // the leaf PTE as read
    uint64_t pte_paddr = 0;                     // physical address of the leaf PTE
};

// Walks the page table of `satp` (with `levels` levels) for `vaddr`, checking
// canonical form, PTE validity, R/W/X/U against `priv`, SUM and MXR from
// `mstatus`, and superpage alignment. PTE reads are S-mode implicit loads:
// they must be RAM and pass PMP, or the walk fails with an access fault.
PageWalk sv_walk(Hart& hart, uint64_t satp, unsigned levels, uint64_t vaddr, AccessType type, Privilege priv,
                 uint64_t mstatus);

enum class AccessedDirty : uint8_t { Set, PteChanged, AccessFault };

// Step 7: sets A (and D for stores) in the leaf PTE with a compare-and-swap
// against walk.pte, updating walk.pte. PteChanged: another agent modified the
// PTE since it was read, so the walk must be redone. AccessFault: PMP forbids
// the PTE store.
AccessedDirty set_accessed_dirty(Hart& hart, PageWalk& walk, AccessType type);

} // namespace tern
