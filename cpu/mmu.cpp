// PLACEHOLDER: bare (untranslated) physical access until the MMU work lands.
#include "cpu/mmu.hpp"

#include "cpu/hart.hpp"

namespace tern {

Translation translate(Hart& hart, uint64_t vaddr, unsigned, AccessType type) {
    TlbEntry& e = hart.tlb.of(type)[Tlb::index(vaddr)];
    e.tag = vaddr >> Tlb::kPageBits;
    e.paddr_page = vaddr & ~(Tlb::kPageSize - 1);
    uint8_t* host = hart.bus.ram_pointer(e.paddr_page);
    e.host = (type == AccessType::Store && hart.bus.page_flags(e.paddr_page)) ? nullptr : host;
    return {true, vaddr, Exception::LoadAccessFault};
}

bool pmp_allows(const Hart&, uint64_t, unsigned, AccessType, uint8_t) { return true; }

} // namespace tern
