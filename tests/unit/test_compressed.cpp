#include <doctest/doctest.h>

#include "cpu/decoder.hpp"

using namespace tern;

namespace {

struct Expansion {
    uint16_t bits;
    const char* assembly; // what the halfword is, as the assembler was given it
    CompressedForm form;
    Op op;
    uint8_t rd, rs1, rs2;
    int64_t imm;
};

// Halfwords produced by riscv64-unknown-elf-as from the c.* instruction in the
// second column; the expected fields are those of the 32-bit equivalent (spec table 16.5-16.7).
// clang-format off
constexpr Expansion kExpansions[] = {
    {0x0040, "c.addi4spn s0,sp,4",    CompressedForm::c_addi4spn, Op::addi,   8,  2,  0, 4},
    {0x1ffc, "c.addi4spn a5,sp,1020", CompressedForm::c_addi4spn, Op::addi,   15, 2,  0, 1020},
    {0x2080, "c.fld fs0,0(s1)",       CompressedForm::c_fld,      Op::fld,    8,  9,  0, 0},
    {0x3ffc, "c.fld fa5,248(a5)",     CompressedForm::c_fld,      Op::fld,    15, 15, 0, 248},
    {0x41c8, "c.lw a0,4(a1)",         CompressedForm::c_lw,       Op::lw,     10, 11, 0, 4},
    {0x5ffc, "c.lw a5,124(a5)",       CompressedForm::c_lw,       Op::lw,     15, 15, 0, 124},
    {0x7ffc, "c.ld a5,248(a5)",       CompressedForm::c_ld,       Op::ld,     15, 15, 0, 248},
    {0xa404, "c.fsd fs1,8(s0)",       CompressedForm::c_fsd,      Op::fsd,    0,  8,  9, 8},
    {0xdffc, "c.sw a5,124(a5)",       CompressedForm::c_sw,       Op::sw,     0,  15, 15, 124},
    {0xe004, "c.sd s1,0(s0)",         CompressedForm::c_sd,       Op::sd,     0,  8,  9, 0},
    {0xfffc, "c.sd a5,248(a5)",       CompressedForm::c_sd,       Op::sd,     0,  15, 15, 248},
    {0x0001, "c.nop",                 CompressedForm::c_nop,      Op::addi,   0,  0,  0, 0},
    {0x157d, "c.addi a0,-1",          CompressedForm::c_addi,     Op::addi,   10, 10, 0, -1},
    {0x0ffd, "c.addi t6,31",          CompressedForm::c_addi,     Op::addi,   31, 31, 0, 31},
    {0x1101, "c.addi sp,-32",         CompressedForm::c_addi,     Op::addi,   2,  2,  0, -32},
    {0x2501, "c.addiw a0,0",          CompressedForm::c_addiw,    Op::addiw,  10, 10, 0, 0},
    {0x3501, "c.addiw a0,-32",        CompressedForm::c_addiw,    Op::addiw,  10, 10, 0, -32},
    {0x5501, "c.li a0,-32",           CompressedForm::c_li,       Op::addi,   10, 0,  0, -32},
    {0x40fd, "c.li ra,31",            CompressedForm::c_li,       Op::addi,   1,  0,  0, 31},
    {0x6141, "c.addi16sp sp,16",      CompressedForm::c_addi16sp, Op::addi,   2,  2,  0, 16},
    {0x7101, "c.addi16sp sp,-512",    CompressedForm::c_addi16sp, Op::addi,   2,  2,  0, -512},
    {0x617d, "c.addi16sp sp,496",     CompressedForm::c_addi16sp, Op::addi,   2,  2,  0, 496},
    {0x6505, "c.lui a0,0x1",          CompressedForm::c_lui,      Op::lui,    10, 0,  0, 0x1000},
    {0x6ffd, "c.lui t6,0x1f",         CompressedForm::c_lui,      Op::lui,    31, 0,  0, 0x1f000},
    {0x7081, "c.lui ra,0xfffe0",      CompressedForm::c_lui,      Op::lui,    1,  0,  0, -0x20000},
    {0x747d, "c.lui s0,0xfffff",      CompressedForm::c_lui,      Op::lui,    8,  0,  0, -0x1000},
    {0x8005, "c.srli s0,1",           CompressedForm::c_srli,     Op::srli,   8,  8,  0, 1},
    {0x93fd, "c.srli a5,63",          CompressedForm::c_srli,     Op::srli,   15, 15, 0, 63},
    {0x9401, "c.srai s0,32",          CompressedForm::c_srai,     Op::srai,   8,  8,  0, 32},
    {0x8801, "c.andi s0,0",           CompressedForm::c_andi,     Op::andi,   8,  8,  0, 0},
    {0x9b81, "c.andi a5,-32",         CompressedForm::c_andi,     Op::andi,   15, 15, 0, -32},
    {0x897d, "c.andi a0,31",          CompressedForm::c_andi,     Op::andi,   10, 10, 0, 31},
    {0x8f99, "c.sub a5,a4",           CompressedForm::c_sub,      Op::sub,    15, 15, 14, 0},
    {0x8c25, "c.xor s0,s1",           CompressedForm::c_xor,      Op::xor_,   8,  8,  9, 0},
    {0x8d4d, "c.or a0,a1",            CompressedForm::c_or,       Op::or_,    10, 10, 11, 0},
    {0x8e75, "c.and a2,a3",           CompressedForm::c_and,      Op::and_,   12, 12, 13, 0},
    {0x9c05, "c.subw s0,s1",          CompressedForm::c_subw,     Op::subw,   8,  8,  9, 0},
    {0x9fa9, "c.addw a5,a0",          CompressedForm::c_addw,     Op::addw,   15, 15, 10, 0},
    {0xb745, "c.j .-96",              CompressedForm::c_j,        Op::jal,    0,  0,  0, -96},
    {0xa82d, "c.j .+58",              CompressedForm::c_j,        Op::jal,    0,  0,  0, 58},
    {0xb001, "c.j .-2048",            CompressedForm::c_j,        Op::jal,    0,  0,  0, -2048},
    {0xaffd, "c.j .+2046",            CompressedForm::c_j,        Op::jal,    0,  0,  0, 2046},
    {0xdc51, "c.beqz s0,.-100",       CompressedForm::c_beqz,     Op::beq,    0,  8,  0, -100},
    {0xcb9d, "c.beqz a5,.+54",        CompressedForm::c_beqz,     Op::beq,    0,  15, 0, 54},
    {0xd001, "c.beqz s0,.-256",       CompressedForm::c_beqz,     Op::beq,    0,  8,  0, -256},
    {0xeffd, "c.bnez a5,.+254",       CompressedForm::c_bnez,     Op::bne,    0,  15, 0, 254},
    {0x0506, "c.slli a0,1",           CompressedForm::c_slli,     Op::slli,   10, 10, 0, 1},
    {0x1ffe, "c.slli t6,63",          CompressedForm::c_slli,     Op::slli,   31, 31, 0, 63},
    {0x2502, "c.fldsp fa0,0(sp)",     CompressedForm::c_fldsp,    Op::fld,    10, 2,  0, 0},
    {0x3ffe, "c.fldsp ft11,504(sp)",  CompressedForm::c_fldsp,    Op::fld,    31, 2,  0, 504},
    {0x50fe, "c.lwsp ra,252(sp)",     CompressedForm::c_lwsp,     Op::lw,     1,  2,  0, 252},
    {0x6522, "c.ldsp a0,8(sp)",       CompressedForm::c_ldsp,     Op::ld,     10, 2,  0, 8},
    {0x70fe, "c.ldsp ra,504(sp)",     CompressedForm::c_ldsp,     Op::ld,     1,  2,  0, 504},
    {0x8082, "c.jr ra",               CompressedForm::c_jr,       Op::jalr,   0,  1,  0, 0},
    {0x852e, "c.mv a0,a1",            CompressedForm::c_mv,       Op::add,    10, 0,  11, 0},
    {0x9002, "c.ebreak",              CompressedForm::c_ebreak,   Op::ebreak, 0,  0,  0, 0},
    {0x9502, "c.jalr a0",             CompressedForm::c_jalr,     Op::jalr,   1,  10, 0, 0},
    {0x917e, "c.add sp,t6",           CompressedForm::c_add,      Op::add,    2,  2,  31, 0},
    {0xbffe, "c.fsdsp ft11,504(sp)",  CompressedForm::c_fsdsp,    Op::fsd,    0,  2,  31, 504},
    {0xc02a, "c.swsp a0,0(sp)",       CompressedForm::c_swsp,     Op::sw,     0,  2,  10, 0},
    {0xdf86, "c.swsp ra,252(sp)",     CompressedForm::c_swsp,     Op::sw,     0,  2,  1, 252},
    {0xff86, "c.sdsp ra,504(sp)",     CompressedForm::c_sdsp,     Op::sd,     0,  2,  1, 504},
    // HINTs (spec 16.7) decode as their base instruction, whose write to x0 is discarded.
    {0x0005, "c.addi zero,1",         CompressedForm::c_addi,     Op::addi,   0,  0,  0, 1},
    {0x0101, "c.addi sp,0",           CompressedForm::c_addi,     Op::addi,   2,  2,  0, 0},
    {0x4015, "c.li zero,5",           CompressedForm::c_li,       Op::addi,   0,  0,  0, 5},
    {0x6005, "c.lui zero,0x1",        CompressedForm::c_lui,      Op::lui,    0,  0,  0, 0x1000},
    {0x802a, "c.mv zero,a0",          CompressedForm::c_mv,       Op::add,    0,  0,  10, 0},
    {0x902a, "c.add zero,a0",         CompressedForm::c_add,      Op::add,    0,  0,  10, 0},
    {0x0502, "c.slli64 a0",           CompressedForm::c_slli,     Op::slli,   10, 10, 0, 0},
    {0x8001, "c.srli64 s0",           CompressedForm::c_srli,     Op::srli,   8,  8,  0, 0},
    {0x8401, "c.srai64 s0",           CompressedForm::c_srai,     Op::srai,   8,  8,  0, 0},
};
// clang-format on

} // namespace

