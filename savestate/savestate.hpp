#pragma once
// Savestates: a whole machine in one zstd file (format: savestate/format.hpp and README.md).
// Saving needs the harts stopped (Machine::with_harts_paused); loading builds a fresh
// machine that nothing else sees until the whole file has validated.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/machine_config.hpp"

namespace tern {
class Machine;
}

namespace tern::savestate {

// Disks are embedded by default (the file is self-contained), or recorded by path, size and hash.
enum class DiskMode : uint8_t { Embed, Reference };

struct SaveOptions {
    DiskMode disks = DiskMode::Embed;
    int level = 3;   // zstd level
    int threads = 2; // zstd worker threads, for payloads of 64 MiB and more
};

// Writes `machine`, whose harts are stopped, to `path`: into a temporary file beside it that
// replaces `path` only once complete. Throws std::runtime_error with one line.
void save(Machine& machine, const std::string& path, const SaveOptions& options = {});

// What the command line says next to --loadstate: the machine comes from the file, the
// engine and limits from here; a -m, -smp or -drive that differs from the file is an error.
struct LoadOptions {
    MachineConfig command_line;
    bool ram_given = false, harts_given = false;
};

// Builds a machine from `path`. Throws std::runtime_error with one line: "FILE: section: field why".
std::unique_ptr<Machine> load(const std::string& path, const LoadOptions& options);

// The same, from a payload that is already decompressed (no header): for the fuzzer.
std::unique_ptr<Machine> load_payload(std::span<const uint8_t> payload, bool disks_embedded,
                                      const LoadOptions& options);

// A description of what `path` holds (format, Tern version, machine, disks, sections), after
// validating it by a full load. Throws like load().
std::string describe(const std::string& path);

} // namespace tern::savestate
