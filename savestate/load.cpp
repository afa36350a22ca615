// Loading: the header and the section table are checked first, the machine is
// built from the file's own configuration, and every section is read into that
// fresh machine; only a file that validates to its last byte (and zstd's
// checksum) gives a machine back. Any refusal names the section and field.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <sys/stat.h>
#include <xxhash.h>

#include "hw/machine.hpp"
#include "savestate/block_list.hpp"
#include "savestate/format.hpp"
#include "savestate/savestate.hpp"
#include "savestate/sections.hpp"
#include "savestate/zstd_stream.hpp"

namespace tern::savestate {

namespace {

uint64_t get_le(const uint8_t* p, unsigned bytes) {
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i)
        v |= uint64_t{p[i]} << (8 * i);
    return v;
}

struct Header {
    uint32_t version = 0;
    uint32_t flags = 0;
    uint64_t payload = 0;
};

struct TableEntry {
    std::string name;
    uint32_t version = 0;
    uint64_t length = 0;
};

// Everything a file holds, once it has validated.
struct Loaded {
    Header header;
    SavedConfig config;
    std::vector<TableEntry> table;
    std::unique_ptr<Machine> machine;
};

std::string mib(uint64_t bytes) {
    return bytes % (1ull << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

Header read_header(std::FILE* file) {
    uint8_t bytes[kHeaderSize];
    if (std::fread(bytes, 1, kHeaderSize, file) != kHeaderSize) throw StateError("header: the file is too short");
    if (std::memcmp(bytes, kMagic.data(), kMagic.size()) != 0) throw StateError("header: not a Tern savestate");
    if (get_le(bytes + 24, 8) != XXH64(bytes, 24, 0))
        throw StateError("header: checksum mismatch (the header is corrupt)");
    Header h{static_cast<uint32_t>(get_le(bytes + 8, 4)), static_cast<uint32_t>(get_le(bytes + 12, 4)),
             get_le(bytes + 16, 8)};
    if (h.version > kFormatVersion)
        throw StateError("header: format version " + std::to_string(h.version) + " is newer than this Tern's (" +
                         std::to_string(kFormatVersion) + ")");
    if (h.version < kOldestFormatVersion)
        throw StateError("header: format version " + std::to_string(h.version) + " is older than this Tern loads (" +
                         std::to_string(kOldestFormatVersion) + " to " + std::to_string(kFormatVersion) + ")");
    if (h.flags & ~kFlagDisksEmbedded) throw StateError("header: unknown flags " + std::to_string(h.flags));
    return h;
}

std::vector<TableEntry> read_table(PayloadReader& in) {
    uint8_t word[8];
    in.read({word, 4});
    const uint64_t count = get_le(word, 4);
    if (count < 1 || count > kMaxSections)
        throw StateError("section table: " + std::to_string(count) + " sections is not a count this format has");
    std::vector<TableEntry> table(count);
    for (TableEntry& e : table) {
        in.read({word, 1});
        const size_t n = word[0];
        if (n == 0 || n > kMaxSectionName) throw StateError("section table: a section name of " + std::to_string(n) + " bytes");
        e.name.resize(n);
        in.read({reinterpret_cast<uint8_t*>(e.name.data()), n});
        for (char c : e.name)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                throw StateError("section table: a section name with a byte outside [a-z0-9_]");
        in.read({word, 4});
        e.version = static_cast<uint32_t>(get_le(word, 4));
        in.read({word, 8});
        e.length = get_le(word, 8);
    }
    return table;
}

void check_version(const TableEntry& e, uint32_t ours) {
    if (e.version > ours)
        throw StateError("version " + std::to_string(e.version) + " is newer than this Tern's (" + std::to_string(ours) + ")");
    if (e.version < ours)
        throw StateError("version " + std::to_string(e.version) + " is older than this Tern loads (" +
                         std::to_string(ours) + ")");
}

std::vector<uint8_t> read_small(PayloadReader& in, const TableEntry& e) {
    if (e.length > kMaxSmallSection)
        throw StateError("length " + std::to_string(e.length) + " is more than such a section can have");
    std::vector<uint8_t> body(e.length);
    in.read(body);
    return body;
}

// The machine the file describes, with the command line's engine and limits.
MachineConfig machine_config(const SavedConfig& saved, bool embedded, const LoadOptions& options) {
    MachineConfig cfg = options.command_line;
    if (options.ram_given && cfg.ram_size != saved.ram_size)
        throw StateError("config: -m " + mib(cfg.ram_size) + " conflicts with the file's RAM (" + mib(saved.ram_size) + ")");
    if (options.harts_given && cfg.harts != saved.harts)
        throw StateError("config: -smp " + std::to_string(cfg.harts) + " conflicts with the file's hart count (" +
                         std::to_string(saved.harts) + ")");
    const std::vector<MachineConfig::Drive> given = cfg.drives;
    if (!given.empty() && embedded)
        throw StateError("config: the file embeds its disks, so -drive has nothing to do (drop it)");
    if (!given.empty() && given.size() != saved.disks.size())
        throw StateError("config: " + std::to_string(given.size()) + " -drive options, but the file has " +
                         std::to_string(saved.disks.size()) + " disks");
    cfg.ram_size = saved.ram_size;
    cfg.harts = saved.harts;
    cfg.deterministic = cfg.deterministic || saved.deterministic;
    cfg.drives.clear();
    for (size_t i = 0; i < saved.disks.size(); ++i) {
        // A referenced disk may live elsewhere on the receiving machine: -drive names it there.
        const std::string& path = given.empty() ? saved.disks[i].path : given[i].file;
        cfg.drives.push_back({path, saved.disks[i].read_only});
    }
    return cfg;
}

std::vector<std::unique_ptr<BlockBackend>> disk_backends(const SavedConfig& saved, const MachineConfig& cfg,
                                                         bool embedded, bool named_on_command_line) {
    std::vector<std::unique_ptr<BlockBackend>> backends;
    for (size_t i = 0; i < saved.disks.size(); ++i) {
        const SavedConfig::Disk& disk = saved.disks[i];
        const std::string name = "disk" + std::to_string(i);
        std::string error;
        if (embedded) {
            auto backend = MemoryBackend::create(disk.size, disk.read_only, error);
            if (!backend) throw StateError(name + ": " + error);
            backends.push_back(std::move(backend));
            continue;
        }
        // A path that only the file names opens as a private snapshot: a savestate from someone else
        // must not get to write a host file. A disk the user names with -drive opens as usual.
        std::unique_ptr<BlockBackend> backend;
        if (named_on_command_line)
            backend = FileBackend::open(cfg.drives[i].file, disk.read_only, error);
        else
            backend = MemoryBackend::snapshot_of(cfg.drives[i].file, disk.read_only, error);
        if (!backend) throw StateError(name + ": cannot open the referenced disk " + error);
        if (backend->size() != disk.size)
            throw StateError(name + ": " + cfg.drives[i].file + " has " + std::to_string(backend->size()) +
                             " bytes, the saved disk had " + std::to_string(disk.size));
        if (disk_hash(*backend) != disk.hash)
            throw StateError(name + ": " + cfg.drives[i].file + " is not the disk that was saved (its content hash differs)");
        backends.push_back(std::move(backend));
    }
    return backends;
}

// Everything after the header, from `in`, into `loaded`.
void load_payload(PayloadReader& in, Loaded& loaded, const LoadOptions& options) {
    const bool embedded = loaded.header.flags & kFlagDisksEmbedded;
    loaded.table = read_table(in);
    uint64_t payload = in.consumed();
    for (const TableEntry& e : loaded.table)
        payload += std::min<uint64_t>(e.length, ~0ull - payload); // saturates instead of wrapping
    if (payload != loaded.header.payload)
        throw StateError("header: payload size " + std::to_string(loaded.header.payload) +
                         " does not match the section table's " + std::to_string(payload));

    const TableEntry& first = loaded.table.front();
    if (first.name != kConfigSection) throw StateError("section table: the first section is not 'config'");
    try {
        check_version(first, kConfigVersion);
        const std::vector<uint8_t> body = read_small(in, first);
        StateArchive archive(body);
        loaded.config.serialize(archive);
        archive.finish();
    } catch (const StateError& e) {
        throw StateError("config: " + std::string(e.what()));
    }
    const MachineConfig cfg = machine_config(loaded.config, embedded, options);
    std::vector<std::unique_ptr<BlockBackend>> backends =
        disk_backends(loaded.config, cfg, embedded, !options.command_line.drives.empty());
    std::vector<MemoryBackend*> embedded_disks;
    for (auto& b : backends)
        embedded_disks.push_back(embedded ? static_cast<MemoryBackend*>(b.get()) : nullptr);
    loaded.machine = std::make_unique<Machine>(cfg, std::move(backends));
    Machine& machine = *loaded.machine;

    const std::vector<SectionPart> parts = sections_of(machine, embedded);
    for (size_t i = 0; i < std::max(parts.size(), loaded.table.size() - 1); ++i) {
        if (i >= parts.size())
            throw StateError("section table: section '" + loaded.table[i + 1].name + "' is not part of this machine");
        if (i + 1 >= loaded.table.size())
            throw StateError("section table: section '" + parts[i].name + "' is missing");
        if (loaded.table[i + 1].name != parts[i].name)
            throw StateError("section table: expected section '" + parts[i].name + "' at position " +
                             std::to_string(i + 1) + ", found '" + loaded.table[i + 1].name + "'");
    }
    for (size_t i = 0; i < parts.size(); ++i) {
        const SectionPart& part = parts[i];
        const TableEntry& entry = loaded.table[i + 1];
        try {
            check_version(entry, part.version);
            if (part.kind == SectionPart::Kind::Ram) {
                read_block_list(in, entry.length, machine.ram.bytes());
            } else if (part.kind == SectionPart::Kind::Disk) {
                read_block_list(in, entry.length, embedded_disks[part.index]->bytes());
            } else {
                const std::vector<uint8_t> body = read_small(in, entry);
                StateArchive archive(body);
                serialize_part(machine, part, archive);
            }
        } catch (const StateError& e) {
            throw StateError(part.name + ": " + e.what());
        }
    }
    in.expect_end();
    machine.finish_load();
}

Loaded load_file(const std::string& path, const LoadOptions& options) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw StateError(std::string("cannot open: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw StateError("not a regular file");
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!file) throw StateError(std::string("cannot open: ") + std::strerror(errno));
    Loaded loaded;
    loaded.header = read_header(file.get());
    DecompressedReader in(file.get());
    load_payload(in, loaded, options);
    return loaded;
}

} // namespace

std::unique_ptr<Machine> load(const std::string& path, const LoadOptions& options) {
    try {
        return load_file(path, options).machine;
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

std::unique_ptr<Machine> load_payload(std::span<const uint8_t> payload, bool disks_embedded,
                                      const LoadOptions& options) {
    Loaded loaded;
    loaded.header = {kFormatVersion, disks_embedded ? kFlagDisksEmbedded : 0, payload.size()};
    SpanReader in(payload);
    load_payload(in, loaded, options);
    return std::move(loaded.machine);
}

std::string describe(const std::string& path) {
    Loaded loaded;
    try {
        LoadOptions options;
        options.command_line.accel = Accel::Interpreter; // nothing runs: no JIT arenas
        loaded = load_file(path, options);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    const SavedConfig& c = loaded.config;
    const bool embedded = loaded.header.flags & kFlagDisksEmbedded;
    std::string text = "file:         " + path + "\n";
    text += "format:       version " + std::to_string(loaded.header.version) + ", payload " +
            std::to_string(loaded.header.payload) + " bytes\n";
    text += "written by:   tern " + c.tern_version + "\n";
    text += "machine:      virt, " + std::to_string(c.harts) + (c.harts == 1 ? " hart" : " harts") + ", RAM " +
            mib(c.ram_size) + (c.deterministic ? ", deterministic" : "") + "\n";
    if (c.disks.empty()) text += "disks:        none\n";
    for (size_t i = 0; i < c.disks.size(); ++i) {
        char hash[20];
        std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(c.disks[i].hash));
        text += "disk" + std::to_string(i) + ":        " + c.disks[i].path + ", " + std::to_string(c.disks[i].size) +
                " bytes" + (c.disks[i].read_only ? ", read-only" : "") +
                (embedded ? ", embedded" : ", referenced (xxh3 " + std::string(hash) + ")") + "\n";
    }
    text += "sections:\n";
    for (const TableEntry& e : loaded.table) {
        char line[96];
        std::snprintf(line, sizeof line, "  %-12s v%-3u %14llu bytes\n", e.name.c_str(), e.version,
                      static_cast<unsigned long long>(e.length));
        text += line;
    }
    text += "valid:        yes (every section and the zstd checksum)\n";
    return text;
}

} // namespace tern::savestate
