#include <doctest/doctest.h>

#include "cpu/decoder.hpp"
#include "cpu/disassembler.hpp"

using namespace tern;

namespace {

// The text objdump -d prints (aliases) and objdump -d -M no-aliases prints for one instruction.
struct Case {
    uint32_t bits;
    uint64_t pc;
    const char* aliases;
    const char* raw;
};

void check(const Case& c, PrivSpec spec = PrivSpec::v1_12) {
    CAPTURE(c.bits);
    const DecodedInsn d = decode(c.bits);
    CHECK(disassemble(d, c.pc, {.aliases = true, .priv_spec = spec}) == c.aliases);
    CHECK(disassemble(d, c.pc, {.aliases = false, .priv_spec = spec}) == c.raw);
}

} // namespace

TEST_CASE("integer instructions and their pseudo-instructions") {
    const Case cases[] = {
        {0x00000537, 0, "lui\ta0,0x0", "lui\ta0,0x0"},
        {0x80000437, 0, "lui\ts0,0x80000", "lui\ts0,0x80000"},
        {0xfffff297, 0, "auipc\tt0,0xfffff", "auipc\tt0,0xfffff"},
        {0xfff00513, 0, "li\ta0,-1", "addi\ta0,zero,-1"},
        {0x00058513, 0, "mv\ta0,a1", "addi\ta0,a1,0"},
        {0x00000013, 0, "nop", "addi\tzero,zero,0"},
        {0xff010113, 0, "add\tsp,sp,-16", "addi\tsp,sp,-16"},
        {0x0015b513, 0, "seqz\ta0,a1", "sltiu\ta0,a1,1"},
        {0xfff5c513, 0, "not\ta0,a1", "xori\ta0,a1,-1"},
        {0x0ff5f513, 0, "zext.b\ta0,a1", "andi\ta0,a1,255"},
        {0x03f59513, 0, "sll\ta0,a1,0x3f", "slli\ta0,a1,0x3f"},
        {0x40c00533, 0, "neg\ta0,a2", "sub\ta0,zero,a2"},
        {0x00c03533, 0, "snez\ta0,a2", "sltu\ta0,zero,a2"},
        {0x0005a533, 0, "sltz\ta0,a1", "slt\ta0,a1,zero"},
        {0x00c02533, 0, "sgtz\ta0,a2", "slt\ta0,zero,a2"},
        {0x0005851b, 0, "sext.w\ta0,a1", "addiw\ta0,a1,0"},
        {0x40c0053b, 0, "negw\ta0,a2", "subw\ta0,zero,a2"},
        {0xffc42383, 0, "lw\tt2,-4(s0)", "lw\tt2,-4(s0)"},
        {0x7f4aafa3, 0, "sw\ts4,2047(s5)", "sw\ts4,2047(s5)"},
    };
    for (const Case& c : cases)
        check(c);
}

TEST_CASE("jumps and branches print absolute targets") {
    const Case cases[] = {
        {0xfe5ff06f, 0x1c, "j\t0", "jal\tzero,0"},
        {0xfe1ff0ef, 0x20, "jal\t0", "jal\tra,0"},
        {0x578002ef, 0x24, "jal\tt0,59c", "jal\tt0,59c"},
        {0x00008067, 0, "ret", "jalr\tzero,0(ra)"},
        {0x00050067, 0, "jr\ta0", "jalr\tzero,0(a0)"},
        {0x80030067, 0, "jr\t-2048(t1)", "jalr\tzero,-2048(t1)"},
        {0x000500e7, 0, "jalr\ta0", "jalr\tra,0(a0)"},
        {0x00058567, 0, "jalr\ta0,a1", "jalr\ta0,0(a1)"},
        {0x54050863, 0x4c, "beqz\ta0,59c", "beq\ta0,zero,59c"},
        {0xfa0514e3, 0x58, "bnez\ta0,0", "bne\ta0,zero,0"},
        {0x52a04a63, 0x68, "bgtz\ta0,59c", "blt\tzero,a0,59c"},
        {0x52a05463, 0x74, "blez\ta0,59c", "bge\tzero,a0,59c"},
        {0xfe0008e3, 0x8000000000000010, "beqz\tzero,8000000000000000", "beq\tzero,zero,8000000000000000"},
    };
    for (const Case& c : cases)
        check(c);
}

