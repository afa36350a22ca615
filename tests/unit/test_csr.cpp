// The CSR file: names, access rules and the WARL behaviour of each CSR.
#include <doctest/doctest.h>

#include "cpu/csr_bits.hpp"
#include "cpu/csr_file.hpp"
#include "cpu/interpreter.hpp"
#include "test_csr_harness.hpp"

using namespace tern;
using namespace tern::test;
using namespace tern::csr_bits;

namespace {
constexpr uint16_t kMstatus = 0x300, kMisa = 0x301, kMedeleg = 0x302, kMideleg = 0x303, kMie = 0x304,
                   kMtvec = 0x305, kMcounteren = 0x306, kMenvcfg = 0x30a, kMcountinhibit = 0x320,
                   kMepc = 0x341, kMip = 0x344, kMcycle = 0xb00, kMinstret = 0xb02, kMhartid = 0xf14,
                   kSstatus = 0x100, kSie = 0x104, kStvec = 0x105, kScounteren = 0x106, kSenvcfg = 0x10a,
                   kSepc = 0x141, kSip = 0x144, kStimecmp = 0x14d, kSatp = 0x180, kCycle = 0xc00,
                   kTime = 0xc01, kInstret = 0xc02, kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003,
                   kPmpcfg0 = 0x3a0, kPmpaddr0 = 0x3b0;
constexpr uint64_t kMcauseIllegal = 2;

uint64_t satp_value(uint64_t mode, uint64_t asid, uint64_t ppn) { return mode << 60 | asid << 44 | ppn; }
} // namespace

TEST_CASE("csr_name knows every implemented CSR and nothing else") {
    CHECK(csr_name(0x300) == "mstatus");
    CHECK(csr_name(0x180) == "satp");
    CHECK(csr_name(0xc1f) == "hpmcounter31");
    CHECK(csr_name(0xb03) == "mhpmcounter3");
    CHECK(csr_name(0x323) == "mhpmevent3");
    CHECK(csr_name(0x3a2) == "pmpcfg2");
    CHECK(csr_name(0x3bd) == "pmpaddr13");
    CHECK(csr_name(0x3ef) == "pmpaddr63");
    CHECK(csr_name(0x14d) == "stimecmp");
    CHECK(csr_name(0x003) == "fcsr");
    CHECK(csr_name(0x3a1).empty()); // odd pmpcfg registers exist only on RV32
    CHECK(csr_name(0xc80).empty()); // cycleh: RV32 only
    CHECK(csr_name(0x7c0).empty());
}

TEST_CASE("an unimplemented CSR raises illegal-instruction with the instruction bits in mtval") {
    TestHart t;
    t.x(5) = 0x1234;
    const uint32_t raw = csrrs(5, 0x7c0, 0);
    CHECK_FALSE(t.exec(raw));
    CHECK(t.csr().mcause == kMcauseIllegal);
    CHECK(t.csr().mtval == raw);
    CHECK(t.csr().mepc == TestHart::kRamBase);
    CHECK(t.x(5) == 0x1234); // rd not written
}

TEST_CASE("csrrw/csrrs/csrrc and their immediate forms read the old value and write the new one") {
    TestHart t;
    t.x(1) = 0xf0f0;
    REQUIRE(t.exec(csrrw(2, 0x340, 1))); // mscratch
    CHECK(t.x(2) == 0);
    CHECK(t.csr().mscratch == 0xf0f0);
    t.x(1) = 0x000f;
    REQUIRE(t.exec(csrrs(2, 0x340, 1)));
    CHECK(t.x(2) == 0xf0f0);
    CHECK(t.csr().mscratch == 0xf0ff);
    t.x(1) = 0x00f0;
    REQUIRE(t.exec(csrrc(2, 0x340, 1)));
    CHECK(t.x(2) == 0xf0ff);
    CHECK(t.csr().mscratch == 0xf00f);
    REQUIRE(t.exec(csrrwi(2, 0x340, 31)));
    CHECK(t.x(2) == 0xf00f);
    CHECK(t.csr().mscratch == 31);
    REQUIRE(t.exec(csrrci(2, 0x340, 1)));
    CHECK(t.csr().mscratch == 30);
    REQUIRE(t.exec(csrrsi(2, 0x340, 1)));
    CHECK(t.csr().mscratch == 31);
    // rd == rs1: the old CSR value lands in rd, the CSR gets the old register value.
    t.x(3) = 7;
    REQUIRE(t.exec(csrrw(3, 0x340, 3)));
    CHECK(t.x(3) == 31);
    CHECK(t.csr().mscratch == 7);
}

