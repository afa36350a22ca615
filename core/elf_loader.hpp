#pragma once
// Reads an ELF64 RISC-V executable from untrusted bytes. Every field that
// leads to an offset, a size or an address is checked before it is used;
// a rejection is one human-readable reason, never a crash.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tern {

struct ElfSegment {
    uint64_t file_offset; // bytes [file_offset, file_offset + file_size) are copied
    uint64_t file_size;
    uint64_t paddr; // load address (p_paddr: no MMU is on at reset)
    uint64_t vaddr;
    uint64_t mem_size; // the rest up to mem_size is zeroed
};

struct ElfImage {
    uint64_t entry = 0; // physical address of e_entry
    std::vector<ElfSegment> segments;
    std::optional<uint64_t> tohost, fromhost; // physical addresses of the HTIF symbols
};

struct ElfParseResult {
    ElfImage image;
    std::string error; // empty on success
};

// True when the bytes start with the ELF magic; such a file is an ELF or an error, never a raw binary.
bool has_elf_magic(std::span<const uint8_t> file);

// Validates the file for loading into [ram_base, ram_base + ram_size).
ElfParseResult parse_elf(std::span<const uint8_t> file, uint64_t ram_base, uint64_t ram_size);

} // namespace tern
