// Physical memory protection (privileged spec 3.7): 16 entries, 4-byte grain.
#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>

#include "cpu/hart.hpp"
#include "cpu/mmu.hpp"

namespace tern {

namespace {

// pmpNcfg fields (3.7.1, figure "PMP configuration register format").
constexpr uint8_t kPmpR = 1, kPmpW = 2, kPmpX = 4, kPmpL = 0x80;
constexpr unsigned kPmpAShift = 3;
constexpr uint8_t kPmpA = 3 << kPmpAShift;
enum PmpAddressMatching : uint8_t { kPmpOff = 0, kPmpTor = 1, kPmpNa4 = 2, kPmpNapot = 3 };
// pmpaddrN holds physical address bits 55:2 on RV64.
constexpr uint64_t kPmpAddrMask = (1ull << 54) - 1;

constexpr uint8_t required_permission(AccessType type) {
    return type == AccessType::Fetch ? kPmpX : type == AccessType::Load ? kPmpR : kPmpW;
}

// One bit per entry whose A field is not OFF (most of the 16 usually are), so
// the search below skips OFF entries; computed eight cfg bytes at a time since
// this runs for every PTE read and TLB refill. Assumes a little-endian host.
uint32_t active_entries(const PmpState& pmp) {
    uint32_t active = 0;
    for (unsigned half = 0; half < 2; ++half) {
        uint64_t cfgs;
        std::memcpy(&cfgs, pmp.cfg.data() + 8 * half, 8);
        // Bit 0 of byte i: A(i) != OFF.
        const uint64_t on = ((cfgs | cfgs >> 1) >> kPmpAShift) & 0x0101'0101'0101'0101;
        // The multiply moves bit 0 of byte i to bit 56 + i, without carries.
        active |= static_cast<uint32_t>((on * 0x0102'0408'1020'4080) >> 56) << (8 * half);
    }
    return active;
}

// The entry that decides [paddr, last] and the range around it where it decides
// every access, or nullopt when the deciding entry matches only part of the access.
std::optional<PmpMemo> decide(const PmpState& pmp, uint64_t paddr, uint64_t last) {
    PmpMemo d;
    d.first = 0;
    d.last = ~0ull;
    for (uint32_t active = active_entries(pmp); active; active &= active - 1) {
        const unsigned i = static_cast<unsigned>(std::countr_zero(active));
        const uint8_t cfg = pmp.cfg[i];
        const uint64_t addr = pmp.addr[i] & kPmpAddrMask;
        uint64_t lo, hi; // the entry matches bytes in [lo, hi)
        switch ((cfg & kPmpA) >> kPmpAShift) {
        case kPmpTor: // pmpaddr(i-1) <= y < pmpaddr(i); entry 0 uses 0 as its bottom
            lo = i ? (pmp.addr[i - 1] & kPmpAddrMask) << 2 : 0;
            hi = addr << 2;
            break;
        case kPmpNa4:
            lo = addr << 2;
            hi = lo + 4;
            break;
        default: { // kPmpNapot: t trailing ones encode a 2^(t+3)-byte region (at most 2^57 bytes)
            const unsigned t = static_cast<unsigned>(std::countr_one(addr));
            lo = (addr & ~((1ull << t) - 1)) << 2;
            hi = lo + (8ull << t);
            break;
        }
        }
        if (lo >= hi) continue;         // matches nothing
        if (paddr >= hi || last < lo) { // matches no byte of the access: keep the range clear of it
            if (hi <= paddr)
                d.first = std::max(d.first, hi);
            else
                d.last = std::min(d.last, lo - 1);
            continue;
        }
        // The lowest-numbered entry matching any byte decides, and it must match them all.
        if (paddr < lo || last >= hi) return std::nullopt;
        d.matched = true;
        d.cfg = cfg;
        d.first = std::max(d.first, lo);
        d.last = std::min(d.last, hi - 1);
        return d;
    }
    return d;
}

} // namespace

bool pmp_allows(const Hart& hart, uint64_t paddr, unsigned size, AccessType type, uint8_t privilege) {
    const PmpState& pmp = hart.state.csr.pmp;
    const bool machine = privilege == static_cast<uint8_t>(Privilege::Machine);
    // The access covers [paddr, last]; using the last byte keeps the bounds free of overflow.
    const uint64_t last = paddr + size - 1;
    PmpMemo& memo = hart.pmp_memo;
    const bool hit = memo.valid && paddr >= memo.first && last <= memo.last &&
                     std::memcmp(&memo.pmp, &pmp, sizeof pmp) == 0;
    if (!hit) {
        const std::optional<PmpMemo> decision = decide(pmp, paddr, last);
        if (!decision) return false; // matched only in part
        memo = *decision;
        memo.pmp = pmp;
        memo.valid = true;
    }
    // No match: M-mode succeeds; S and U fail because entries are implemented.
    if (!memo.matched) return machine;
    // Unlocked entries do not bind M-mode; locked ones bind every privilege.
    if (machine && !(memo.cfg & kPmpL)) return true;
    return memo.cfg & required_permission(type);
}

} // namespace tern