TEST_CASE("read-only CSRs: reads are legal, write attempts are illegal even when they would change nothing") {
    TestHart t;
    REQUIRE(t.exec(csrrs(5, kMhartid, 0)));
    CHECK(t.x(5) == 0);
    CHECK(t.exec(csrrsi(6, kCycle, 0)));
    t.x(1) = 0;
    CHECK_FALSE(t.exec(csrrs(5, kMhartid, 1))); // rs1 != x0 counts as a write whatever its value
    CHECK_FALSE(t.exec(csrrw(0, kMhartid, 0)));
    CHECK_FALSE(t.exec(csrrci(0, 0xf11, 1)));
    CHECK(t.csr().mcause == kMcauseIllegal);
    CHECK(csr_read(t.hart, 0xf11) == 0); // mvendorid: non-commercial
    CHECK(csr_read(t.hart, 0xf15) == 0); // mconfigptr: none
}

TEST_CASE("CSR privilege comes from address bits 9:8") {
    TestHart t;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK_FALSE(t.exec(csrrs(5, kMstatus, 0)));
    t.hart.state.priv = Privilege::Supervisor;
    CHECK(t.exec(csrrs(5, kSstatus, 0)));
    t.hart.state.priv = Privilege::User;
    CHECK_FALSE(t.exec(csrrs(5, kSstatus, 0)));
    CHECK(t.hart.state.priv == Privilege::Machine); // the trap went to M
    CHECK(csr_accessible(t.hart, 0x300, false));
}

TEST_CASE("mstatus WARL: fixed XLEN fields, no big-endian, MPP never 2, SD derived from FS") {
    TestHart t;
    csr_write(t.hart, kMstatus, ~0ull);
    const uint64_t v = csr_read(t.hart, kMstatus);
    CHECK(((v & kSXL) >> 34) == 2);
    CHECK(((v & kUXL) >> 32) == 2);
    CHECK((v & kUBE) == 0);
    CHECK((v & (1ull << 36 | 1ull << 37)) == 0); // SBE, MBE
    CHECK((v & kXS) == 0);
    CHECK((v & (3ull << 9)) == 0); // VS: no V extension
    CHECK((v & kFS) == kFSDirty);
    CHECK((v & kSD) != 0);
    for (uint64_t bit : {kSIE, kMIE, kSPIE, kMPIE, kSPP, kMPP, kMPRV, kSUM, kMXR, kTVM, kTW, kTSR})
        CHECK((v & bit) == bit);

    csr_write(t.hart, kMstatus, 1ull << kMPPShift | 1ull << kFSShift); // MPP=S, FS=Initial
    CHECK(((csr_read(t.hart, kMstatus) & kMPP) >> kMPPShift) == 1);
    CHECK((csr_read(t.hart, kMstatus) & kSD) == 0);
    csr_write(t.hart, kMstatus, 2ull << kMPPShift); // reserved: MPP keeps S
    CHECK(((csr_read(t.hart, kMstatus) & kMPP) >> kMPPShift) == 1);
    csr_write(t.hart, kMstatus, 0);
    CHECK(((csr_read(t.hart, kMstatus) & kSXL) >> 34) == 2);
}

TEST_CASE("sstatus is a restricted view of mstatus") {
    TestHart t;
    csr_write(t.hart, kMstatus, kMIE | kMPIE | kTVM);
    csr_write(t.hart, kSstatus, ~0ull);
    const uint64_t m = t.csr().mstatus;
    CHECK((m & (kSIE | kSPIE | kSPP | kSUM | kMXR)) == (kSIE | kSPIE | kSPP | kSUM | kMXR));
    CHECK((m & kFS) == kFSDirty);
    CHECK((m & (kMIE | kMPIE | kTVM)) == (kMIE | kMPIE | kTVM)); // M fields untouched
    CHECK((m & (kMPP | kMPRV | kTW | kTSR)) == 0);
    const uint64_t s = csr_read(t.hart, kSstatus);
    CHECK((s & (kMIE | kMPIE | kTVM | kMPP)) == 0);
    CHECK((s & kSD) != 0);
    CHECK(((s & kUXL) >> 32) == 2);
    CHECK((s & kSXL) == 0);
    csr_write(t.hart, kSstatus, 0);
    CHECK((t.csr().mstatus & (kMIE | kMPIE | kTVM)) == (kMIE | kMPIE | kTVM));
    CHECK((t.csr().mstatus & (kSIE | kSPP | kSUM)) == 0);
}

