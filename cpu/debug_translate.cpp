#include "cpu/debug_translate.hpp"

#include "core/ram_access.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"
#include "cpu/sv_walker.hpp"

namespace tern {

std::optional<uint64_t> debug_translate(const Hart& hart, uint64_t vaddr) {
    using namespace pte_bits;
    const uint64_t satp = hart.state.csr.satp;
    const unsigned levels = hart.state.priv == Privilege::Machine ? 0 : paging_levels(satp);
    if (levels == 0) return vaddr;
    constexpr unsigned kVpnBits = 9;
    // 4.3.1: bits 63..VA_BITS equal bit VA_BITS-1.
    const unsigned unused_bits = 64 - (Tlb::kPageBits + kVpnBits * levels);
    if (static_cast<uint64_t>(static_cast<int64_t>(vaddr << unused_bits) >> unused_bits) != vaddr)
        return std::nullopt;
    Ram& ram = hart.bus.ram();
    uint64_t table = (satp & csr_bits::kSatpPpnMask) << Tlb::kPageBits;
    for (unsigned i = levels; i-- > 0;) {
        const unsigned shift = Tlb::kPageBits + kVpnBits * i;
        const uint64_t pte_paddr = table + ((vaddr >> shift) & ((1u << kVpnBits) - 1)) * 8;
        if (!ram.contains(pte_paddr, 8)) return std::nullopt;
        const uint64_t pte = ram_access::read(ram.host(pte_paddr), 8);
        if (!(pte & kV) || (pte & (kR | kW)) == kW || (pte & kReserved)) return std::nullopt;
        const uint64_t ppn_base = ((pte >> kPpnShift) & kPpnMask) << Tlb::kPageBits;
        if (!(pte & (kR | kX))) {
            table = ppn_base;
            continue;
        }
        const uint64_t offset_mask = (1ull << shift) - 1;
        if (ppn_base & offset_mask) return std::nullopt; // a misaligned superpage
        return ppn_base | (vaddr & offset_mask);
    }
    return std::nullopt; // a pointer PTE at level 0
}

} // namespace tern
