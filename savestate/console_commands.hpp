#pragma once
// Ctrl-A s and Ctrl-A l on a running machine: save it to a dated file (or the
// --savestate file) and go on; load the last file saved, validated in full
// into a new machine that replaces the running one only if the load succeeds.
#include <memory>
#include <string>

#include "savestate/savestate.hpp"

namespace tern {
class Machine;
enum class ConsoleCommand;
} // namespace tern

namespace tern::savestate {

class ConsoleCommands {
  public:
    // `file`: where Ctrl-A s writes (empty: a dated name in `dir`); `last`: what Ctrl-A l loads
    // before anything was saved (the --loadstate file, or empty).
    ConsoleCommands(std::string file, std::string dir, SaveOptions save, MachineConfig command_line, std::string last)
        : file_(std::move(file)), dir_(std::move(dir)), save_(save), command_line_(std::move(command_line)),
          last_(std::move(last)) {}

    // Serves `command` for `machine` (Machine::on_console_command); returns the console's text.
    std::string serve(Machine& machine, ConsoleCommand command);
    // The machine a successful Ctrl-A l built, once.
    std::unique_ptr<Machine> take_replacement() { return std::move(replacement_); }
    bool has_replacement() const { return replacement_ != nullptr; }

  private:
    std::string next_path() const;
    std::string file_, dir_;
    SaveOptions save_;
    MachineConfig command_line_;
    std::string last_;
    std::unique_ptr<Machine> replacement_;
};

} // namespace tern::savestate