TEST_CASE("changes of MPRV, MPP, SUM or MXR flush the TLB; other mstatus writes do not") {
    TestHart t;
    for (uint64_t bit : {kMPRV, kSUM, kMXR, uint64_t{1} << kMPPShift}) {
        t.fill_tlb();
        csr_write(t.hart, kMstatus, bit);
        CHECK(t.tlb_flushed());
        csr_write(t.hart, kMstatus, 0);
    }
    t.fill_tlb();
    csr_write(t.hart, kMstatus, kMIE);
    CHECK_FALSE(t.tlb_flushed());
}

TEST_CASE("misa reports RV64IMAFDCSU and ignores writes") {
    TestHart t;
    const uint64_t misa = csr_read(t.hart, kMisa);
    CHECK((misa >> 62) == 2);
    for (char c : {'I', 'M', 'A', 'F', 'D', 'C', 'S', 'U'})
        CHECK(((misa >> (c - 'A')) & 1) == 1);
    CHECK(((misa >> ('V' - 'A')) & 1) == 0);
    CHECK(((misa >> ('H' - 'A')) & 1) == 0);
    csr_write(t.hart, kMisa, 0);
    CHECK(csr_read(t.hart, kMisa) == misa);
}

TEST_CASE("medeleg cannot delegate ecall from M; mideleg holds only the supervisor interrupts") {
    TestHart t;
    csr_write(t.hart, kMedeleg, ~0ull);
    const uint64_t e = csr_read(t.hart, kMedeleg);
    CHECK(((e >> 11) & 1) == 0);
    uint64_t delegable = 0; // every standard exception but ecall from M (10 and 14 are reserved)
    for (unsigned c : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 12u, 13u, 15u})
        delegable |= 1ull << c;
    CHECK(e == delegable);
    csr_write(t.hart, kMideleg, ~0ull);
    CHECK(csr_read(t.hart, kMideleg) == (kSSIP | kSTIP | kSEIP));
}

TEST_CASE("mie holds the six standard enables; M may write only SSIP, STIP and SEIP of mip") {
    TestHart t;
    csr_write(t.hart, kMie, ~0ull);
    CHECK(csr_read(t.hart, kMie) == (kSSIP | kMSIP | kSTIP | kMTIP | kSEIP | kMEIP));
    csr_write(t.hart, kMip, ~0ull);
    CHECK(csr_read(t.hart, kMip) == (kSSIP | kSTIP | kSEIP));
    t.csr().mip |= kMTIP; // driven by the CLINT
    csr_write(t.hart, kMip, 0);
    CHECK(csr_read(t.hart, kMip) == kMTIP);
}

TEST_CASE("sie and sip show only delegated interrupts; sip writes only SSIP") {
    TestHart t;
    csr_write(t.hart, kMie, ~0ull);
    t.csr().mip = kSSIP | kSTIP | kSEIP | kMTIP;
    CHECK(csr_read(t.hart, kSie) == 0);
    CHECK(csr_read(t.hart, kSip) == 0);
    csr_write(t.hart, kMideleg, kSSIP | kSTIP);
    CHECK(csr_read(t.hart, kSie) == (kSSIP | kSTIP));
    CHECK(csr_read(t.hart, kSip) == (kSSIP | kSTIP));
    csr_write(t.hart, kSie, 0);
    CHECK(t.csr().mie == (kMSIP | kMTIP | kSEIP | kMEIP)); // SEIE not delegated: untouched
    csr_write(t.hart, kSip, 0);
    CHECK(t.csr().mip == (kSTIP | kSEIP | kMTIP)); // only SSIP cleared
    csr_write(t.hart, kSip, ~0ull);
    CHECK(t.csr().mip == (kSSIP | kSTIP | kSEIP | kMTIP));
}

