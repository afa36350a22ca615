#include <doctest/doctest.h>

#include "cpu/decoder.hpp"

using namespace tern;

TEST_CASE("decoder picks the most specific encoding") {
    CHECK(decode32(0x0100000f).op == Op::pause); // fence w,0 is pause
    CHECK(decode32(0x0ff0000f).op == Op::fence);
    CHECK(decode32(0x8330000f).op == Op::fence_tso);
}

TEST_CASE("decoder extracts fields and immediates") {
    DecodedInsn d = decode32(0xfff00513); // addi a0,zero,-1
    CHECK(d.op == Op::addi);
    CHECK(d.rd == 10);
    CHECK(d.rs1 == 0);
    CHECK(d.imm == -1);
    d = decode32(0x00b50463); // beq a0,a1,+8
    CHECK(d.op == Op::beq);
    CHECK(d.imm == 8);
    d = decode32(0xffdff06f); // jal zero,-4
    CHECK(d.op == Op::jal);
    CHECK(d.imm == -4);
    d = decode32(0x800002b7); // lui t0,0x80000
    CHECK(d.op == Op::lui);
    CHECK(d.imm == -0x80000000ll);
    d = decode32(0x03f51513); // slli a0,a0,63
    CHECK(d.op == Op::slli);
    CHECK(d.imm == 63);
    d = decode32(0xfe553c23); // sd t0,-8(a0)
    CHECK(d.op == Op::sd);
    CHECK(d.imm == -8);
}

TEST_CASE("unknown encodings decode as illegal") {
    CHECK(decode32(0xffffffff).op == Op::illegal);
    CHECK(decode32(0x00000000 | 3).op == Op::lb); // lb zero,0(zero) is a valid encoding
    CHECK(decode32(0x0200100b).op == Op::illegal); // custom-0 opcode
}
