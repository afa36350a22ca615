#pragma once
// The CSR file: which CSRs exist, who may access them, and how reads and writes
// map onto CsrState (privileged spec chapters 2 and 3, Zicsr, Zicntr, Sstc).
// The rules are one table in csr_file.cpp; this header is its interface.
#include <cstdint>
#include <string>
#include <string_view>

#include "cpu/csr_state.hpp"

namespace tern {

class Hart;

// The CSR's name ("mstatus", "pmpaddr3"), or empty when `addr` is not implemented.
std::string_view csr_name(uint16_t addr);

// Whether the current privilege may access CSR `addr` (for writing, if `write`):
// false for unimplemented CSRs, too little privilege (address bits 9:8), writes
// to read-only CSRs (bits 11:10 == 3) and the extra gates (counter enables,
// mstatus.FS, mstatus.TVM, Sstc). The Zicsr instructions raise an illegal-
// instruction exception when it is false.
bool csr_accessible(const Hart& hart, uint16_t addr, bool write);

// Reads and writes through the CSR's WARL rules and side effects (TLB flushes,
// FS dirtying). Call only after csr_accessible; unknown addresses read 0 and
// ignore writes.
uint64_t csr_read(Hart& hart, uint16_t addr);
void csr_write(Hart& hart, uint16_t addr, uint64_t value);

// The value csrrs/csrrc modify: the CSR's value, except that mip.SEIP is only
// its software-writable bit, not the PLIC's line (privileged spec 3.1.9).
uint64_t csr_read_for_update(Hart& hart, uint16_t addr);

// Reset values (privileged spec 3.4): M-mode, misa, mstatus.SXL/UXL, mhartid.
void csr_reset(Hart& hart, uint64_t hartid);

// Why `csr` is not a state the CSR file could reach, e.g. "mstatus.MPP = 2 is not a privilege mode",
// or empty when every CSR holds a legal value (the WARL rules of the table, for savestate loads).
std::string csr_state_problem(const CsrState& csr, uint64_t hartid);

// The misa value this hart reports: RV64 with I M A F D C S U.
uint64_t misa_value();

} // namespace tern