TEST_CASE("mtvec and stvec keep direct and vectored modes and ignore reserved modes") {
    TestHart t;
    for (uint16_t addr : {kMtvec, kStvec}) {
        csr_write(t.hart, addr, 0x8000'0100);
        CHECK(csr_read(t.hart, addr) == 0x8000'0100);
        csr_write(t.hart, addr, 0x8000'0201);
        CHECK(csr_read(t.hart, addr) == 0x8000'0201);
        csr_write(t.hart, addr, 0x8000'0302);
        CHECK(csr_read(t.hart, addr) == 0x8000'0201);
        csr_write(t.hart, addr, 0x8000'0303);
        CHECK(csr_read(t.hart, addr) == 0x8000'0201);
    }
}

TEST_CASE("mepc and sepc clear bit 0 and, with C, keep bit 1") {
    TestHart t;
    for (uint16_t addr : {kMepc, kSepc}) {
        csr_write(t.hart, addr, 0x8000'0003);
        CHECK(csr_read(t.hart, addr) == 0x8000'0002);
    }
}

TEST_CASE(
    "counter enables are 32 bits, mcountinhibit has no TM bit, menvcfg/senvcfg keep implemented fields") {
    TestHart t;
    csr_write(t.hart, kMcounteren, ~0ull);
    CHECK(csr_read(t.hart, kMcounteren) == 0xffff'ffff);
    csr_write(t.hart, kScounteren, ~0ull);
    CHECK(csr_read(t.hart, kScounteren) == 0xffff'ffff);
    csr_write(t.hart, kMcountinhibit, ~0ull);
    CHECK(csr_read(t.hart, kMcountinhibit) == 0xffff'fffd);
    csr_write(t.hart, kMenvcfg, ~0ull);
    CHECK(csr_read(t.hart, kMenvcfg) == (kSTCE | 1));
    csr_write(t.hart, kSenvcfg, ~0ull);
    CHECK(csr_read(t.hart, kSenvcfg) == 1);
}

TEST_CASE("hpm counters and events are read-only zero") {
    TestHart t;
    for (unsigned i = 3; i < 32; ++i) {
        const auto n = static_cast<uint16_t>(i);
        CHECK(t.exec(csrrw(0, static_cast<uint16_t>(0xb00 + n), 1)));
        CHECK(t.exec(csrrw(0, static_cast<uint16_t>(0x320 + n), 1)));
        t.x(1) = ~0ull;
        t.exec(csrrw(0, static_cast<uint16_t>(0xb00 + n), 1));
        t.exec(csrrw(0, static_cast<uint16_t>(0x320 + n), 1));
        CHECK(csr_read(t.hart, static_cast<uint16_t>(0xb00 + n)) == 0);
        CHECK(csr_read(t.hart, static_cast<uint16_t>(0x320 + n)) == 0);
        CHECK(csr_read(t.hart, static_cast<uint16_t>(0xc00 + n)) == 0);
    }
}

TEST_CASE("satp stores only Bare, Sv39 and Sv48, and every write flushes the TLB") {
    TestHart t;
    const uint64_t sv39 = satp_value(8, 0x1234, 0x80123);
    t.fill_tlb();
    csr_write(t.hart, kSatp, sv39);
    CHECK(csr_read(t.hart, kSatp) == sv39);
    CHECK(t.tlb_flushed());
    for (uint64_t mode : {1ull, 7ull, 10ull, 11ull, 15ull}) {
        csr_write(t.hart, kSatp, satp_value(mode, 1, 2));
        CHECK(csr_read(t.hart, kSatp) == sv39);
    }
    const uint64_t sv48 = satp_value(9, 0xffff, 0xfff'ffff'ffff);
    csr_write(t.hart, kSatp, sv48);
    CHECK(csr_read(t.hart, kSatp) == sv48);
    csr_write(t.hart, kSatp, 0);
    CHECK(csr_read(t.hart, kSatp) == 0);
}

TEST_CASE("mstatus.TVM makes satp illegal in S-mode only") {
    TestHart t;
    t.csr().mstatus |= kTVM;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK_FALSE(t.exec(csrrs(5, kSatp, 0)));
    CHECK(t.csr().mcause == kMcauseIllegal);
    CHECK(t.exec(csrrs(5, kSatp, 0))); // now in M after the trap
    t.csr().mstatus &= ~kTVM;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK(t.exec(csrrs(5, kSatp, 0)));
}

TEST_CASE("user counters are gated by mcounteren in S and by both enables in U") {
    TestHart t;
    for (uint16_t addr :
         {kCycle, kTime, kInstret, static_cast<uint16_t>(0xc03), static_cast<uint16_t>(0xc1f)}) {
        const uint64_t bit = 1ull << (addr - kCycle);
        CAPTURE(addr);
        t.csr().mcounteren = 0;
        t.csr().scounteren = ~0ull;
        t.hart.state.priv = Privilege::Supervisor;
        CHECK_FALSE(t.exec(csrrs(5, addr, 0)));
        t.hart.state.priv = Privilege::User;
        CHECK_FALSE(t.exec(csrrs(5, addr, 0)));
        t.csr().mcounteren = bit;
        t.csr().scounteren = 0;
        t.hart.state.priv = Privilege::Supervisor;
        CHECK(t.exec(csrrs(5, addr, 0)));
        t.hart.state.priv = Privilege::User;
        CHECK_FALSE(t.exec(csrrs(5, addr, 0)));
        t.csr().scounteren = bit;
        t.hart.state.priv = Privilege::User;
        CHECK(t.exec(csrrs(5, addr, 0)));
        t.hart.state.priv = Privilege::Machine;
        t.csr().mcounteren = 0;
        CHECK(t.exec(csrrs(5, addr, 0)));
    }
}

TEST_CASE("cycle and instret read mcycle and minstret; time reads the machine clock") {
    TestHart t;
    t.csr().mcycle = 1000;
    t.csr().minstret = 500;
    REQUIRE(t.exec(csrrs(5, kCycle, 0)));
    CHECK(t.x(5) == 1000);
    REQUIRE(t.exec(csrrs(5, kInstret, 0)));
    CHECK(t.x(5) == 500);
    t.clock.set_mtime(1'000'000'000);
    REQUIRE(t.exec(csrrs(5, kTime, 0)));
    const uint64_t after = t.clock.mtime();
    CHECK(t.x(5) >= 1'000'000'000);
    CHECK(t.x(5) <= after);
}

TEST_CASE("a write of minstret or mcycle is what the next instruction reads") {
    TestHart t;
    t.x(1) = 100;
    for (uint16_t addr : {kMinstret, kMcycle}) {
        uint64_t pc = TestHart::kRamBase;
        t.hart.state.pc = pc;
        t.bus.write(pc, 4, csrrw(0, addr, 1));
        t.bus.write(pc + 4, 4, csrrs(5, addr, 0));
        REQUIRE(interpret_one(t.hart) == 1);
        REQUIRE(interpret_one(t.hart) == 1);
        CHECK(t.x(5) == 100);
    }
    // An inhibited counter does not advance, so it stores the value as written.
    t.csr().mcountinhibit = 1 << 2;
    csr_write(t.hart, kMinstret, 42);
    CHECK(t.csr().minstret == 42);
}

TEST_CASE("fflags, frm and fcsr: illegal while FS is Off; writes make FS Dirty") {
    TestHart t;
    CHECK_FALSE(t.exec(csrrs(5, kFcsr, 0)));
    CHECK_FALSE(t.exec(csrrs(5, kFflags, 0)));
    CHECK_FALSE(t.exec(csrrs(5, kFrm, 0)));
    t.csr().mstatus |= 1ull << kFSShift; // Initial
    t.x(1) = ~0ull;
    REQUIRE(t.exec(csrrw(0, kFflags, 1)));
    CHECK(t.csr().fcsr == 0x1f);
    CHECK((t.csr().mstatus & kFS) == kFSDirty);
    CHECK((t.csr().mstatus & kSD) != 0);
    REQUIRE(t.exec(csrrwi(5, kFrm, 3)));
    CHECK(t.x(5) == 0);
    CHECK(t.csr().fcsr == (3 << 5 | 0x1f));
    REQUIRE(t.exec(csrrs(5, kFcsr, 0)));
    CHECK(t.x(5) == (3 << 5 | 0x1f));
    REQUIRE(t.exec(csrrw(5, kFcsr, 1)));
    CHECK(t.csr().fcsr == 0xff);
    REQUIRE(t.exec(csrrs(5, kFrm, 0)));
    CHECK(t.x(5) == 7);
    REQUIRE(t.exec(csrrci(5, kFflags, 0x3)));
    CHECK(t.x(5) == 0x1f);
    CHECK(t.csr().fcsr == 0xfc);
    t.hart.state.priv = Privilege::User; // user-level CSRs
    CHECK(t.exec(csrrs(5, kFcsr, 0)));
}

TEST_CASE("PMP configuration WARL: reserved bits, R=0/W=1, unimplemented entries") {
    TestHart t;
    csr_write(t.hart, kPmpcfg0, 0x0000'0000'0000'ff1f);
    CHECK(csr_read(t.hart, kPmpcfg0) == 0x9f1f);        // bits 6:5 reserved
    csr_write(t.hart, kPmpcfg0, 0x0000'0000'0000'0203); // entry 1: W without R
    CHECK(csr_read(t.hart, kPmpcfg0) == 0x9f03);        // entry 1 keeps its previous value
    csr_write(t.hart, 0x3a2, 0x1f0f'0000'0000'0001);    // pmpcfg2: entries 8..15
    CHECK(t.csr().pmp.cfg[8] == 0x01);
    CHECK(t.csr().pmp.cfg[15] == 0x1f);
    csr_write(t.hart, 0x3a4, ~0ull); // pmpcfg4: entries 16..23 are not implemented
    CHECK(csr_read(t.hart, 0x3a4) == 0);
    csr_write(t.hart, kPmpaddr0, ~0ull);
    CHECK(csr_read(t.hart, kPmpaddr0) == (1ull << 54) - 1);
    csr_write(t.hart, 0x3b0 + 20, ~0ull);
    CHECK(csr_read(t.hart, 0x3b0 + 20) == 0);
}

TEST_CASE("PMP locking: L freezes the entry, and a locked TOR entry freezes the address below") {
    TestHart t;
    constexpr uint64_t kL = 0x80, kTor = 1 << 3, kNapot = 3 << 3, kR = 1;
    csr_write(t.hart, kPmpaddr0 + 0, 0x100);
    csr_write(t.hart, kPmpaddr0 + 1, 0x200);
    csr_write(t.hart, kPmpaddr0 + 2, 0x300);
    csr_write(t.hart, kPmpaddr0 + 3, 0x400);
    // entry 1: TOR, locked; entry 3: NAPOT, locked
    csr_write(t.hart, kPmpcfg0, (kL | kTor | kR) << 8 | (kL | kNapot | kR) << 24);
    csr_write(t.hart, kPmpaddr0 + 0, 0x111); // bottom of locked TOR entry 1
    csr_write(t.hart, kPmpaddr0 + 1, 0x222); // locked
    csr_write(t.hart, kPmpaddr0 + 2, 0x333); // below a locked NAPOT entry: writable
    csr_write(t.hart, kPmpaddr0 + 3, 0x444); // locked
    CHECK(csr_read(t.hart, kPmpaddr0 + 0) == 0x100);
    CHECK(csr_read(t.hart, kPmpaddr0 + 1) == 0x200);
    CHECK(csr_read(t.hart, kPmpaddr0 + 2) == 0x333);
    CHECK(csr_read(t.hart, kPmpaddr0 + 3) == 0x400);
    // Locked cfg bytes ignore writes; unlocked neighbours still change.
    csr_write(t.hart, kPmpcfg0, 0x0303'0303);
    CHECK(csr_read(t.hart, kPmpcfg0) ==
          ((kL | kNapot | kR) << 24 | 0x03 << 16 | (kL | kTor | kR) << 8 | 0x03));
    // Only a reset unlocks: writing L=0 via M-mode does nothing.
    csr_write(t.hart, kPmpcfg0, 0);
    CHECK(t.csr().pmp.cfg[1] == (kL | kTor | kR));
}

TEST_CASE("PMP CSR writes flush the TLB") {
    TestHart t;
    t.fill_tlb();
    csr_write(t.hart, kPmpaddr0, 0x1000);
    CHECK(t.tlb_flushed());
    t.fill_tlb();
    csr_write(t.hart, kPmpcfg0, 0x1f);
    CHECK(t.tlb_flushed());
}

TEST_CASE("Sstc: stimecmp needs menvcfg.STCE and mcounteren.TM below M") {
    TestHart t;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK_FALSE(t.exec(csrrs(5, kStimecmp, 0)));
    t.csr().menvcfg = kSTCE;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK_FALSE(t.exec(csrrs(5, kStimecmp, 0))); // TM clear
    t.csr().mcounteren = 2;
    t.csr().menvcfg = 0;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK_FALSE(t.exec(csrrs(5, kStimecmp, 0))); // STCE clear
    t.csr().menvcfg = kSTCE;
    t.hart.state.priv = Privilege::Supervisor;
    CHECK(t.exec(csrrs(5, kStimecmp, 0)));
    CHECK(t.x(5) == ~0ull);
    t.hart.state.priv = Privilege::User;
    CHECK_FALSE(t.exec(csrrs(5, kStimecmp, 0)));
    t.csr().menvcfg = 0;
    t.csr().mcounteren = 0;
    CHECK(t.exec(csrrs(5, kStimecmp, 0))); // M-mode always
}

TEST_CASE("Sstc: with STCE, STIP follows stimecmp and is not writable through mip") {
    TestHart t;
    t.clock.set_mtime(5000);
    csr_write(t.hart, kMenvcfg, kSTCE);
    CHECK((t.csr().mip & kSTIP) == 0); // stimecmp resets to all ones
    csr_write(t.hart, kStimecmp, 0);
    CHECK((t.csr().mip & kSTIP) != 0);
    csr_write(t.hart, kMip, 0);
    CHECK((t.csr().mip & kSTIP) != 0);
    csr_write(t.hart, kStimecmp, ~0ull);
    CHECK((t.csr().mip & kSTIP) == 0);
    csr_write(t.hart, kMip, kSTIP);
    CHECK((t.csr().mip & kSTIP) == 0);
    csr_write(t.hart, kMenvcfg, 0); // without Sstc, M writes STIP
    csr_write(t.hart, kMip, kSTIP);
    CHECK((t.csr().mip & kSTIP) != 0);
}

TEST_CASE("mip.SEIP is the OR of the software bit and the PLIC line; clearing one keeps the other") {
    test::TestHart t;
    using namespace csr_bits;
    t.csr().seip_external = true;
    csr_write(t.hart, 0x344, kSEIP); // software sets SEIP
    CHECK((csr_read(t.hart, 0x344) & kSEIP) != 0);
    csr_write(t.hart, 0x344, 0); // software clears its bit: the PLIC line still holds SEIP
    CHECK((csr_read(t.hart, 0x344) & kSEIP) != 0);
    CHECK_FALSE(t.csr().seip_software);
    t.csr().seip_external = false;
    csr_write(t.hart, 0x344, 0);
    CHECK((csr_read(t.hart, 0x344) & kSEIP) == 0);
}

TEST_CASE("csrrs on mip does not latch the PLIC's SEIP line into the software bit") {
    test::TestHart t;
    t.csr().seip_external = true;
    t.csr().mip |= kSEIP;
    t.x(5) = kSSIP;
    CHECK(t.exec(csrrs(6, 0x344, 5))); // csrrs t1, mip, t0: what OpenSBI does to raise SSIP
    CHECK((t.x(6) & kSEIP) != 0);      // the read shows the line
    CHECK_FALSE(t.csr().seip_software); // but the write did not copy it into the software bit
    t.csr().seip_external = false;
    csr_write(t.hart, 0x344, csr_read_for_update(t.hart, 0x344));
    CHECK((csr_read(t.hart, 0x344) & kSEIP) == 0);
    CHECK((csr_read(t.hart, 0x344) & kSSIP) != 0);
}

TEST_CASE("debug trigger CSRs exist but implement no trigger: tselect and tdata1 read 0, writes are ignored") {
    test::TestHart t;
    for (uint16_t addr : {0x7a0, 0x7a1, 0x7a2, 0x7a3}) {
        CAPTURE(addr);
        CHECK(csr_accessible(t.hart, addr, true));
        csr_write(t.hart, addr, ~0ull);
        CHECK(csr_read(t.hart, addr) == 0);
    }
    t.hart.state.priv = Privilege::Supervisor; // M-mode only
    CHECK_FALSE(csr_accessible(t.hart, 0x7a0, false));
}
