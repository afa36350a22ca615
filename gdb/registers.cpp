#include "gdb/registers.hpp"

#include "cpu/csr_file.hpp"
#include "cpu/hart.hpp"

namespace tern::gdb {

namespace {

constexpr unsigned kCsrFflags = 0x001, kCsrFcsr = 0x003;

// The CSR a register number stands for, if the CSR file implements it.
std::optional<uint16_t> csr_of(unsigned regnum) {
    if (regnum < kFirstCsrRegnum || regnum >= kPrivRegnum) return std::nullopt;
    const auto addr = static_cast<uint16_t>(regnum - kFirstCsrRegnum);
    if (csr_name(addr).empty()) return std::nullopt;
    return addr;
}

} // namespace

unsigned register_size(unsigned regnum) {
    if (regnum < kFirstCsrRegnum || regnum == kPrivRegnum) return 8;
    const std::optional<uint16_t> csr = csr_of(regnum);
    if (!csr) return 0;
    return *csr >= kCsrFflags && *csr <= kCsrFcsr ? 4 : 8;
}

std::optional<uint64_t> read_register(Hart& hart, unsigned regnum) {
    HartState& s = hart.state;
    if (regnum < 32) return s.x[regnum];
    if (regnum == kPcRegnum) return s.pc;
    if (regnum < kFirstCsrRegnum) return s.f[regnum - kFirstFpRegnum];
    if (regnum == kPrivRegnum) return static_cast<uint64_t>(s.priv);
    if (const std::optional<uint16_t> csr = csr_of(regnum)) return csr_read(hart, *csr);
    return std::nullopt;
}

bool write_register(Hart& hart, unsigned regnum, uint64_t value) {
    HartState& s = hart.state;
    if (regnum < 32) {
        if (regnum != 0) s.x[regnum] = value;
        return true;
    }
    if (regnum == kPcRegnum) {
        s.pc = value & ~1ull; // IALIGN is 16 with C: bit 0 is never set
        return true;
    }
    if (regnum < kFirstCsrRegnum) {
        s.f[regnum - kFirstFpRegnum] = value;
        return true;
    }
    if (regnum == kPrivRegnum) {
        if (value != 0 && value != 1 && value != 3) return false;
        s.priv = static_cast<Privilege>(value);
        hart.tlb.flush(); // entries were filled for the old privilege
        return true;
    }
    const std::optional<uint16_t> csr = csr_of(regnum);
    if (!csr || ((*csr >> 10) & 3) == 3) return false; // bits 11:10 == 3: read-only (2.1)
    csr_write(hart, *csr, value);
    return true;
}

} // namespace tern::gdb
