// The GDB stub's protocol side (gdb/): framing, hex fields, and a session answering packets on a
// machine that is not running, hostile packets included.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gdb/hex.hpp"
#include "gdb/packet.hpp"
#include "gdb/registers.hpp"
#include "gdb/session.hpp"
#include "gdb/target_xml.hpp"
#include "hw/machine.hpp"

using namespace tern;
using namespace tern::gdb;

namespace {

std::vector<PacketReader::Event> feed(PacketReader& reader, std::string_view bytes) {
    std::vector<PacketReader::Event> events;
    for (char c : bytes)
        if (auto e = reader.feed(static_cast<uint8_t>(c))) events.push_back(*e);
    return events;
}

using Kind = PacketReader::Event::Kind;

std::unique_ptr<Machine> small_machine(unsigned harts = 2) {
    MachineConfig config;
    config.accel = Accel::Interpreter;
    config.harts = harts;
    config.ram_size = 1 << 20;
    return std::make_unique<Machine>(config);
}

std::string reply(Session& s, std::string_view packet) {
    const Outcome out = s.handle(packet);
    return out.replies.empty() ? "<none>" : out.replies.back();
}

} // namespace

TEST_CASE("gdb: framing, checksums, acks and the interrupt byte") {
    PacketReader r;
    auto events = feed(r, "+$g#67-\x03$m0,4#fd");
    REQUIRE(events.size() == 5);
    CHECK(events[0].kind == Kind::Ack);
    CHECK(events[1].kind == Kind::Packet);
    CHECK(events[1].payload == "g");
    CHECK(events[2].kind == Kind::Nak);
    CHECK(events[3].kind == Kind::Interrupt);
    CHECK(events[4].kind == Kind::Packet);
    CHECK(events[4].payload == "m0,4");
    // A wrong checksum, a checksum that is not hex, noise between packets, a restart inside one.
    events = feed(r, "$g#00$g#zz garbage $m0$g#67");
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == Kind::Corrupt);
    CHECK(events[1].kind == Kind::Corrupt);
    CHECK(events[2].kind == Kind::Packet);
    CHECK(events[2].payload == "g");
    // Past the limit: one TooLong event, whatever the length.
    std::string big = "$" + std::string(PacketReader::kMaxPayload + 10, 'a') + "#";
    uint8_t sum = 0;
    for (size_t i = 1; i + 1 < big.size(); ++i) sum = static_cast<uint8_t>(sum + 'a');
    append_hex_le(big, sum, 1);
    events = feed(r, big);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == Kind::TooLong);
    CHECK(frame("OK") == "$OK#9a");
    CHECK(escape("a$b#c}d*") == "a}\x04" "b}\x03" "c}]d}\x0a");
    CHECK(unescape("a}\x04" "b}]") == "a$b}");
    CHECK_FALSE(unescape("ab}"));
}

TEST_CASE("gdb: hex fields are checked digit by digit") {
    CHECK(parse_hex("1a2B") == 0x1a2b);
    CHECK(parse_hex("ffffffffffffffff") == ~0ull);
    CHECK_FALSE(parse_hex(""));
    CHECK_FALSE(parse_hex("10000000000000000")); // 17 digits
    CHECK_FALSE(parse_hex("-1"));
    CHECK_FALSE(parse_hex("0x10"));
    CHECK_FALSE(parse_hex("12 "));
    CHECK(parse_hex_le("0100000000000080", 8) == 0x8000000000000001);
    CHECK_FALSE(parse_hex_le("01", 8));
    CHECK_FALSE(parse_hex_bytes("abc"));
    CHECK_FALSE(parse_hex_bytes("zz"));
    CHECK(parse_hex_bytes("00ff") == std::vector<uint8_t>{0, 255});
}

