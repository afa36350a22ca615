#pragma once
// Names of the standard CSRs (privileged spec, tables 2.2-2.6) for printing. A
// CSR file may use it too; it only says what a number is called, not whether
// Tern implements it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern {

// The privileged-spec version whose CSR names apply: 1.12 dropped the N
// extension's user CSRs and sedeleg/sideleg, and added senvcfg, menvcfg, ...
enum class PrivSpec : uint8_t { v1_11, v1_12 };

struct CsrNameRange {
    uint16_t number;          // the first CSR of the range
    std::string_view prefix;  // the name, or its part before the index
    uint8_t first_index = 0;  // index of the first CSR (pmpaddr0, hpmcounter3, ...)
    uint8_t count = 1;        // 1: a single CSR whose name is `prefix` alone
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
    // Debug and trigger CSRs (debug spec 5.2 and 5.3).
    {0x7a0, "tselect"}, {0x7a1, "tdata1"}, {0x7a2, "tdata2"}, {0x7a3, "tdata3"}, {0x7a4, "tinfo"},
    {0x7a5, "tcontrol"}, {0x7a8, "mcontext"}, {0x7b0, "dcsr"}, {0x7b1, "dpc"}, {0x7b2, "dscratch0"},
    {0x7b3, "dscratch1"},
};
// clang-format on

// The standard name of CSR `number` under `spec`, if it has one.
inline std::optional<std::string> csr_name(uint16_t number, PrivSpec spec = PrivSpec::v1_12) {
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
