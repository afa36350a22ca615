#include "core/loader.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/elf_loader.hpp"
#include "core/machine.hpp"

namespace tern {

namespace {

constexpr unsigned kA0 = 10, kA1 = 11;

// Reads a whole file; no file can be usefully larger than RAM plus its symbols, so cap it.
std::string read_file(const std::string &path, uint64_t limit, std::vector<uint8_t> &bytes) {
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return std::strerror(errno);
    std::string error;
    uint8_t chunk[1 << 16];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (bytes.size() + n > limit) {
            error = "file is larger than RAM";
            break;
        }
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    if (error.empty() && std::ferror(f)) error = std::strerror(errno);
    std::fclose(f);
    return error;
}

// Reset state for a bare program (the state QEMU's reset vector hands to firmware):
// pc = entry, M-mode, a0 = hartid, a1 = device tree address (none yet: 0).
void start_harts(Machine &machine, uint64_t entry) {
    for (auto &hart : machine.harts) {
        hart->state.pc = entry;
        hart->state.priv = Privilege::Machine;
        hart->set_x(kA0, hart->state.csr.mhartid);
        hart->set_x(kA1, 0);
    }
}

} // namespace

std::string load_program(Machine &machine, const std::string &path) {
    Ram &ram = machine.ram;
    std::vector<uint8_t> file;
    // Symbols and debug information can make an ELF larger than what it loads.
    const uint64_t limit = ram.size() + (uint64_t{1} << 30);
    if (std::string error = read_file(path, limit, file); !error.empty()) return error;

    if (!has_elf_magic(file)) {
        if (file.empty()) return "empty file";
        if (file.size() > ram.size()) return "raw binary is larger than RAM";
        std::memcpy(ram.host(ram.base()), file.data(), file.size());
        start_harts(machine, ram.base());
        return {};
    }

    ElfParseResult elf = parse_elf(file, ram.base(), ram.size());
    if (!elf.error.empty()) return elf.error;
    for (const ElfSegment &s : elf.image.segments) {
        std::memcpy(ram.host(s.paddr), file.data() + s.file_offset, s.file_size);
        std::memset(ram.host(s.paddr + s.file_size), 0, s.mem_size - s.file_size);
    }
    if (elf.image.tohost) machine.attach_htif(*elf.image.tohost, elf.image.fromhost);
    start_harts(machine, elf.image.entry);
    return {};
}

} // namespace tern
