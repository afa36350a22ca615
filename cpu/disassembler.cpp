// The disassembler: operands are printed from the operands strings of
// cpu/isa/*.inc and cpu/isa/rvc.inc; the pseudo-instructions objdump prints by
// default are the alias tables below, tried in order, first match wins.
#include "cpu/disassembler.hpp"

#include <array>
#include <cinttypes>
#include <cstdio>
#include <string_view>

namespace tern {
namespace {

// ABI register names (psABI, "Integer/Floating-point Register Convention").
constexpr std::array<std::string_view, 32> kXNames = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
    "a6",   "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr std::array<std::string_view, 32> kFNames = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
// Rounding modes (unprivileged spec table 20.1); 5 and 6 are reserved, dyn (7) is not printed.
constexpr std::array<std::string_view, 8> kRoundingModes = {"rne", "rtz",     "rdn",     "rup",
                                                            "rmm", "unknown", "unknown", "dyn"};
constexpr uint8_t kDynamicRounding = 7;

constexpr int64_t kAnyImm = INT64_MIN;

// Conditions on the fields of an instruction; unset ones match anything.
struct When {
    int8_t rd = -1, rs1 = -1, rs2 = -1;
    int64_t imm = kAnyImm;
    bool rs1_is_rs2 = false;

    bool matches(const DecodedInsn& d) const {
        return (rd < 0 || d.rd == rd) && (rs1 < 0 || d.rs1 == rs1) && (rs2 < 0 || d.rs2 == rs2) &&
               (imm == kAnyImm || d.imm == imm) && (!rs1_is_rs2 || d.rs1 == d.rs2);
    }
};

// Whether a row applies with objdump's aliases on, off, or always.
enum class Mode : uint8_t { Aliases, NoAliases, Always };

struct Alias {
    Op op;
    When when;
    std::string_view mnemonic, operands;
    Mode mode = Mode::Aliases;
};

// objdump's pseudo-instructions for 32-bit encodings (and for the expansion of a
// compressed one when no row of kCompressedAliases applies), from the assembly
// programmer's handbook tables of the unprivileged spec (chapter 25) as binutils
// prints them: immediate forms print under the register mnemonic ("add a0,a1,-1").
constexpr Alias kAliases[] = {
    {Op::jal, {.rd = 0}, "j", "target"},
    {Op::jal, {.rd = 1}, "jal", "target"},
    {Op::jalr, {.rd = 0, .rs1 = 1, .imm = 0}, "ret", ""},
    {Op::jalr, {.rd = 0, .imm = 0}, "jr", "xs1"},
    {Op::jalr, {.rd = 0}, "jr", "off(xs1)"},
    {Op::jalr, {.rd = 1, .imm = 0}, "jalr", "xs1"},
    {Op::jalr, {.rd = 1}, "jalr", "off(xs1)"},
    {Op::jalr, {.imm = 0}, "jalr", "xd,xs1"},
    {Op::beq, {.rs2 = 0}, "beqz", "xs1,target"},
    {Op::bne, {.rs2 = 0}, "bnez", "xs1,target"},
    {Op::blt, {.rs2 = 0}, "bltz", "xs1,target"},
    {Op::blt, {.rs1 = 0}, "bgtz", "xs2,target"},
    {Op::bge, {.rs1 = 0}, "blez", "xs2,target"}, // before bgez: bge zero,zero prints as blez zero
    {Op::bge, {.rs2 = 0}, "bgez", "xs1,target"},
    {Op::addi, {.rd = 0, .rs1 = 0, .imm = 0}, "nop", ""},
    {Op::addi, {.rs1 = 0}, "li", "xd,imm"},
    {Op::addi, {.imm = 0}, "mv", "xd,xs1"},
    {Op::addi, {}, "add", "xd,xs1,imm"},
    {Op::sltiu, {.imm = 1}, "seqz", "xd,xs1"},
    {Op::xori, {.imm = -1}, "not", "xd,xs1"},
    {Op::xori, {}, "xor", "xd,xs1,imm"},
    {Op::ori, {}, "or", "xd,xs1,imm"},
    {Op::andi, {.imm = 255}, "zext.b", "xd,xs1"},
    {Op::andi, {}, "and", "xd,xs1,imm"},
    {Op::slli, {}, "sll", "xd,xs1,shamt"},
    {Op::srli, {}, "srl", "xd,xs1,shamt"},
    {Op::srai, {}, "sra", "xd,xs1,shamt"},
    {Op::sub, {.rs1 = 0}, "neg", "xd,xs2"},
    {Op::slt, {.rs2 = 0}, "sltz", "xd,xs1"},
    {Op::slt, {.rs1 = 0}, "sgtz", "xd,xs2"},
    {Op::sltu, {.rs1 = 0}, "snez", "xd,xs2"},
    {Op::addiw, {.imm = 0}, "sext.w", "xd,xs1"},
    {Op::addiw, {}, "addw", "xd,xs1,imm"},
    {Op::slliw, {}, "sllw", "xd,xs1,shamt"},
    {Op::srliw, {}, "srlw", "xd,xs1,shamt"},
    {Op::sraiw, {}, "sraw", "xd,xs1,shamt"},
    {Op::subw, {.rs1 = 0}, "negw", "xd,xs2"},
    {Op::fence, {.imm = 0x0ff}, "fence", ""},
    // Zicsr (unprivileged spec tables 25.3 and 25.4). csrrw zero,cycle,zero is binutils' 32-bit unimp.
    {Op::csrrw, {.rd = 0, .rs1 = 0, .imm = 0xc00}, "unimp", "", Mode::Always},
    {Op::csrrs, {.rs1 = 0, .imm = 0xc00}, "rdcycle", "xd"},
    {Op::csrrs, {.rs1 = 0, .imm = 0xc01}, "rdtime", "xd"},
    {Op::csrrs, {.rs1 = 0, .imm = 0xc02}, "rdinstret", "xd"},
    {Op::csrrs, {.rs1 = 0, .imm = 0x001}, "frflags", "xd"},
    {Op::csrrs, {.rs1 = 0, .imm = 0x002}, "frrm", "xd"},
    {Op::csrrs, {.rs1 = 0, .imm = 0x003}, "frcsr", "xd"},
    {Op::csrrs, {.rs1 = 0}, "csrr", "xd,csr"},
    {Op::csrrs, {.rd = 0}, "csrs", "csr,xs1"},
    {Op::csrrc, {.rd = 0}, "csrc", "csr,xs1"},
    {Op::csrrw, {.rd = 0, .imm = 0x001}, "fsflags", "xs1"},
    {Op::csrrw, {.imm = 0x001}, "fsflags", "xd,xs1"},
    {Op::csrrw, {.rd = 0, .imm = 0x002}, "fsrm", "xs1"},
    {Op::csrrw, {.imm = 0x002}, "fsrm", "xd,xs1"},
    {Op::csrrw, {.rd = 0, .imm = 0x003}, "fscsr", "xs1"},
    {Op::csrrw, {.imm = 0x003}, "fscsr", "xd,xs1"},
    {Op::csrrw, {.rd = 0}, "csrw", "csr,xs1"},
    {Op::csrrwi, {.imm = 0x001}, "fsflagsi", "xd,zimm"},
    {Op::csrrwi, {.imm = 0x002}, "fsrmi", "xd,zimm"},
    {Op::csrrwi, {.rd = 0}, "csrw", "csr,zimm"},
    {Op::csrrwi, {}, "csrrw", "xd,csr,zimm"},
    {Op::csrrsi, {.rd = 0}, "csrs", "csr,zimm"},
    {Op::csrrsi, {}, "csrrs", "xd,csr,zimm"},
    {Op::csrrci, {.rd = 0}, "csrc", "csr,zimm"},
    {Op::csrrci, {}, "csrrc", "xd,csr,zimm"},
    {Op::sfence_vma, {.rs1 = 0, .rs2 = 0}, "sfence.vma", ""},
    {Op::sfence_vma, {.rs2 = 0}, "sfence.vma", "xs1"},
    {Op::fsgnj_s, {.rs1_is_rs2 = true}, "fmv.s", "fd,fs1"},
    {Op::fsgnjn_s, {.rs1_is_rs2 = true}, "fneg.s", "fd,fs1"},
    {Op::fsgnjx_s, {.rs1_is_rs2 = true}, "fabs.s", "fd,fs1"},
    {Op::fsgnj_d, {.rs1_is_rs2 = true}, "fmv.d", "fd,fs1"},
    {Op::fsgnjn_d, {.rs1_is_rs2 = true}, "fneg.d", "fd,fs1"},
    {Op::fsgnjx_d, {.rs1_is_rs2 = true}, "fabs.d", "fd,fs1"},
    {Op::add_uw, {.rs2 = 0}, "zext.w", "xd,xs1"},
    {Op::rori, {}, "ror", "xd,xs1,shamt"},
    {Op::roriw, {}, "rorw", "xd,xs1,shamt"},
    {Op::bclri, {}, "bclr", "xd,xs1,shamt"},
    {Op::bexti, {}, "bext", "xd,xs1,shamt"},
    {Op::binvi, {}, "binv", "xd,xs1,shamt"},
    {Op::bseti, {}, "bset", "xd,xs1,shamt"},
};

struct CompressedAlias {
    CompressedForm form;
    When when;
    std::string_view mnemonic, operands;
    Mode mode = Mode::Aliases;
};

// Compressed forms whose printing is not "the c.* form" (no-aliases) or "the
// expansion" (aliases). HINTs (spec 16.7) print as c.* forms in both modes.
constexpr CompressedAlias kCompressedAliases[] = {
    {CompressedForm::c_nop, {}, "nop", ""},
    {CompressedForm::c_nop, {}, "c.addi", "xd,imm", Mode::NoAliases}, // binutils 2.40 has no raw c.nop
    {CompressedForm::c_addi, {.rd = 0}, "c.nop", "imm"},
    {CompressedForm::c_addi, {}, "add", "xd,xs1,imm"}, // also for imm=0, where addi would print as mv
    {CompressedForm::c_li, {.rd = 0}, "c.li", "xd,imm", Mode::Always},
    {CompressedForm::c_lui, {.rd = 0}, "c.lui", "xd,uimm", Mode::Always},
    {CompressedForm::c_mv, {.rd = 0}, "c.mv", "xd,xs2", Mode::Always},
    {CompressedForm::c_mv, {}, "mv", "xd,xs2"},
    {CompressedForm::c_add, {.rd = 0}, "c.add", "xd,xs2", Mode::Always},
    {CompressedForm::c_slli, {.imm = 0}, "c.slli64", "xd", Mode::Always},
    {CompressedForm::c_slli, {.rd = 0}, "c.slli", "xd,shamt", Mode::Always},
    {CompressedForm::c_srli, {.imm = 0}, "c.srli64", "xd", Mode::Always},
    {CompressedForm::c_srai, {.imm = 0}, "c.srai64", "xd", Mode::Always},
};

struct CompressedSyntax {
    std::string_view mnemonic, operands;
};
constexpr CompressedSyntax kCompressedSyntax[] = {
    {"", ""},
#define CINSN(form, mnemonic, pattern, op, rd, rs1, rs2, imm, operands) {mnemonic, operands},
#define CRESERVED(pattern)
#include "cpu/isa/rvc.inc"
#undef CINSN
#undef CRESERVED
};

bool applies(Mode mode, const DisasmOptions& options) {
    return mode == Mode::Always || (mode == Mode::Aliases) == options.aliases;
}

// binutils 2.40 knows the exact conversions to double only with rm=rne, and prints no rounding mode for them.
constexpr bool is_exact_conversion(Op op) {
    return op == Op::fcvt_d_w || op == Op::fcvt_d_wu || op == Op::fcvt_d_s;
}

// Encodings Tern executes (the spec says to ignore the fields) but binutils'
// tables do not match, so objdump prints them as data.
bool objdump_recognises(const DecodedInsn& d) {
    if (d.compressed != kNotCompressed) return true;
    switch (d.op) {
    case Op::fence: return (d.raw >> 28) == 0 && d.rd == 0 && d.rs1 == 0;
    case Op::fence_tso: return d.rd == 0 && d.rs1 == 0;
    case Op::fence_i: return d.raw == 0x0000100f;
    default: return !is_exact_conversion(d.op) || d.rm == 0;
    }
}

std::string hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%" PRIx64, value);
    return buf;
}

std::string fence_set(unsigned bits) {
    if (bits == 0) return "unknown";
    std::string set;
    for (unsigned i = 0; i < 4; ++i)
        if (bits & (8u >> i)) set += "iorw"[i];
    return set;
}

std::string operand(std::string_view token, const DecodedInsn& d, uint64_t pc, const DisasmOptions& options) {
    if (token == "xd") return std::string(kXNames[d.rd]);
    if (token == "xs1") return std::string(kXNames[d.rs1]);
    if (token == "xs2") return std::string(kXNames[d.rs2]);
    if (token == "fd") return std::string(kFNames[d.rd]);
    if (token == "fs1") return std::string(kFNames[d.rs1]);
    if (token == "fs2") return std::string(kFNames[d.rs2]);
    if (token == "fs3") return std::string(kFNames[d.rs3]);
    if (token == "imm") return std::to_string(d.imm);
    if (token == "uimm") return "0x" + hex((static_cast<uint64_t>(d.imm) >> 12) & 0xfffff);
    if (token == "shamt") return "0x" + hex(static_cast<uint64_t>(d.imm));
    if (token == "target") return hex(pc + static_cast<uint64_t>(d.imm));
    if (token == "off(xs1)") return std::to_string(d.imm) + "(" + std::string(kXNames[d.rs1]) + ")";
    if (token == "(xs1)") return "(" + std::string(kXNames[d.rs1]) + ")";
    if (token == "zimm") return std::to_string(d.rs1);
    if (token == "rm") return std::string(kRoundingModes[d.rm & 7]);
    if (token == "pred") return fence_set((d.imm >> 4) & 15);
    if (token == "succ") return fence_set(d.imm & 15);
    if (token == "csr") {
        const uint16_t number = static_cast<uint16_t>(d.imm & 0xfff);
        return standard_csr_name(number, options.priv_spec).value_or("0x" + hex(number));
    }
    return "?" + std::string(token) + "?"; // an operand kind this file does not know: visible, never silent
}

std::string format(std::string_view mnemonic, std::string_view operands, const DecodedInsn& d, uint64_t pc,
                   const DisasmOptions& options) {
    std::string text(mnemonic);
    // lr/sc/AMOs carry their ordering bits in the mnemonic (unprivileged spec 14.2).
    if (d.compressed == kNotCompressed && (d.raw & 0x7f) == 0x2f) {
        static constexpr std::array<std::string_view, 4> kOrdering = {"", ".rl", ".aq", ".aqrl"};
        text += kOrdering[(d.raw >> 25) & 3];
    }
    std::string list;
    while (!operands.empty()) {
        const size_t comma = operands.find(',');
        const std::string_view token = operands.substr(0, comma);
        operands = comma == std::string_view::npos ? std::string_view{} : operands.substr(comma + 1);
        if (token == "rm" && (d.rm == kDynamicRounding || is_exact_conversion(d.op))) continue;
        if (!list.empty()) list += ',';
        list += operand(token, d, pc, options);
    }
    if (!list.empty()) text += '\t' + list;
    return text;
}

std::string data_directive(const DecodedInsn& d) {
    return (d.len == 2 ? ".2byte\t0x" : ".4byte\t0x") + hex(d.raw);
}

} // namespace

