// Saving: every section but RAM and the disks is archived into memory first
// (they are small), so the table of lengths can lead the payload; RAM and the
// disks are measured, then streamed through the compressor page by page.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <unistd.h>
#include <xxhash.h>

#include "core/options.hpp"
#include "hw/machine.hpp"
#include "savestate/block_list.hpp"
#include "savestate/format.hpp"
#include "savestate/savestate.hpp"
#include "savestate/sections.hpp"
#include "savestate/zstd_stream.hpp"

namespace tern::savestate {

namespace {

void put_le(std::vector<uint8_t>& out, uint64_t value, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i)
        out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

struct Entry {
    std::string name;
    uint32_t version;
    uint64_t length;
};

// Closes and removes the temporary file unless the save completed.
struct TempFile {
    std::string path;
    std::FILE* file = nullptr;
    ~TempFile() {
        if (file) {
            std::fclose(file);
            std::remove(path.c_str());
        }
    }
};

} // namespace

std::vector<uint8_t> encode_header(uint32_t flags, uint64_t payload_size) {
    std::vector<uint8_t> header(kMagic.begin(), kMagic.end());
    put_le(header, kFormatVersion, 4);
    put_le(header, flags, 4);
    put_le(header, payload_size, 8);
    put_le(header, XXH64(header.data(), header.size(), 0), 8);
    return header;
}

void save(Machine& machine, const std::string& path, const SaveOptions& options) {
    auto lock = machine.bus.lock_devices(); // device state stands still too (the I/O thread feeds the UART)
    const bool embed = options.disks == DiskMode::Embed;

    SavedConfig config;
    config.tern_version = tern_version();
    config.ram_size = machine.config.ram_size;
    config.harts = static_cast<uint32_t>(machine.harts.size());
    config.deterministic = machine.config.deterministic;
    for (size_t i = 0; i < machine.disks.size(); ++i) {
        BlockBackend& disk = machine.disks[i]->backend();
        config.disks.push_back({machine.config.drives[i].file, disk.read_only(), disk.size(),
                                embed ? 0 : disk_hash(disk)});
    }

    std::vector<Entry> table;
    std::vector<std::vector<uint8_t>> bodies; // the small sections, in table order
    StateArchive config_archive;
    config.serialize(config_archive);
    table.push_back({std::string(kConfigSection), kConfigVersion, config_archive.output().size()});
    bodies.push_back(std::move(config_archive.output()));

    const std::vector<SectionPart> parts = sections_of(machine, embed);
    // RAM and the disks as block lists (savestate/block_list.hpp), each read once to find its blocks.
    auto image_of = [&](const SectionPart& part) -> BlockSource {
        if (part.kind == SectionPart::Kind::Ram) return {machine.ram.size(), machine.ram.bytes().data(), true};
        BlockBackend& disk = machine.disks[part.index]->backend();
        return {disk.size(), nullptr, false,
                [&disk](uint64_t offset, std::span<uint8_t> out) { return disk.read(offset, out); }};
    };
    std::vector<BlockList> block_lists; // in table order
    for (const SectionPart& part : parts) {
        if (part.kind == SectionPart::Kind::Ram || part.kind == SectionPart::Kind::Disk) {
            block_lists.push_back(find_blocks(image_of(part)));
            table.push_back({part.name, part.version, block_lists.back().length});
        } else {
            StateArchive archive;
            serialize_part(machine, part, archive);
            table.push_back({part.name, part.version, archive.output().size()});
            bodies.push_back(std::move(archive.output()));
        }
    }

    std::vector<uint8_t> encoded_table;
    put_le(encoded_table, table.size(), 4);
    for (const Entry& e : table) {
        put_le(encoded_table, e.name.size(), 1);
        encoded_table.insert(encoded_table.end(), e.name.begin(), e.name.end());
        put_le(encoded_table, e.version, 4);
        put_le(encoded_table, e.length, 8);
    }
    uint64_t payload = encoded_table.size();
    for (const Entry& e : table)
        payload += e.length;

    TempFile temp{path + ".partial"};
    temp.file = std::fopen(temp.path.c_str(), "wb");
    if (!temp.file) throw std::runtime_error(temp.path + ": cannot create: " + std::strerror(errno));
    const std::vector<uint8_t> header = encode_header(embed ? kFlagDisksEmbedded : 0, payload);
    if (std::fwrite(header.data(), 1, header.size(), temp.file) != header.size())
        throw std::runtime_error(temp.path + ": write failed: " + std::strerror(errno));

    // Worker threads only pay for themselves on large payloads (each job is several MiB, and the
    // last one's flush is waited for).
    constexpr uint64_t kThreadedPayload = 64ull << 20;
    CompressedWriter out(temp.file, payload, options.level, payload >= kThreadedPayload ? options.threads : 0);
    out.write(encoded_table);
    size_t next_body = 0;
    out.write(bodies[next_body++]); // config
    size_t next_list = 0;
    for (const SectionPart& part : parts) {
        if (part.kind == SectionPart::Kind::Ram || part.kind == SectionPart::Kind::Disk)
            write_block_list(image_of(part), block_lists[next_list++], out);
        else
            out.write(bodies[next_body++]);
    }
    out.finish();
    if (std::fflush(temp.file) != 0 || ::fsync(fileno(temp.file)) != 0)
        throw std::runtime_error(temp.path + ": write failed: " + std::strerror(errno));
    std::fclose(std::exchange(temp.file, nullptr));
    if (std::rename(temp.path.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(temp.path.c_str());
        throw std::runtime_error(path + ": cannot rename the finished file into place: " + why);
    }
}

} // namespace tern::savestate
