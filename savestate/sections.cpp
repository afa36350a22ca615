#include "savestate/sections.hpp"

#include <xxhash.h>

#include "core/bus.hpp"
#include "hw/machine.hpp"
#include "savestate/format.hpp"

namespace tern::savestate {

void SavedConfig::serialize(StateArchive& archive) {
    archive.string("tern_version", tern_version, 64);
    archive("ram_size", ram_size);
    archive.require(ram_size >= (1ull << 20) && ram_size <= MachineConfig::kMaxRamSize && ram_size % kPageSize == 0,
                    "ram_size", "= " + std::to_string(ram_size) + " is not a RAM size Tern can build");
    archive("harts", harts);
    archive.require(harts >= 1 && harts <= kMaxCodeOwners, "harts",
                    "= " + std::to_string(harts) + " is outside 1.." + std::to_string(kMaxCodeOwners));
    archive("deterministic", deterministic);
    disks.resize(archive.count("disks", disks.size(), MachineConfig::kMaxDrives));
    for (Disk& disk : disks) {
        archive.string("disk_path", disk.path, kMaxPath);
        archive("disk_read_only", disk.read_only);
        archive("disk_size", disk.size);
        archive.require(disk.size <= kMaxDiskSize, "disk_size", "= " + std::to_string(disk.size) + " is too large");
        archive("disk_hash", disk.hash);
    }
}

std::vector<SectionPart> sections_of(Machine& machine, bool disks_embedded) {
    std::vector<SectionPart> parts;
    for (auto& hart : machine.harts)
        parts.push_back({"hart" + std::to_string(hart->id()), kHartVersion, SectionPart::Kind::Hart,
                         static_cast<unsigned>(hart->id())});
    parts.push_back({std::string(kMachineSection), kMachineVersion, SectionPart::Kind::Machine});
    for (Device* device : machine.bus.devices())
        parts.push_back({std::string(device->name()), device->state_version(), SectionPart::Kind::Device, 0, device});
    parts.push_back({std::string(kRamSection), kRamVersion, SectionPart::Kind::Ram});
    if (disks_embedded)
        for (unsigned i = 0; i < machine.disks.size(); ++i)
            parts.push_back({"disk" + std::to_string(i), kDiskVersion, SectionPart::Kind::Disk, i});
    return parts;
}

void serialize_part(Machine& machine, const SectionPart& part, StateArchive& archive) {
    switch (part.kind) {
    case SectionPart::Kind::Hart: machine.harts[part.index]->serialize(archive); break;
    case SectionPart::Kind::Machine: machine.serialize(archive); break;
    case SectionPart::Kind::Device: part.device->serialize(archive); break;
    case SectionPart::Kind::Ram:
    case SectionPart::Kind::Disk: throw std::logic_error("RAM and disks are streamed, not archived");
    }
    archive.finish();
}

uint64_t disk_hash(BlockBackend& disk) {
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    std::vector<uint8_t> chunk(1 << 20);
    for (uint64_t offset = 0; offset < disk.size(); offset += chunk.size()) {
        const std::span<uint8_t> piece(chunk.data(), std::min<uint64_t>(chunk.size(), disk.size() - offset));
        if (!disk.read(offset, piece)) {
            XXH3_freeState(state);
            throw std::runtime_error("cannot read a disk to hash it");
        }
        XXH3_64bits_update(state, piece.data(), piece.size());
    }
    const uint64_t hash = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return hash;
}

} // namespace tern::savestate
