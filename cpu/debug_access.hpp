#pragma once
// A debugger's view of a hart's memory (the GDB stub, the debugger window): virtual addresses are
// translated through the hart's current satp and privilege without side effects (no A/D updates, no
// TLB refill, no trap, no PMP: the debugger sees what the page tables map), and only RAM is read or
// written (a device register's read has side effects; the debugger never makes one).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cpu/tlb.hpp"

namespace tern {

class Hart;

// One step of a page walk, for showing it: the PTE read at each level.
struct DebugWalkStep {
    unsigned level;
    uint64_t pte_paddr;
    uint64_t pte;
};

struct DebugTranslation {
    bool ok = false;
    uint64_t paddr = 0;
    std::vector<DebugWalkStep> walk; // empty when translation is off (Bare, M-mode)
};

// Translates `vaddr` as the hart's instructions would see it now (loads: MPRV applies).
DebugTranslation debug_translate(const Hart& hart, uint64_t vaddr, AccessType type = AccessType::Load);

// Reads or writes RAM at `address` (virtual unless `physical`), page by page; false, with nothing
// written, when any byte is unmapped or not RAM. Writes end the reservations they overlap and
// invalidate code decoded from the pages (at each hart's next block boundary).
bool debug_read(const Hart& hart, uint64_t address, std::span<uint8_t> out, bool physical);
bool debug_write(Hart& hart, uint64_t address, std::span<const uint8_t> in, bool physical);

} // namespace tern
