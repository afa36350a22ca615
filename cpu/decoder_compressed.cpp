// The C extension decoder (unprivileged spec, chapter 16): expands each 16-bit
// encoding to the 32-bit instruction it stands for, so that the interpreter and
// the JIT never see compression. The encodings are the table in cpu/isa/rvc.inc.
#include <array>
#include <bit>
#include <string_view>

#include "cpu/decoder.hpp"

namespace tern {
namespace {

// Where a register operand of the expanded instruction comes from.
enum class CReg : uint8_t { None, X0, X1, X2, R11_7, R6_2, P9_7, P4_2 };

constexpr uint8_t c_register(uint16_t raw, CReg kind) {
    switch (kind) {
    case CReg::None:
    case CReg::X0: return 0;
    case CReg::X1: return 1;
    case CReg::X2: return 2;
    case CReg::R11_7: return (raw >> 7) & 31;
    case CReg::R6_2: return (raw >> 2) & 31;
    case CReg::P9_7: return 8 + ((raw >> 7) & 7); // rs1'/rd': x8-x15 (spec table 16.2)
    case CReg::P4_2: return 8 + ((raw >> 2) & 7); // rs2'/rd'
    }
    return 0;
}

// An immediate scramble: for each instruction bit, the immediate bit it carries
// (or -1). Written in the spec's own notation so it can be checked against the
// format figures: "12:10=5:3;6:5=7:6" means inst[12:10] hold imm[5:3] and
// inst[6:5] hold imm[7:6]; "|" separates fields within a group, as in the spec.
struct ImmScramble {
    std::array<int8_t, 16> imm_bit{};
    bool is_signed = false;
    unsigned sign_bit = 0; // the highest immediate bit, which is the sign of signed immediates
};

consteval unsigned parse_number(std::string_view s, size_t& i) {
    unsigned value = 0;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') throw "immediate scramble: number expected";
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        value = value * 10 + (s[i++] - '0');
    return value;
}

// Parses "hi[:lo]" at s[i]; returns the pair in descending order.
consteval std::array<unsigned, 2> parse_range(std::string_view s, size_t& i) {
    const unsigned hi = parse_number(s, i);
    unsigned lo = hi;
    if (i < s.size() && s[i] == ':') lo = parse_number(s, ++i);
    if (lo > hi) throw "immediate scramble: ranges are written high:low";
    return {hi, lo};
}

consteval ImmScramble make_scramble(std::string_view spec, bool is_signed) {
    ImmScramble scramble;
    scramble.imm_bit.fill(-1);
    scramble.is_signed = is_signed;
    size_t i = 0;
    while (i < spec.size()) {
        const auto [inst_hi, inst_lo] = parse_range(spec, i);
        if (i >= spec.size() || spec[i++] != '=') throw "immediate scramble: '=' expected";
        int inst_bit = static_cast<int>(inst_hi);
        for (;;) {
            const auto [imm_hi, imm_lo] = parse_range(spec, i);
            for (int b = static_cast<int>(imm_hi); b >= static_cast<int>(imm_lo); --b) {
                if (inst_bit < static_cast<int>(inst_lo))
                    throw "immediate scramble: more immediate bits than field bits";
                scramble.imm_bit[inst_bit--] = static_cast<int8_t>(b);
                if (static_cast<unsigned>(b) > scramble.sign_bit) scramble.sign_bit = b;
            }
            if (i < spec.size() && spec[i] == '|') {
                ++i;
                continue;
            }
            break;
        }
        if (inst_bit != static_cast<int>(inst_lo) - 1) throw "immediate scramble: field bits left over";
        if (i < spec.size() && spec[i++] != ';') throw "immediate scramble: ';' expected";
    }
    return scramble;
}

// The immediate formats of spec figures 16.2-16.10 (and the per-instruction
// listings in 16.3-16.5), by the name rvc.inc uses.
enum class CImm : uint8_t {
    None,
    CIW,
    CLW,
    CLD,
    CI,
    CI16SP,
    CLUI,
    CSHAMT,
    CJ,
    CB,
    CLWSP,
    CLDSP,
    CSWSP,
    CSDSP,
    count
};

struct NamedScramble {
    CImm kind;
    ImmScramble scramble;
};

// clang-format off
constexpr NamedScramble kScrambles[] = {
    {CImm::None,   make_scramble("", false)},
    {CImm::CIW,    make_scramble("12:5=5:4|9:6|2|3", false)},          // c.addi4spn nzuimm
    {CImm::CLW,    make_scramble("12:10=5:3;6:5=2|6", false)},         // CL/CS word: c.lw, c.sw
    {CImm::CLD,    make_scramble("12:10=5:3;6:5=7:6", false)},         // CL/CS double: c.ld, c.sd, c.fld, c.fsd
    {CImm::CI,     make_scramble("12=5;6:2=4:0", true)},               // c.addi, c.addiw, c.li, c.andi
    {CImm::CI16SP, make_scramble("12=9;6:2=4|6|8:7|5", true)},         // c.addi16sp nzimm
    {CImm::CLUI,   make_scramble("12=17;6:2=16:12", true)},            // c.lui nzimm, already in lui's bit position
    {CImm::CSHAMT, make_scramble("12=5;6:2=4:0", false)},              // c.slli, c.srli, c.srai shift amount
    {CImm::CJ,     make_scramble("12:2=11|4|9:8|10|6|7|3:1|5", true)}, // c.j
    {CImm::CB,     make_scramble("12:10=8|4:3;6:2=7:6|2:1|5", true)},  // c.beqz, c.bnez
    {CImm::CLWSP,  make_scramble("12=5;6:2=4:2|7:6", false)},          // c.lwsp
    {CImm::CLDSP,  make_scramble("12=5;6:2=4:3|8:6", false)},          // c.ldsp, c.fldsp
    {CImm::CSWSP,  make_scramble("12:7=5:2|7:6", false)},              // c.swsp
    {CImm::CSDSP,  make_scramble("12:7=5:3|8:6", false)},              // c.sdsp, c.fsdsp
};
// clang-format on

consteval bool scrambles_indexed_by_kind() {
    if (std::size(kScrambles) != static_cast<size_t>(CImm::count)) return false;
    for (size_t i = 0; i < std::size(kScrambles); ++i)
        if (static_cast<size_t>(kScrambles[i].kind) != i) return false;
    return true;
}
static_assert(scrambles_indexed_by_kind(), "kScrambles must list every CImm once, in enum order");

constexpr int64_t c_immediate(uint16_t raw, CImm kind) {
    const ImmScramble& scramble = kScrambles[static_cast<size_t>(kind)].scramble;
    uint64_t value = 0;
    for (unsigned bit = 0; bit < 16; ++bit)
        if (scramble.imm_bit[bit] >= 0 && ((raw >> bit) & 1)) value |= uint64_t{1} << scramble.imm_bit[bit];
    if (!scramble.is_signed) return static_cast<int64_t>(value);
    const unsigned shift = 63 - scramble.sign_bit;
    return static_cast<int64_t>(value << shift) >> shift;
}

struct CEncoding {
    CompressedForm form;
    uint16_t mask, match;
    Op op; // Op::illegal for reserved encodings
    CReg rd, rs1, rs2;
    CImm imm;
};

consteval CEncoding make_encoding(CompressedForm form, std::string_view pattern, Op op, CReg rd, CReg rs1,
                                  CReg rs2, CImm imm) {
    if (pattern.size() != 16) throw "compressed encoding pattern must have 16 characters";
    uint16_t mask = 0, match = 0;
    for (char c : pattern) {
        mask = static_cast<uint16_t>(mask << 1);
        match = static_cast<uint16_t>(match << 1);
        if (c == '0' || c == '1') mask |= 1;
        if (c == '1') match |= 1;
        if (c != '0' && c != '1' && c != '-') throw "encoding pattern characters are 0, 1 and -";
    }
    return {form, mask, match, op, rd, rs1, rs2, imm};
}

constexpr CEncoding kEncodings[] = {
#define CINSN(form, mnemonic, pattern, op, rd, rs1, rs2, imm, operands)                                      \
    make_encoding(CompressedForm::form, pattern, Op::op, CReg::rd, CReg::rs1, CReg::rs2, CImm::imm),
#define CRESERVED(pattern)                                                                                   \
    make_encoding(CompressedForm::none, pattern, Op::illegal, CReg::None, CReg::None, CReg::None, CImm::None),
#include "cpu/isa/rvc.inc"
#undef CINSN
#undef CRESERVED
};

// The table must be unambiguous: two patterns of equal specificity never both match.
consteval bool patterns_unambiguous() {
    for (const CEncoding& a : kEncodings)
        for (const CEncoding& b : kEncodings) {
            if (&a == &b || std::popcount(a.mask) != std::popcount(b.mask)) continue;
            const uint16_t common = a.mask & b.mask;
            if ((a.match & common) == (b.match & common)) return false;
        }
    return true;
}
static_assert(patterns_unambiguous(), "two rvc.inc patterns of equal specificity overlap");

} // namespace

DecodedInsn decode16(uint16_t raw) {
    DecodedInsn d;
    d.raw = raw;
    d.len = 2;
    const CEncoding* best = nullptr;
    for (const CEncoding& e : kEncodings)
        if ((raw & e.mask) == e.match && (!best || std::popcount(e.mask) > std::popcount(best->mask)))
            best = &e;
    if (!best || best->op == Op::illegal) return d;
    d.op = best->op;
    d.compressed = best->form;
    d.rd = c_register(raw, best->rd);
    d.rs1 = c_register(raw, best->rs1);
    d.rs2 = c_register(raw, best->rs2);
    d.imm = c_immediate(raw, best->imm);
    return d;
}

} // namespace tern
