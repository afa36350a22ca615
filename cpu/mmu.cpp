// translate(): effective privilege, page walk, PMP check of the final access,
// A/D update and TLB refill (privileged spec 3.1.6.3, 3.7, 4.3-4.4).
#include "cpu/mmu.hpp"

#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"
#include "cpu/sv_walker.hpp"

namespace tern {

namespace {

// 3.1.6.3: with MPRV set, M-mode loads and stores use the privilege in MPP; fetches never do.
Privilege effective_privilege(const HartState& state, AccessType type) {
    const uint64_t mstatus = state.csr.mstatus;
    if (type != AccessType::Fetch && state.priv == Privilege::Machine && (mstatus & csr_bits::kMPRV))
        return static_cast<Privilege>((mstatus & csr_bits::kMPP) >> csr_bits::kMPPShift);
    return state.priv;
}

Translation fault(Exception cause) { return {false, 0, cause}; }

} // namespace

Translation translate(Hart& hart, uint64_t vaddr, unsigned size, AccessType type) {
    const Privilege priv = effective_privilege(hart.state, type);
    const uint8_t pmp_priv = static_cast<uint8_t>(priv);
    const uint64_t satp = hart.state.csr.satp;
    // M-mode is never translated (4.1.11); Bare means physical = virtual.
    const unsigned levels = priv == Privilege::Machine ? 0 : paging_levels(satp);
    for (;;) {
        PageWalk walk;
        walk.paddr = vaddr;
        if (levels) {
            walk = sv_walk(hart, satp, levels, vaddr, type, priv, hart.state.csr.mstatus);
            if (!walk.ok) return fault(walk.fault);
        }
        // The final access is checked before A/D are set, so D is only ever set
        // for a store that is performed (Svadu: D updates must be exact). A page
        // that one entry allows entirely lets the fast path skip PMP; then the
        // access, lying inside it, is allowed too.
        const uint64_t page = walk.paddr & ~(Tlb::kPageSize - 1);
        const bool page_allowed = pmp_allows(hart, page, Tlb::kPageSize, type, pmp_priv);
        if (!page_allowed && !pmp_allows(hart, walk.paddr, size, type, pmp_priv))
            return fault(access_fault(type));
        if (levels) {
            const AccessedDirty ad = set_accessed_dirty(hart, walk, type);
            if (ad == AccessedDirty::PteChanged) continue; // 4.3.2 step 7: redo the walk
            if (ad == AccessedDirty::AccessFault) return fault(access_fault(type));
        }

        // Superpages refill per 4 KiB page. The fast path may touch the page
        // directly when it is all RAM and PMP allows all of it; for stores also
        // no device or code cache may watch it. (Store entries always map dirty
        // pages: a successful store translation has set D.)
        TlbEntry& e = hart.tlb.of(type)[Tlb::index(vaddr)];
        const bool direct = page_allowed && hart.bus.ram().contains(page, Tlb::kPageSize) &&
                            (type != AccessType::Store || !hart.bus.page_flags(page)) &&
                            !(hart.watchpoints && hart.watchpoints->watches_page(vaddr, page));
        e.tag = direct ? vaddr >> Tlb::kPageBits : TlbEntry::kInvalidTag;
        e.paddr_page = page;
        e.host = direct ? hart.bus.ram().host(page) : nullptr;
        e.addend = direct ? reinterpret_cast<uintptr_t>(e.host) - (vaddr & ~(Tlb::kPageSize - 1)) : 0;
        return {true, walk.paddr, Exception::LoadAccessFault};
    }
}

} // namespace tern
