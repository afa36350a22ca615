#include "cpu/debug_access.hpp"

#include <cstring>

#include "core/ram_access.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"
#include "cpu/sv_walker.hpp"

namespace tern {

namespace {
using namespace csr_bits;
using namespace pte_bits;

// The page-table walk of sv_walker.cpp without its permission checks, A/D updates or PMP: which
// physical address the tables map `vaddr` to, and the PTEs on the way.
DebugTranslation walk(const Hart& hart, uint64_t satp, unsigned levels, uint64_t vaddr) {
    DebugTranslation t;
    const Ram& ram = const_cast<Hart&>(hart).bus.ram();
    const unsigned va_bits = 12 + 9 * levels;
    // Canonical: bits above the top VPN bit copy it (4.3.1, 4.4.1).
    const int64_t shifted = static_cast<int64_t>(vaddr << (64 - va_bits)) >> (64 - va_bits);
    if (static_cast<uint64_t>(shifted) != vaddr) return t;
    uint64_t table = (satp & ((1ull << 44) - 1)) << 12;
    for (int level = static_cast<int>(levels) - 1; level >= 0; --level) {
        const uint64_t index = (vaddr >> (12 + 9 * level)) & 0x1ff;
        const uint64_t pte_paddr = table + index * 8;
        if (!ram.contains(pte_paddr, 8)) return t;
        const uint64_t pte = ram_access::load<uint64_t>(const_cast<Ram&>(ram).host(pte_paddr));
        t.walk.push_back({static_cast<unsigned>(level), pte_paddr, pte});
        if (!(pte & kV) || (!(pte & kR) && (pte & kW)) || (pte & kReserved)) return t;
        const uint64_t ppn = (pte >> kPpnShift) & kPpnMask;
        if (pte & (kR | kX)) { // a leaf: a superpage keeps the low VPN bits of the address
            const uint64_t span = 12 + 9 * static_cast<unsigned>(level);
            if (ppn & ((1ull << (span - 12)) - 1)) return t; // misaligned superpage
            t.ok = true;
            t.paddr = (ppn << 12) | (vaddr & ((1ull << span) - 1));
            return t;
        }
        table = ppn << 12;
    }
    return t;
}

} // namespace

DebugTranslation debug_translate(const Hart& hart, uint64_t vaddr, AccessType type) {
    const CsrState& csr = hart.state.csr;
    Privilege priv = hart.state.priv;
    if (type != AccessType::Fetch && (csr.mstatus & kMPRV)) priv = static_cast<Privilege>((csr.mstatus & kMPP) >> kMPPShift);
    const unsigned levels = priv == Privilege::Machine ? 0 : paging_levels(csr.satp);
    if (levels == 0) return {true, vaddr, {}};
    return walk(hart, csr.satp, levels, vaddr);
}

namespace {
// Calls piece(paddr, offset, length) for each page-sized piece of [address, address + size), once all
// of them translated to RAM; false (and no call) otherwise.
template <class Piece> bool for_each_piece(const Hart& hart, uint64_t address, size_t size, bool physical, Piece piece) {
    struct Span {
        uint64_t paddr;
        size_t offset, length;
    };
    std::vector<Span> spans;
    for (size_t done = 0; done < size;) {
        const uint64_t at = address + done;
        const size_t length = std::min<size_t>(size - done, Tlb::kPageSize - (at & (Tlb::kPageSize - 1)));
        uint64_t paddr = at;
        if (!physical) {
            const DebugTranslation t = debug_translate(hart, at);
            if (!t.ok) return false;
            paddr = t.paddr;
        }
        if (!const_cast<Hart&>(hart).bus.ram().contains(paddr, length)) return false;
        spans.push_back({paddr, done, length});
        done += length;
    }
    for (const Span& s : spans)
        piece(s.paddr, s.offset, s.length);
    return true;
}
} // namespace

bool debug_read(const Hart& hart, uint64_t address, std::span<uint8_t> out, bool physical) {
    Ram& ram = const_cast<Hart&>(hart).bus.ram();
    return for_each_piece(hart, address, out.size(), physical, [&](uint64_t paddr, size_t offset, size_t length) {
        for (size_t i = 0; i < length; ++i)
            out[offset + i] = static_cast<uint8_t>(ram_access::read(ram.host(paddr + i), 1));
    });
}

bool debug_write(Hart& hart, uint64_t address, std::span<const uint8_t> in, bool physical) {
    return for_each_piece(hart, address, in.size(), physical, [&](uint64_t paddr, size_t offset, size_t length) {
        hart.bus.reservations.store_breaking(paddr, length, [&] {
            for (size_t i = 0; i < length; ++i)
                ram_access::write(hart.bus.ram().host(paddr + i), 1, in[offset + i]);
        });
        hart.bus.notify_store(paddr, static_cast<unsigned>(length), -1);
    });
}

} // namespace tern
