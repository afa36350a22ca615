#pragma once
// What a savestate holds, section by section: the one list that saving and
// loading both walk, so the two cannot drift apart.
#include <cstdint>
#include <string>
#include <vector>

#include "core/state_archive.hpp"

namespace tern {
class BlockBackend;
class Device;
class Machine;
struct MachineConfig;
} // namespace tern

namespace tern::savestate {

// The machine configuration a file records, so that loading needs nothing else.
struct SavedConfig {
    std::string tern_version;
    uint64_t ram_size = 0;
    uint32_t harts = 0;
    bool deterministic = false;
    struct Disk {
        std::string path; // as given to -drive when saved (shown; opened only for a referenced disk)
        bool read_only = false;
        uint64_t size = 0;
        uint64_t hash = 0; // XXH3-64 of the content (checked for a referenced disk)
    };
    std::vector<Disk> disks;

    void serialize(StateArchive& archive);
};

// Every part of a machine as one section, in file order (after the config section).
struct SectionPart {
    enum class Kind { Hart, Machine, Device, Ram, Disk };
    std::string name;
    uint32_t version;
    Kind kind;
    unsigned index = 0;        // hart or disk number
    Device* device = nullptr; // Kind::Device
};
std::vector<SectionPart> sections_of(Machine& machine, bool disks_embedded);

// Saves or loads one small section's fields (harts, the machine, devices).
void serialize_part(Machine& machine, const SectionPart& part, StateArchive& archive);

// XXH3-64 of a disk's content (read in pieces); throws when the disk cannot be read.
uint64_t disk_hash(BlockBackend& disk);

} // namespace tern::savestate