TEST_CASE("CSR instructions, names and numbers") {
    const Case cases[] = {
        {0x30059573, 0, "csrrw\ta0,mstatus,a1", "csrrw\ta0,mstatus,a1"},
        {0x30059073, 0, "csrw\tmstatus,a1", "csrrw\tzero,mstatus,a1"},
        {0xf1402573, 0, "csrr\ta0,mhartid", "csrrs\ta0,mhartid,zero"},
        {0x3052d073, 0, "csrw\tmtvec,5", "csrrwi\tzero,mtvec,5"},
        {0x305fd573, 0, "csrrw\ta0,mtvec,31", "csrrwi\ta0,mtvec,31"},
        {0x7c059573, 0, "csrrw\ta0,0x7c0,a1", "csrrw\ta0,0x7c0,a1"},
        {0xc0002573, 0, "rdcycle\ta0", "csrrs\ta0,cycle,zero"},
        {0x00102573, 0, "frflags\ta0", "csrrs\ta0,fflags,zero"},
        {0x00151073, 0, "fsflags\ta0", "csrrw\tzero,fflags,a0"},
        {0x0020d5f3, 0, "fsrmi\ta1,1", "csrrwi\ta1,frm,1"},
        {0x003515f3, 0, "fscsr\ta1,a0", "csrrw\ta1,fcsr,a0"},
        {0x3b002573, 0, "csrr\ta0,pmpaddr0", "csrrs\ta0,pmpaddr0,zero"},
        {0xc0001073, 0, "unimp", "unimp"},
    };
    for (const Case& c : cases)
        check(c);
    // The CSR names depend on the privileged-spec version, as objdump takes it from the ELF attributes.
    check({0x30a02573, 0, "csrr\ta0,menvcfg", "csrrs\ta0,menvcfg,zero"}, PrivSpec::v1_12);
    check({0x30a02573, 0, "csrr\ta0,0x30a", "csrrs\ta0,0x30a,zero"}, PrivSpec::v1_11);
    check({0x00002573, 0, "csrr\ta0,ustatus", "csrrs\ta0,ustatus,zero"}, PrivSpec::v1_11);
}

TEST_CASE("fences, atomics and system instructions") {
    const Case cases[] = {
        {0x0ff0000f, 0, "fence", "fence\tiorw,iorw"},
        {0x0210000f, 0, "fence\tr,w", "fence\tr,w"},
        {0x0f00000f, 0, "fence\tiorw,unknown", "fence\tiorw,unknown"},
        {0x8330000f, 0, "fence.tso", "fence.tso"},
        {0x0100000f, 0, "pause", "pause"},
        {0x0000100f, 0, "fence.i", "fence.i"},
        {0x1605a52f, 0, "lr.w.aqrl\ta0,(a1)", "lr.w.aqrl\ta0,(a1)"},
        {0x02c5a02f, 0, "amoadd.w.rl\tzero,a2,(a1)", "amoadd.w.rl\tzero,a2,(a1)"},
        {0x18c5b52f, 0, "sc.d\ta0,a2,(a1)", "sc.d\ta0,a2,(a1)"},
        {0x12000073, 0, "sfence.vma", "sfence.vma\tzero,zero"},
        {0x12050073, 0, "sfence.vma\ta0", "sfence.vma\ta0,zero"},
        {0x30200073, 0, "mret", "mret"},
    };
    for (const Case& c : cases)
        check(c);
}

TEST_CASE("floating point: rounding modes and sign-injection aliases") {
    const Case cases[] = {
        {0x00c5f553, 0, "fadd.s\tfa0,fa1,fa2", "fadd.s\tfa0,fa1,fa2"}, // dyn is not printed
        {0x00c58553, 0, "fadd.s\tfa0,fa1,fa2,rne", "fadd.s\tfa0,fa1,fa2,rne"},
        {0x00c5c553, 0, "fadd.s\tfa0,fa1,fa2,rmm", "fadd.s\tfa0,fa1,fa2,rmm"},
        {0xd005d553, 0, "fcvt.s.w\tfa0,a1,unknown", "fcvt.s.w\tfa0,a1,unknown"},
        {0x68c5b54f, 0, "fnmadd.s\tfa0,fa1,fa2,fa3,rup", "fnmadd.s\tfa0,fa1,fa2,fa3,rup"},
        {0xd2058553, 0, "fcvt.d.w\tfa0,a1", "fcvt.d.w\tfa0,a1"},     // exact: no rounding mode
        {0xd2059553, 0, ".4byte\t0xd2059553", ".4byte\t0xd2059553"}, // binutils knows only rm=rne
        {0x20b58553, 0, "fmv.s\tfa0,fa1", "fsgnj.s\tfa0,fa1,fa1"},
        {0x22b59553, 0, "fneg.d\tfa0,fa1", "fsgnjn.d\tfa0,fa1,fa1"},
        {0x20b5a553, 0, "fabs.s\tfa0,fa1", "fsgnjx.s\tfa0,fa1,fa1"},
        {0x80012f87, 0, "flw\tft11,-2048(sp)", "flw\tft11,-2048(sp)"},
        {0xe2058553, 0, "fmv.x.d\ta0,fa1", "fmv.x.d\ta0,fa1"},
    };
    for (const Case& c : cases)
        check(c);
}