TEST_CASE("compressed instructions expand to their 32-bit equivalent") {
    for (const Expansion& e : kExpansions) {
        CAPTURE(e.assembly);
        const DecodedInsn d = decode(0xffff0000u | e.bits); // the upper half is the next instruction's
        CHECK(d.len == 2);
        CHECK(d.raw == e.bits);
        CHECK(d.compressed == e.form);
        CHECK(d.op == e.op);
        CHECK(d.rd == e.rd);
        CHECK(d.rs1 == e.rs1);
        CHECK(d.rs2 == e.rs2);
        CHECK(d.imm == e.imm);
    }
}

TEST_CASE("reserved compressed encodings are illegal") {
    const struct {
        uint16_t bits;
        const char* why;
    } reserved[] = {
        {0x0000, "all-zero halfword"},
        {0x0004, "c.addi4spn with nzuimm=0"},
        {0x2001, "c.addiw with rd=0"},
        {0x4002, "c.lwsp with rd=0"},
        {0x6002, "c.ldsp with rd=0"},
        {0x8002, "c.jr with rs1=0"},
        {0x6101, "c.addi16sp with nzimm=0"},
        {0x6501, "c.lui with nzimm=0"},
        {0x8000, "quadrant 0, funct3=100"},
        {0x9c41, "reserved c.subw/c.addw neighbour"},
        {0x9c61, "reserved c.subw/c.addw neighbour"},
    };
    for (const auto& r : reserved) {
        CAPTURE(r.why);
        const DecodedInsn d = decode16(r.bits);
        CHECK(d.op == Op::illegal);
        CHECK(d.len == 2);
        CHECK(d.raw == r.bits);
        CHECK(d.compressed == kNotCompressed);
    }
}

