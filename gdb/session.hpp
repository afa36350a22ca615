#pragma once
// One GDB connection's side of the remote protocol (GDB manual, "Remote Protocol"), in all-stop
// mode: every hart is a thread (id = hart + 1); registers, memory, breakpoints and watchpoints
// of the stopped machine; what to resume and how. It only answers packets: the server
// (gdb/server.hpp) reads and writes the connection, resumes the machine and waits for its stops.
//
// Every packet is hostile input: numbers, lengths, register numbers, thread ids and addresses
// are checked, and a malformed packet gets an error reply ("E" and two hex digits).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/watchpoints.hpp"
#include "gdb/monitor.hpp"
#include "hw/machine.hpp"

namespace tern::gdb {

// What the server does after a packet, besides sending the replies.
struct Resume {
    enum class Kind : uint8_t { None, Continue, ContinueHart, Step, Detach, Kill };
    Kind kind = Kind::None;
    unsigned hart = 0; // Step, ContinueHart: the hart that runs (the others stay stopped)
};

struct Outcome {
    std::vector<std::string> replies; // payloads, sent in order (monitor output comes as O packets first)
    Resume resume;
};

class Session {
  public:
    // Longest m/M/X data (bytes) and qXfer chunk: the replies fit PacketReader::kMaxPayload.
    static constexpr uint64_t kMaxTransfer = 0x1000;
    // Watchpoints one session may set (each is checked on every access to its pages).
    static constexpr size_t kMaxWatchpoints = 64;

    Session(Machine& machine, StateFiles files = {});

    // Answers one packet's payload. Only while the harts are stopped (all-stop: GDB sends
    // nothing else while they run, except the interrupt byte, which the server handles).
    Outcome handle(std::string_view payload);

    // The stop reply for `stop` ("T05thread:01;", with watch:ADDR; for a watchpoint); the
    // stopped hart becomes the current thread. Never for Reason::Exited (the server sends W).
    std::string stop_reply(const DebugStop& stop);
    // Records a stop that GDB is not told about as such (the stop on connecting): '?' reports it.
    void note_stop(const DebugStop& stop);

    // Another machine replaces this one (a guest reset, monitor loadstate): the breakpoints and
    // watchpoints go over to it, and thread ids past its harts fall back to the first.
    void set_machine(Machine& machine);
    // Removes every breakpoint and watchpoint this session set (detach, a closed connection).
    void clear_points();

    bool physical() const { return physical_; }

  private:
    std::string handle_query(std::string_view payload, Outcome& out);
    std::string read_registers();
    std::string write_registers(std::string_view hex);
    std::string read_register(std::string_view args);
    std::string write_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory(std::string_view args, bool binary);
    std::string change_point(std::string_view args, bool insert);
    std::string set_thread(std::string_view args);
    std::string resume(std::string_view args, bool step, Outcome& out);
    std::string resume_vcont(std::string_view actions, Outcome& out);
    std::string monitor(std::string_view hex, Outcome& out);
    std::string read_features(std::string_view args);
    std::string thread_extra_info(std::string_view args);

    // A thread id: -1 (all), 0 (any) or a hart's id + 1; nullopt when it names no hart.
    std::optional<int> parse_thread(std::string_view text) const;
    Hart& register_hart(); // Hg's hart, or the stopped one
    unsigned step_hart() const;

    struct WatchpointEntry {
        Watchpoint point;
        char type; // '2' write, '3' read, '4' access: how GDB asked for it
    };

    Machine* machine_;
    StateFiles files_;
    bool physical_ = false;
    int general_hart_ = -1;  // Hg (-1: the stopped hart)
    int continue_hart_ = -1; // Hc (-1: all, or the stopped hart for a step)
    DebugStop last_stop_;
    std::map<uint64_t, unsigned> breakpoints_; // address -> how many times GDB inserted it
    std::vector<WatchpointEntry> watchpoints_;
};

} // namespace tern::gdb
