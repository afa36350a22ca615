#pragma once
// The one decoder shared by the interpreter, the JIT and the disassembler.
// Encodings live in cpu/isa/*.inc; this header turns them into an Op enum and
// a table of facts about each op.
#include <array>
#include <cstdint>
#include <string_view>

namespace tern {

enum class Op : uint16_t {
#define INSN(id, mnemonic, pattern, imm, operands) id,
#include "cpu/isa/all.inc"
#undef INSN
    illegal,
    count,
};
constexpr size_t kOpCount = static_cast<size_t>(Op::count);

// How the immediate of an encoding is assembled.
enum class ImmKind : uint8_t { None, I, S, B, U, J, Shamt, Csr };

struct OpInfo {
    std::string_view mnemonic;
    uint32_t mask;  // bits fixed by the encoding
    uint32_t match; // their values
    ImmKind imm;
    std::string_view operands; // see cpu/isa/README.md
};

// Turns "0000000----------000-----0110011" into a mask/match pair at compile time.
consteval OpInfo make_op_info(std::string_view mnemonic, std::string_view pattern, ImmKind imm,
                              std::string_view operands) {
    if (pattern.size() != 32) throw "encoding pattern must have 32 characters";
    uint32_t mask = 0, match = 0;
    for (char c : pattern) {
        mask <<= 1;
        match <<= 1;
        if (c == '0' || c == '1') mask |= 1;
        if (c == '1') match |= 1;
        if (c != '0' && c != '1' && c != '-') throw "encoding pattern characters are 0, 1 and -";
    }
    return {mnemonic, mask, match, imm, operands};
}

inline constexpr std::array<OpInfo, kOpCount> kOpInfo = {{
#define INSN(id, mnemonic, pattern, imm, operands) make_op_info(mnemonic, pattern, ImmKind::imm, operands),
#include "cpu/isa/all.inc"
#undef INSN
    {"illegal", 0, 0, ImmKind::None, ""},
}};

constexpr const OpInfo& op_info(Op op) { return kOpInfo[static_cast<size_t>(op)]; }

// Identifies which compressed form an instruction was written in (for the
// disassembler); kNotCompressed for 32-bit instructions. One id per line of cpu/isa/rvc.inc.
enum class CompressedForm : uint8_t {
    none,
#define CINSN(form, mnemonic, pattern, op, rd, rs1, rs2, imm, operands) form,
#define CRESERVED(pattern)
#include "cpu/isa/rvc.inc"
#undef CINSN
#undef CRESERVED
};
inline constexpr CompressedForm kNotCompressed = CompressedForm::none;

struct DecodedInsn {
    Op op = Op::illegal;
    uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
    uint8_t rm = 0;  // funct3: rounding mode of FP ops
    uint8_t len = 4; // 2 for compressed instructions
    CompressedForm compressed = kNotCompressed;
    int64_t imm = 0;
    uint32_t raw = 0; // the instruction bits as fetched (16 or 32 bits)
};

// Decodes one instruction; `raw` holds 32 bits, of which only the low 16 are
// used when they mark a compressed instruction. Unknown encodings give Op::illegal.
DecodedInsn decode(uint32_t raw);
DecodedInsn decode32(uint32_t raw);
DecodedInsn decode16(uint16_t raw); // cpu/decoder_compressed.cpp

constexpr unsigned instruction_length(uint32_t low_bits) { return (low_bits & 3) == 3 ? 4 : 2; }

} // namespace tern
