#pragma once
// Translation for a debugger (the GDB stub's memory access): where a virtual address of a stopped
// hart leads, with no effect on the machine. Unlike translate() (cpu/mmu.hpp) it sets no A/D bits,
// refills no TLB entry and raises nothing; it ignores PMP and the leaf's R/W/X/U permissions (the
// debugger may look at what the code it stopped in may not), but a walk that meets an invalid or
// reserved PTE, a misaligned superpage, a non-canonical address or a table outside RAM fails, as
// the hardware's would.
#include <cstdint>
#include <optional>

namespace tern {

class Hart;

// The physical address of `vaddr` as the hart's instruction fetches see it now: its privilege
// (M-mode untranslated; MPRV ignored, so a debugger in M-mode code reads that code's own memory)
// and its satp. nullopt when nothing is mapped there.
std::optional<uint64_t> debug_translate(const Hart& hart, uint64_t vaddr);

} // namespace tern
