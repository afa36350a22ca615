#include "cpu/watchpoints.hpp"

#include <algorithm>

namespace tern {

bool Watchpoints::add(const Watchpoint& w) {
    if (w.length == 0 || w.length > kMaxLength) return false;
    list_.push_back(w);
    rebuild_pages();
    return true;
}

bool Watchpoints::remove(const Watchpoint& w) {
    auto it = std::find(list_.begin(), list_.end(), w);
    if (it == list_.end()) return false;
    list_.erase(it);
    rebuild_pages();
    return true;
}

void Watchpoints::rebuild_pages() {
    vpages_.clear();
    ppages_.clear();
    for (const Watchpoint& w : list_) {
        const uint64_t last = w.address + (w.length - 1); // wraps past 2^64 - 1 like the hardware's addresses
        constexpr uint64_t kPageNumbers = ~0ull >> Tlb::kPageBits; // page numbers wrap with the addresses
        for (uint64_t page = w.address >> Tlb::kPageBits;; page = (page + 1) & kPageNumbers) {
            (w.physical ? ppages_ : vpages_).insert(page);
            if (page == last >> Tlb::kPageBits) break;
        }
    }
}

std::optional<WatchHit> Watchpoints::matches(uint64_t vaddr, uint64_t paddr, unsigned size, bool write) const {
    for (const Watchpoint& w : list_) {
        if (!(write ? w.write : w.read)) continue;
        const uint64_t at = w.physical ? paddr : vaddr;
        // [at, at + size) overlaps [address, address + length), without overflow.
        if (at - w.address < w.length || w.address - at < size) return WatchHit{w, at, write};
    }
    return std::nullopt;
}

} // namespace tern