TEST_CASE("bit manipulation") {
    const Case cases[] = {
        {0x0805853b, 0, "zext.w\ta0,a1", "add.uw\ta0,a1,zero"},
        {0x08c5853b, 0, "add.uw\ta0,a1,a2", "add.uw\ta0,a1,a2"},
        {0x0bf5951b, 0, "slli.uw\ta0,a1,0x3f", "slli.uw\ta0,a1,0x3f"},
        {0x63f5d513, 0, "ror\ta0,a1,0x3f", "rori\ta0,a1,0x3f"},
        {0x4bf59513, 0, "bclr\ta0,a1,0x3f", "bclri\ta0,a1,0x3f"},
        {0x6b85d513, 0, "rev8\ta0,a1", "rev8\ta0,a1"},
        {0x0805c53b, 0, "zext.h\ta0,a1", "zext.h\ta0,a1"},
    };
    for (const Case& c : cases)
        check(c);
}

TEST_CASE("compressed instructions") {
    const Case cases[] = {
        {0x0040, 0, "add\ts0,sp,4", "c.addi4spn\ts0,sp,4"},
        {0x3ffc, 0, "fld\tfa5,248(a5)", "c.fld\tfa5,248(a5)"},
        {0x0001, 0, "nop", "c.addi\tzero,0"},
        {0x0005, 0, "c.nop\t1", "c.addi\tzero,1"},
        {0x0101, 0, "add\tsp,sp,0", "c.addi\tsp,0"},
        {0x2501, 0, "sext.w\ta0,a0", "c.addiw\ta0,0"},
        {0x5501, 0, "li\ta0,-32", "c.li\ta0,-32"},
        {0x4015, 0, "c.li\tzero,5", "c.li\tzero,5"},
        {0x7101, 0, "add\tsp,sp,-512", "c.addi16sp\tsp,-512"},
        {0x7081, 0, "lui\tra,0xfffe0", "c.lui\tra,0xfffe0"},
        {0x93fd, 0, "srl\ta5,a5,0x3f", "c.srli\ta5,0x3f"},
        {0x0502, 0, "c.slli64\ta0", "c.slli64\ta0"},
        {0x9b81, 0, "and\ta5,a5,-32", "c.andi\ta5,-32"},
        {0x9fa9, 0, "addw\ta5,a5,a0", "c.addw\ta5,a0"},
        {0xb745, 0x5fc, "j\t59c", "c.j\t59c"},
        {0xcb9d, 0x602, "beqz\ta5,638", "c.beqz\ta5,638"},
        {0x70fe, 0, "ld\tra,504(sp)", "c.ldsp\tra,504(sp)"},
        {0x8082, 0, "ret", "c.jr\tra"},
        {0x852e, 0, "mv\ta0,a1", "c.mv\ta0,a1"},
        {0x802a, 0, "c.mv\tzero,a0", "c.mv\tzero,a0"},
        {0x9002, 0, "ebreak", "c.ebreak"},
        {0x9502, 0, "jalr\ta0", "c.jalr\ta0"},
        {0x917e, 0, "add\tsp,sp,t6", "c.add\tsp,t6"},
        {0xff86, 0, "sd\tra,504(sp)", "c.sdsp\tra,504(sp)"},
        {0x0000, 0, "unimp", "c.unimp"},
        {0x8002, 0, ".2byte\t0x8002", ".2byte\t0x8002"},
    };
    for (const Case& c : cases)
        check(c);
}

TEST_CASE("unknown encodings print as data") {
    check({0x0200100b, 0, ".4byte\t0x200100b", ".4byte\t0x200100b"});
    check(
        {0x8ff0000f, 0, ".4byte\t0x8ff0000f", ".4byte\t0x8ff0000f"}); // fence with fm=8 that is not fence.tso
}
