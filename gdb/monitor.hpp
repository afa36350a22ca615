#pragma once
// GDB's `monitor` commands (qRcmd), run with the harts stopped:
//   help, guest-errors [N], harts, phys [on|off], savestate FILE, loadstate FILE.
#include <functional>
#include <string>
#include <string_view>

namespace tern {
class Machine;
}

namespace tern::gdb {

// What monitor commands may do outside the machine: write a savestate file, and load one into a
// machine that replaces the running one. The server gives both; without them (the fuzzer) the
// commands say they are not available. Each returns the line GDB prints.
struct StateFiles {
    std::function<std::string(Machine&, const std::string& path)> save, load;
};

// Runs `command`; returns what GDB prints (lines ending in '\n'). `physical` is the session's
// memory mode, which `phys` shows and sets.
std::string monitor_command(Machine& machine, bool& physical, const StateFiles& files, std::string_view command);

} // namespace tern::gdb