TEST_CASE("gdb: the target description names every register the stub serves") {
    const std::string& xml = target_xml();
    CHECK(xml.find("<architecture>riscv:rv64</architecture>") != std::string::npos);
    for (const char* feature : {"org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", "org.gnu.gdb.riscv.csr",
                                "org.gnu.gdb.riscv.virtual"})
        CHECK(xml.find(feature) != std::string::npos);
    CHECK(xml.find("name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"") != std::string::npos);
    CHECK(xml.find("name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"68\"") != std::string::npos);
    CHECK(xml.find("name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"833\"") != std::string::npos); // 65 + 0x300
    CHECK(xml.find("name=\"satp\"") != std::string::npos);
    CHECK(xml.find("name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"4161\"") != std::string::npos);
    CHECK(register_size(kPcRegnum) == 8);
    CHECK(register_size(kFirstCsrRegnum + 3) == 4);
    CHECK(register_size(kFirstCsrRegnum + 0x7ff) == 0); // no such CSR
}

TEST_CASE("gdb: registers, memory and points of a stopped machine") {
    auto m = small_machine();
    Session s(*m);
    constexpr uint64_t kRam = MachineConfig::kRamBase;
    m->harts[1]->state.x[10] = 0x1122334455667788;
    m->harts[1]->state.pc = kRam + 0x100;

    CHECK(reply(s, "qfThreadInfo") == "m1,2");
    CHECK(reply(s, "qsThreadInfo") == "l");
    CHECK(reply(s, "Hg2") == "OK");
    CHECK(reply(s, "qC") == "QC2");
    CHECK(reply(s, "pa") == "8877665544332211");
    CHECK(reply(s, "p20") == "0001008000000000"); // pc
    const std::string g = reply(s, "g");
    CHECK(g.size() == 33 * 16);
    CHECK(g.substr(10 * 16, 16) == "8877665544332211");
    CHECK(reply(s, "Pb=0200000000000000") == "OK");
    CHECK(m->harts[1]->state.x[11] == 2);
    CHECK(reply(s, "P0=0200000000000000") == "OK");
    CHECK(m->harts[1]->state.x[0] == 0); // x0 stays zero
    CHECK(reply(s, "Pf55=0100000000000000") == "E16"); // mhartid (65 + 0xf14) is read-only
    CHECK(reply(s, "P1004=0100000000000000") == "E02"); // 0x1004 - 65: no such CSR
    CHECK(reply(s, "P1041=0200000000000000") == "E16"); // priv 2 does not exist
    CHECK(reply(s, "P1041=0100000000000000") == "OK");
    CHECK(m->harts[1]->state.priv == Privilege::Supervisor);
    CHECK(reply(s, "p44") == "00000000"); // fcsr, 4 bytes

    // Memory: RAM, the boot ROM (read only), nothing else.
    CHECK(reply(s, "M80000000,4:13050000") == "OK");
    CHECK(reply(s, "m80000000,4") == "13050000");
    CHECK(reply(s, "X80000004,0:") == "OK");
    CHECK(reply(s, "X80000004,2:}\x03}]") == "OK"); // '#' and '}' escaped
    CHECK(reply(s, "m80000004,2") == "237d");
    CHECK(reply(s, "m1000,4").size() == 8);
    CHECK(reply(s, "M1000,4:00000000") == "E14");
    CHECK(reply(s, "m10000000,1") == "E14"); // the UART: a read would have side effects
    CHECK(reply(s, "m0,4") == "E14");
    CHECK(reply(s, "m800ffffe,8") == "0000"); // a short read at the end of RAM

    // Breakpoints and watchpoints reach the machine, and leave it with the session.
    CHECK(reply(s, "Z0,80000000,4") == "OK");
    CHECK(reply(s, "Z0,80000000,4") == "OK");
    CHECK(reply(s, "z0,80000000,4") == "OK");
    CHECK(m->has_breakpoint(kRam));
    CHECK(reply(s, "Z2,80000100,8") == "OK");
    CHECK(m->watchpoints().size() == 1);
    CHECK(reply(s, "z3,80000100,8") == "E16"); // not the one inserted
    CHECK(reply(s, "Z4,80000100,0") == "E16"); // an empty range
    s.clear_points();
    CHECK_FALSE(m->has_breakpoint(kRam));
    CHECK(m->watchpoints().empty());

    // Resuming: what to do is the server's.
    Outcome out = s.handle("vCont;s:2;c");
    CHECK(out.resume.kind == Resume::Kind::Step);
    CHECK(out.resume.hart == 1);
    CHECK(out.replies.empty());
    CHECK(s.handle("vCont;c").resume.kind == Resume::Kind::Continue);
    out = s.handle("vCont;c:2"); // GDB's software single-step: only that thread runs
    CHECK(out.resume.kind == Resume::Kind::ContinueHart);
    CHECK(out.resume.hart == 1);
    CHECK(s.handle("vCont;c:2;c").resume.kind == Resume::Kind::Continue);
    CHECK(s.handle("vCont;c:1;c:2").resume.kind == Resume::Kind::Continue);
    CHECK(s.handle("vCont;c:-1").resume.kind == Resume::Kind::Continue);
    CHECK(s.handle("c").resume.kind == Resume::Kind::Continue);
    CHECK(s.handle("D").resume.kind == Resume::Kind::Detach);
    CHECK(s.handle("k").resume.kind == Resume::Kind::Kill);

    // Stop replies name the thread, and a watchpoint's address inside the range GDB set.
    CHECK(s.stop_reply({DebugStop::Reason::Breakpoint, 1, kRam}) == "T05thread:2;");
    CHECK(s.stop_reply({DebugStop::Reason::Interrupted, 0, 0}) == "T02thread:1;");
    CHECK(reply(s, "Z2,80000104,4") == "OK");
    CHECK(s.stop_reply({DebugStop::Reason::Watchpoint, 0, kRam + 0x100, true}) == "T05watch:80000104;thread:1;");
    CHECK(reply(s, "?") == "T05thread:1;"); // the last stop, as a plain SIGTRAP
    s.clear_points();
}

TEST_CASE("gdb: malformed packets get error replies") {
    auto m = small_machine();
    Session s(*m);
    for (const char* packet : {"p", "pzz", "p10000000000000000", "P20", "P20=", "P20=12", "P20=zz00000000000000",
                               "G00", "m", "m80000000", "m80000000,", "m,4", "mx,4", "M80000000,4:130500",
                               "M80000000,2:zzzz", "M80000000,1", "X80000000,2:a", "X80000000,1:}",
                               "M80000000,100000:00", "Z0,80000000", "Z0,80000000,3", "Z9,0,4", "Z,0,4", "Hx1",
                               "H", "Hg", "Hg5", "Hc-2", "T9", "vCont;x", "vCont;s:9", "vCont;", "Cxx", "qRcmd,zz",
                               "qXfer:features:read:target.xml:0", "qXfer:features:read:other.xml:0,10",
                               "qThreadExtraInfo,0"}) {
        CAPTURE(packet);
        const std::string r = reply(s, packet);
        const bool error = r.size() == 3 && r[0] == 'E';
        CHECK((error || r.empty()));
    }
    CHECK(reply(s, "Z9,0,4").empty()); // an unknown point type: not supported
    CHECK(reply(s, "qUnknown").empty());
}

TEST_CASE("gdb: qSupported, qXfer and monitor commands") {
    auto m = small_machine(1);
    Session s(*m);
    CHECK(reply(s, "qSupported:multiprocess+;swbreak+").find("qXfer:features:read+") != std::string::npos);
    const std::string& xml = target_xml();
    std::string read;
    for (;;) {
        std::string offset;
        append_hex_le(offset, read.size() >> 8, 1); // two hex digits of a big-endian number: read.size() < 64 KiB
        append_hex_le(offset, read.size() & 0xff, 1);
        const std::string r = reply(s, "qXfer:features:read:target.xml:" + offset + ",3e8");
        REQUIRE((r.front() == 'm' || r.front() == 'l'));
        read += *unescape(r.substr(1));
        if (r.front() == 'l') break;
    }
    CHECK(read == xml);

    const Outcome out = s.handle("qRcmd," + hex_bytes("phys on"));
    REQUIRE(out.replies.size() == 2);
    CHECK(out.replies.back() == "OK");
    CHECK(out.replies.front() == "O" + hex_bytes("memory access is physical\n"));
    CHECK(s.physical());
    CHECK(s.handle("qRcmd," + hex_bytes("savestate /tmp/x")).replies.front() ==
          "O" + hex_bytes("savestate is not available here\n"));
    CHECK(s.handle("qRcmd," + hex_bytes("frobnicate")).replies.front().find(hex_bytes("unknown monitor command")) ==
          1);
    CHECK(s.handle("qRcmd," + hex_bytes("guest-errors")).replies.size() == 2);
}
