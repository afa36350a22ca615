#pragma once
// Guest memory for the m, M and X packets, through a stopped hart's current translation
// (cpu/debug_access.hpp: no A/D bits, TLB refills or traps), or physical with `monitor phys on`.
// Only RAM, and the boot ROM for reading, are reachable: a device register's read or write has
// side effects, which a debugger's look must not have.
#include <cstdint>
#include <span>

namespace tern {
class Hart;
class Machine;
} // namespace tern

namespace tern::gdb {

// Reads from `address` on; returns how many bytes were read before the first one that is not
// mapped to RAM or ROM (0: none, an error for GDB).
size_t read_memory(Machine& machine, Hart& hart, uint64_t address, std::span<uint8_t> out, bool physical);

// Writes all the bytes, or none when any is not mapped to RAM. Code decoded from the pages written
// is dropped before the harts run again, and LR reservations on them end.
bool write_memory(Hart& hart, uint64_t address, std::span<const uint8_t> in, bool physical);

} // namespace tern::gdb
