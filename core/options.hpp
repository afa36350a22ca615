#pragma once
// The command line: a QEMU-compatible subset plus Tern's own long options,
// parsed from one table (core/options.cpp) into plain data.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine_config.hpp"

namespace tern {

struct Options {
    enum class Action { Run, Help, Version, SavestateInfo };
    Action action = Action::Run;
    MachineConfig machine;
    std::string machine_type = "virt";  // -M
    bool nographic = false;             // -nographic: the console is stdio (the only console so far)
    bool ui = false;                    // --ui: the debugger window
    std::vector<std::string> log_items; // -d item,item,...
    std::string log_file;               // -D FILE
    bool ram_given = false, harts_given = false; // -m, -smp (a loaded savestate must agree)

    // The GDB stub (gdb/): -s is -gdb tcp::1234. Loopback unless a host is given.
    struct GdbAddress {
        std::string host = "127.0.0.1";
        uint16_t port = 1234; // 0: any free port
    };
    std::optional<GdbAddress> gdb; // -s, -gdb tcp:[HOST]:PORT
    bool start_stopped = false;    // -S: the harts wait for the debugger

    // Savestates (savestate/README.md).
    std::string loadstate;           // --loadstate FILE: start from this file
    std::string savestate;           // --savestate FILE: where --savestate-at and Ctrl-A s write
    std::optional<uint64_t> savestate_at; // --savestate-at N (deterministic runs)
    std::string savestate_dir = "."; // --savestate-dir DIR: Ctrl-A s's dated files go here
    bool savestate_reference = false; // --savestate-disks reference: disks by path and hash
    std::string savestate_info;      // --savestate-info FILE
};

struct ParseResult {
    Options options;
    std::string error; // empty on success; otherwise one line, without the "tern: " prefix
};

// Parses argv[1..]; never exits or prints.
ParseResult parse_command_line(std::span<const char* const> args);

// Refuses option combinations the machine cannot run yet (firmware boot,
// -initrd/-append without a device tree); empty when runnable.
std::string check_supported(const Options& options);

// "-m" syntax: a decimal count with an optional M or G suffix; no suffix means MiB, as in QEMU.
std::optional<uint64_t> parse_ram_size(std::string_view text);

// The guest-error log classes (LogClass bits) that the -d items ask to see.
uint8_t log_class_mask(const Options& options);

// Whether -d names `item` (e.g. "jit": JIT counters at exit, "out_asm": translated code).
bool log_item_enabled(const Options& options, std::string_view item);

std::string usage_text();
// "0.1": this Tern's version, as savestates record it.
std::string_view tern_version();
std::string version_text();

} // namespace tern
