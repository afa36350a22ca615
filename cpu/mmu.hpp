#pragma once
// Virtual-to-physical translation: Sv39/Sv48 page walks with hardware A/D
// updates, PMP checks and TLB refills (privileged spec, 4.3-4.4 and 3.7).
#include <cstdint>

#include "cpu/tlb.hpp"
#include "cpu/trap.hpp"

namespace tern {

class Hart;

struct Translation {
    bool ok = false;
    uint64_t paddr = 0;
    Exception fault = Exception::LoadAccessFault; // when !ok: the exception to raise (tval = vaddr)
};

// Translates `vaddr` for an access of `size` bytes (within one page) by `hart`,
// honouring the effective privilege (MPRV/MPP for loads and stores), SUM, MXR,
// satp and PMP. On success also refills hart.tlb for the page; the refill gets
// a host pointer only when the whole page is RAM with uniform PMP permission and,
// for stores, carries no page flags and has its PTE's D bit set.
Translation translate(Hart& hart, uint64_t vaddr, unsigned size, AccessType type);

// PMP check of a physical access (privileged spec 3.7.1); also used for the walker's PTE reads.
bool pmp_allows(const Hart& hart, uint64_t paddr, unsigned size, AccessType type, uint8_t privilege);

} // namespace tern