TEST_CASE("RV32-only compressed encodings mean something else on RV64") {
    // RV32's c.jal (Q1 funct3=001) is c.addiw on RV64; RV32's c.flw (Q0 funct3=011) is c.ld.
    CHECK(decode16(0x2505).compressed == CompressedForm::c_addiw);
    CHECK(decode16(0x6080).compressed == CompressedForm::c_ld);
}

TEST_CASE("every halfword decodes consistently") {
    unsigned legal = 0;
    for (uint32_t bits = 0; bits < 0x10000; ++bits) {
        if ((bits & 3) == 3) continue; // 32-bit instructions
        const DecodedInsn d = decode16(static_cast<uint16_t>(bits));
        REQUIRE(d.len == 2);
        REQUIRE(d.raw == bits);
        REQUIRE((d.op == Op::illegal) == (d.compressed == kNotCompressed));
        legal += d.op != Op::illegal;
    }
    // The reserved space of RV64C (spec tables 16.5-16.7), counted from the encodings:
    //   c.addi4spn nzuimm=0: 8 (rd')            quadrant 0 funct3=100: 2^11
    //   c.addiw rd=0: 2^6                       c.lui/c.addi16sp nzimm=0: 32 (rd)
    //   funct6=100111 with funct2=1x: 2*8*8     c.lwsp rd=0 and c.ldsp rd=0: 2*2^6
    //   c.jr rs1=0: 1
    constexpr unsigned kReserved = 8 + 2048 + 64 + 32 + 128 + 2 * 64 + 1;
    CHECK(legal == 3 * 0x4000 - kReserved);
}
