#pragma once
// Names of the standard CSRs (privileged spec tables 2.2-2.6, and the CSRs of
// ratified extensions that binutils 2.40 names), for the disassembler. It says
// what a number is called in the specs, not whether Tern implements it; the CSR
// file's own csr_name() (cpu/csr_file.hpp on main) answers that.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern {

// The privileged-spec version whose CSR names apply: 1.12 dropped the N
// extension's user CSRs and sedeleg/sideleg, and added senvcfg, menvcfg, ...
enum class PrivSpec : uint8_t { v1_11, v1_12 };

struct CsrNameRange {
    uint16_t number;              // the first CSR of the range
    std::string_view prefix;      // the name, or its part before the index
    uint8_t first_index = 0;      // index of the first CSR (pmpaddr0, hpmcounter3, ...)
    uint8_t count = 1;            // 1: a single CSR whose name is `prefix` alone
    std::string_view suffix = ""; // "h" for the RV32 high halves
    bool in_v1_11 = true;
    bool in_v1_12 = true;
};

// clang-format off
inline constexpr CsrNameRange kCsrNames[] = {
    // Unprivileged floating-point and counter CSRs (unprivileged spec chapters 8, 11, 20).
    {0x001, "fflags"}, {0x002, "frm"}, {0x003, "fcsr"},
    {0xc00, "cycle"}, {0xc01, "time"}, {0xc02, "instret"}, {0xc03, "hpmcounter", 3, 29},
    {0xc80, "cycleh"}, {0xc81, "timeh"}, {0xc82, "instreth"}, {0xc83, "hpmcounter", 3, 29, "h"},
    // User trap CSRs of the N extension, gone from privileged spec 1.12.
    {0x000, "ustatus", 0, 1, "", true, false}, {0x004, "uie", 0, 1, "", true, false},
    {0x005, "utvec", 0, 1, "", true, false}, {0x040, "uscratch", 0, 1, "", true, false},
    {0x041, "uepc", 0, 1, "", true, false}, {0x042, "ucause", 0, 1, "", true, false},
    {0x043, "utval", 0, 1, "", true, false}, {0x044, "uip", 0, 1, "", true, false},
    // Supervisor (privileged spec table 2.3).
    {0x100, "sstatus"}, {0x102, "sedeleg", 0, 1, "", true, false}, {0x103, "sideleg", 0, 1, "", true, false},
    {0x104, "sie"}, {0x105, "stvec"}, {0x106, "scounteren"}, {0x10a, "senvcfg", 0, 1, "", false, true},
    {0x140, "sscratch"}, {0x141, "sepc"}, {0x142, "scause"}, {0x143, "stval"}, {0x144, "sip"},
    {0x180, "satp"},
    // Machine (privileged spec tables 2.4 and 2.5).
    {0xf11, "mvendorid"}, {0xf12, "marchid"}, {0xf13, "mimpid"}, {0xf14, "mhartid"},
    {0xf15, "mconfigptr", 0, 1, "", false, true},
    {0x300, "mstatus"}, {0x301, "misa"}, {0x302, "medeleg"}, {0x303, "mideleg"}, {0x304, "mie"},
    {0x305, "mtvec"}, {0x306, "mcounteren"}, {0x30a, "menvcfg", 0, 1, "", false, true},
    {0x310, "mstatush", 0, 1, "", false, true}, {0x31a, "menvcfgh", 0, 1, "", false, true},
    {0x340, "mscratch"}, {0x341, "mepc"}, {0x342, "mcause"}, {0x343, "mtval"}, {0x344, "mip"},
    {0x34a, "mtinst", 0, 1, "", false, true}, {0x34b, "mtval2", 0, 1, "", false, true},
    {0x3a0, "pmpcfg", 0, 4}, {0x3a4, "pmpcfg", 4, 12, "", false, true},
    {0x3b0, "pmpaddr", 0, 16}, {0x3c0, "pmpaddr", 16, 48, "", false, true},
    {0x747, "mseccfg", 0, 1, "", false, true}, {0x757, "mseccfgh", 0, 1, "", false, true},
    {0xb00, "mcycle"}, {0xb02, "minstret"}, {0xb03, "mhpmcounter", 3, 29},
    {0xb80, "mcycleh"}, {0xb82, "minstreth"}, {0xb83, "mhpmcounter", 3, 29, "h"},
    {0x320, "mcountinhibit"}, {0x323, "mhpmevent", 3, 29},
    // Hypervisor extension (privileged spec chapter 8).
    {0x600, "hstatus"}, {0x602, "hedeleg"}, {0x603, "hideleg"}, {0x604, "hie"}, {0x605, "htimedelta"},
    {0x606, "hcounteren"}, {0x607, "hgeie"}, {0x60a, "henvcfg"}, {0x615, "htimedeltah"}, {0x61a, "henvcfgh"},
    {0x643, "htval"}, {0x644, "hip"}, {0x645, "hvip"}, {0x64a, "htinst"}, {0x680, "hgatp"}, {0xe12, "hgeip"},
    {0x200, "vsstatus"}, {0x204, "vsie"}, {0x205, "vstvec"}, {0x240, "vsscratch"}, {0x241, "vsepc"},
    {0x242, "vscause"}, {0x243, "vstval"}, {0x244, "vsip"}, {0x280, "vsatp"},
    // Vector (V spec 3), entropy source (Zkr), state enable (Smstateen), counter overflow (Sscofpmf).
    {0x008, "vstart"}, {0x009, "vxsat"}, {0x00a, "vxrm"}, {0x00f, "vcsr"}, {0xc20, "vl"}, {0xc21, "vtype"},
    {0xc22, "vlenb"}, {0x015, "seed"},
    {0x10c, "sstateen", 0, 4}, {0x30c, "mstateen", 0, 4}, {0x31c, "mstateen", 0, 4, "h"},
    {0x60c, "hstateen", 0, 4}, {0x61c, "hstateen", 0, 4, "h"},
    {0xda0, "scountovf"}, {0x723, "mhpmevent", 3, 29, "h"},
    // Advanced interrupt architecture (Smaia/Ssaia) and Sstc.
    {0x114, "sieh"}, {0x14d, "stimecmp"}, {0x150, "siselect"}, {0x151, "sireg"}, {0x154, "siph"},
    {0x15c, "stopei"}, {0x15d, "stimecmph"}, {0x214, "vsieh"}, {0x24d, "vstimecmp"}, {0x250, "vsiselect"},
    {0x251, "vsireg"}, {0x254, "vsiph"}, {0x25c, "vstopei"}, {0x25d, "vstimecmph"}, {0x308, "mvien"},
    {0x309, "mvip"}, {0x313, "midelegh"}, {0x314, "mieh"}, {0x318, "mvienh"}, {0x319, "mviph"},
    {0x350, "miselect"}, {0x351, "mireg"}, {0x354, "miph"}, {0x35c, "mtopei"}, {0x608, "hvien"},
    {0x609, "hvictl"}, {0x613, "hidelegh"}, {0x618, "hvienh"}, {0x646, "hviprio1"}, {0x647, "hviprio2"},
    {0x655, "hviph"}, {0x656, "hviprio1h"}, {0x657, "hviprio2h"}, {0xdb0, "stopi"}, {0xeb0, "vstopi"},
    {0xfb0, "mtopi"},
    // Debug and trigger CSRs (debug spec 5.2 and 5.3).
    {0x5a8, "scontext"}, {0x6a8, "hcontext"}, {0x7aa, "mscontext"},
    {0x7a0, "tselect"}, {0x7a1, "tdata1"}, {0x7a2, "tdata2"}, {0x7a3, "tdata3"}, {0x7a4, "tinfo"},
    {0x7a5, "tcontrol"}, {0x7a8, "mcontext"}, {0x7b0, "dcsr"}, {0x7b1, "dpc"}, {0x7b2, "dscratch0"},
    {0x7b3, "dscratch1"},
};
// clang-format on

// The standard name of CSR `number` under `spec`, if it has one.
inline std::optional<std::string> standard_csr_name(uint16_t number, PrivSpec spec = PrivSpec::v1_12) {
    for (const CsrNameRange& range : kCsrNames) {
        if (number < range.number || number >= range.number + range.count) continue;
        if (!(spec == PrivSpec::v1_11 ? range.in_v1_11 : range.in_v1_12)) continue;
        std::string name(range.prefix);
        if (range.count > 1) name += std::to_string(range.first_index + (number - range.number));
        name += range.suffix;
        return name;
    }
    return std::nullopt;
}

} // namespace tern
