#pragma once
// Debugger watchpoints (the machine's debug interface; GDB's Z2/Z3/Z4, the debugger window's data
// breakpoints). A hart with watchpoints keeps every watched page off its TLB's fast path, so each
// access to one reaches Hart::access_slow (or atomic_pointer), which asks matches() and records a hit;
// the debug run loop stops after the instruction, as GDB expects of a watchpoint.
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

#include "cpu/tlb.hpp"

namespace tern {

struct Watchpoint {
    uint64_t address = 0;
    uint64_t length = 1;
    bool read = false, write = true;
    bool physical = false; // else virtual: the address the hart's instructions use
    bool operator==(const Watchpoint&) const = default;
};

struct WatchHit {
    Watchpoint watchpoint;
    uint64_t address; // the access's (virtual, or physical for a physical watchpoint) address
    bool write;
};

class Watchpoints {
  public:
    // At most this many bytes per watchpoint (each watched page is kept in a set).
    static constexpr uint64_t kMaxLength = 1 << 20;
    // False (and nothing added) for an empty or too long range.
    bool add(const Watchpoint& w);
    // False when no such watchpoint was set.
    bool remove(const Watchpoint& w);
    bool empty() const { return list_.empty(); }
    const std::vector<Watchpoint>& list() const { return list_; }

    // Whether an access to this virtual page, mapped to this physical page, must take the slow path.
    bool watches_page(uint64_t vpage, uint64_t ppage) const {
        return vpages_.count(vpage >> Tlb::kPageBits) || ppages_.count(ppage >> Tlb::kPageBits);
    }
    // The watchpoint an access of `size` bytes at `vaddr` (physical `paddr`) triggers, if any.
    std::optional<WatchHit> matches(uint64_t vaddr, uint64_t paddr, unsigned size, bool write) const;

  private:
    void rebuild_pages();
    std::vector<Watchpoint> list_;
    std::unordered_set<uint64_t> vpages_, ppages_; // page numbers any watchpoint touches
};

} // namespace tern