std::string disassemble(const DecodedInsn& d, uint64_t pc, DisasmOptions options) {
    if (d.op == Op::illegal) {
        // The all-zero halfword is the defined illegal instruction (spec 16.3); binutils names it.
        if (d.len == 2 && d.raw == 0) return options.aliases ? "unimp" : "c.unimp";
        return data_directive(d);
    }
    if (!objdump_recognises(d)) return data_directive(d);
    if (d.compressed != kNotCompressed) {
        for (const CompressedAlias& alias : kCompressedAliases)
            if (alias.form == d.compressed && applies(alias.mode, options) && alias.when.matches(d))
                return format(alias.mnemonic, alias.operands, d, pc, options);
        if (!options.aliases) {
            const CompressedSyntax& syntax = kCompressedSyntax[static_cast<size_t>(d.compressed)];
            return format(syntax.mnemonic, syntax.operands, d, pc, options);
        }
    }
    for (const Alias& alias : kAliases)
        if (alias.op == d.op && applies(alias.mode, options) && alias.when.matches(d))
            return format(alias.mnemonic, alias.operands, d, pc, options);
    const OpInfo& info = op_info(d.op);
    return format(info.mnemonic, info.operands, d, pc, options);
}

std::string_view x_register_name(unsigned reg) { return kXNames[reg & 31]; }
std::string_view f_register_name(unsigned reg) { return kFNames[reg & 31]; }

} // namespace tern
