#pragma once
// GDB's register numbers for RV64GC and their values on a stopped hart (g/G/p/P packets). The
// numbering is GDB's own for RISC-V (gdb/riscv-tdep.h), which the target description states
// in its regnum attributes: x0-x31 0-31, pc 32, f0-f31 33-64, CSR n at 65 + n (fflags 66, frm 67,
// fcsr 68), and the virtual register priv (the privilege level) at 4161.
#include <cstdint>
#include <optional>

namespace tern {
class Hart;
}

namespace tern::gdb {

inline constexpr unsigned kPcRegnum = 32;
inline constexpr unsigned kFirstFpRegnum = 33;
inline constexpr unsigned kFirstCsrRegnum = 65;
inline constexpr unsigned kPrivRegnum = kFirstCsrRegnum + 4096;
// The 'g' packet holds x0-x31 and pc; GDB reads the rest with 'p' (a short 'g' reply tells it so).
inline constexpr unsigned kGPacketRegisters = 33;

// Bytes of register `regnum` (8, or 4 for fflags, frm and fcsr), 0 when this target has none.
unsigned register_size(unsigned regnum);

// The register's value; nullopt when there is no such register.
std::optional<uint64_t> read_register(Hart& hart, unsigned regnum);

// Writes through the same rules the hart's own instructions obey (the CSR file's WARL masks and
// side effects); x0 stays zero. False for a register that does not exist or cannot be written
// (read-only CSRs, a privilege level the hart does not have).
bool write_register(Hart& hart, unsigned regnum, uint64_t value);

} // namespace tern::gdb
