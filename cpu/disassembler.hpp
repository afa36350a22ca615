#pragma once
// Prints instructions the way GNU objdump (binutils 2.40) prints them in the
// mnemonic/operands column of `objdump -d`, so that its output can be checked
// against ours line by line (tests/disasm).
#include <cstdint>
#include <string>

#include "cpu/csr_names.hpp"
#include "cpu/decoder.hpp"

namespace tern {

struct DisasmOptions {
    bool aliases = true;                  // objdump's default; false is `-M no-aliases` (c.* and raw forms)
    PrivSpec priv_spec = PrivSpec::v1_12; // which CSR names exist (objdump takes it from the ELF attributes)
};

// "mnemonic\toperands" (or just the mnemonic). Branch and jump targets are
// absolute hex addresses computed from `pc`, without objdump's " <symbol>".
std::string disassemble(const DecodedInsn& insn, uint64_t pc, DisasmOptions options = {});

// ABI names of x and f registers ("ra", "fa0"), for anything that shows registers.
std::string_view x_register_name(unsigned reg);
std::string_view f_register_name(unsigned reg);

} // namespace tern
