// libFuzzer target: the GDB stub's packet side (gdb/packet.cpp, gdb/session.cpp and what it calls:
// hex fields, registers, memory, points, monitor commands), fed what a hostile client could send.
// A refusal is an error reply; a crash, hang, leak or sanitizer report is a bug.
//
// Encoding: byte 0 picks the mode, the rest is its input.
//   byte0 & 1 == 0  a byte stream as it comes off the socket: framed through PacketReader (checksums,
//                   escapes, the interrupt byte), each good packet answered by the session.
//   byte0 & 1 == 1  payloads without framing, one per line ('\n'), answered directly: most mutations
//                   land in the packets' fields instead of breaking checksums.
// Seeds (tests/fuzz/corpus/fuzz_gdb, from make_gdb_seeds.py) are the packets of real GDB sessions.
//
// The machine is never run (continue and step are only decided, not done). It is built once, with
// two harts and 1 MiB of RAM; a fresh session per input removes its points at the end.
#include <cstdint>
#include <memory>
#include <string_view>

#include "gdb/packet.hpp"
#include "gdb/session.hpp"
#include "hw/machine.hpp"

using namespace tern;

namespace {

Machine& machine() {
    static std::unique_ptr<Machine> m = [] {
        MachineConfig config;
        config.accel = Accel::Interpreter;
        config.harts = 2;
        config.ram_size = 1 << 20;
        return std::make_unique<Machine>(config);
    }();
    return *m;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    gdb::Session session(machine()); // no StateFiles: savestate and loadstate touch no file
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((data[0] & 1) == 0) {
        gdb::PacketReader reader;
        for (char c : input)
            if (auto event = reader.feed(static_cast<uint8_t>(c)))
                if (event->kind == gdb::PacketReader::Event::Kind::Packet) session.handle(event->payload);
    } else {
        std::string_view rest = input;
        while (!rest.empty()) {
            const size_t end = std::min(rest.find('\n'), rest.size());
            session.handle(rest.substr(0, end));
            rest.remove_prefix(std::min(end + 1, rest.size()));
        }
    }
    session.clear_points();
    return 0;
}
