#pragma once
// Values of the control and status registers as plain data. The rules (WARL
// masks, read-only fields, side effects) live in csr_file.cpp, not here.
#include <array>
#include <cstdint>

namespace tern {

struct PmpState {
    std::array<uint8_t, 16> cfg{};   // pmpNcfg bytes
    std::array<uint64_t, 16> addr{}; // pmpaddrN (bits 53:0 of the physical address >> 2)
};

struct CsrState {
    uint64_t mstatus = 0;
    uint64_t misa = 0;
    uint64_t medeleg = 0, mideleg = 0;
    uint64_t mie = 0, mip = 0;
    // mip.SEIP reads as the OR of a software-writable bit and the PLIC's S-mode
    // line (privileged spec 3.1.9); both inputs are kept so neither is lost.
    bool seip_software = false, seip_external = false;
    uint64_t mtvec = 0, mscratch = 0, mepc = 0, mcause = 0, mtval = 0;
    uint64_t mcounteren = 0, mcountinhibit = 0;
    uint64_t menvcfg = 0;
    uint64_t mhartid = 0;
    uint64_t stvec = 0, sscratch = 0, sepc = 0, scause = 0, stval = 0;
    uint64_t scounteren = 0, senvcfg = 0;
    uint64_t satp = 0;
    uint64_t stimecmp = ~0ull;
    uint64_t mcycle = 0, minstret = 0;
    uint32_t fcsr = 0; // frm in bits 7:5, fflags in bits 4:0
    PmpState pmp;
};

} // namespace tern
