#include "core/elf_loader.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace tern {

namespace {

// ELF-64 Object File Format (System V gABI), the fields Tern reads.
constexpr uint8_t kElfMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr uint8_t kElfClass64 = 2;
constexpr uint8_t kElfDataLsb = 1;
constexpr uint8_t kEvCurrent = 1;
constexpr uint16_t kEtExec = 2, kEtDyn = 3;
constexpr uint16_t kEmRiscv = 243;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kShtSymtab = 2, kShtStrtab = 3;
constexpr uint16_t kPnXnum = 0xffff; // the real count would live in section 0: not supported
constexpr uint64_t kEhdrSize = 64, kPhdrSize = 56, kShdrSize = 64, kSymSize = 24;

std::string hex(uint64_t value) {
    char text[20];
    std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
    return text;
}
std::string dec(uint64_t value) { return std::to_string(value); }

// Bounds-checked little-endian reads from the file; the caller proved the range first.
struct Reader {
    std::span<const uint8_t> file;
    template <class T> T at(uint64_t offset) const {
        T value;
        std::memcpy(&value, file.data() + offset, sizeof(T));
        return value;
    }
    // True when [offset, offset + count * entry) lies inside the file, without overflow.
    bool holds(uint64_t offset, uint64_t count, uint64_t entry) const {
        if (entry && count > file.size() / entry) return false;
        const uint64_t size = count * entry;
        return offset <= file.size() && size <= file.size() - offset;
    }
};

struct SectionHeader {
    uint32_t type;
    uint64_t offset, size, entsize;
    uint32_t link;
};

SectionHeader section(const Reader& r, uint64_t shoff, uint64_t index) {
    const uint64_t at = shoff + index * kShdrSize;
    return {r.at<uint32_t>(at + 4), r.at<uint64_t>(at + 24), r.at<uint64_t>(at + 32), r.at<uint64_t>(at + 56),
            r.at<uint32_t>(at + 40)};
}

// Maps a virtual address range to the physical address of a loaded segment holding all of it.
std::optional<uint64_t> to_physical(const ElfImage& image, uint64_t vaddr, uint64_t size) {
    for (const ElfSegment& s : image.segments)
        if (vaddr >= s.vaddr && size <= s.mem_size && vaddr - s.vaddr <= s.mem_size - size)
            return s.paddr + (vaddr - s.vaddr);
    return std::nullopt;
}

std::string read_program_headers(const Reader& r, uint64_t ram_base, uint64_t ram_size, ElfImage& image) {
    const uint64_t phoff = r.at<uint64_t>(32);
    const uint16_t phentsize = r.at<uint16_t>(54), phnum = r.at<uint16_t>(56);
    if (phnum == 0) return "no program headers";
    if (phnum == kPnXnum) return "too many program headers (PN_XNUM)";
    if (phentsize != kPhdrSize) return std::string("bad program header size ") + dec(phentsize);
    if (!r.holds(phoff, phnum, kPhdrSize)) return "program header table extends past the end of the file";
    const uint64_t ram_end = ram_base + ram_size;
    for (uint64_t i = 0; i < phnum; ++i) {
        const uint64_t at = phoff + i * kPhdrSize;
        if (r.at<uint32_t>(at) != kPtLoad) continue;
        ElfSegment s{r.at<uint64_t>(at + 8), r.at<uint64_t>(at + 32), r.at<uint64_t>(at + 24),
                     r.at<uint64_t>(at + 16), r.at<uint64_t>(at + 40)};
        if (!r.holds(s.file_offset, 1, s.file_size))
            return std::string("segment ") + dec(i) + " extends past the end of the file";
        if (s.mem_size < s.file_size) return std::string("segment ") + dec(i) + " has memsz < filesz";
        if (s.mem_size == 0) continue;
        if (s.paddr + s.mem_size < s.paddr || s.vaddr + s.mem_size < s.vaddr)
            return std::string("segment ") + dec(i) + " address range overflows";
        if (s.paddr < ram_base || s.mem_size > ram_size || s.paddr - ram_base > ram_size - s.mem_size)
            return std::string("segment ") + dec(i) + " [" + hex(s.paddr) + ", " + hex(s.paddr + s.mem_size) +
                   ") lies outside RAM [" + hex(ram_base) + ", " + hex(ram_end) + ")";
        image.segments.push_back(s);
    }
    if (image.segments.empty()) return "no loadable segments";
    std::vector<ElfSegment> sorted = image.segments;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.paddr < b.paddr; });
    for (size_t i = 1; i < sorted.size(); ++i)
        if (sorted[i].paddr < sorted[i - 1].paddr + sorted[i - 1].mem_size)
            return std::string("segments at ") + hex(sorted[i - 1].paddr) + " and " + hex(sorted[i].paddr) +
                   " overlap";
    return {};
}

// Finds tohost/fromhost in .symtab when there is one; a symbol table that is
// present but malformed is an error, since the HTIF would silently vanish.
std::string read_symbols(const Reader& r, ElfImage& image) {
    const uint64_t shoff = r.at<uint64_t>(40);
    const uint16_t shentsize = r.at<uint16_t>(58), shnum = r.at<uint16_t>(60);
    if (shoff == 0 || shnum == 0) return {};
    if (shentsize != kShdrSize) return std::string("bad section header size ") + dec(shentsize);
    if (!r.holds(shoff, shnum, kShdrSize)) return "section header table extends past the end of the file";
    for (uint64_t i = 0; i < shnum; ++i) {
        const SectionHeader symtab = section(r, shoff, i);
        if (symtab.type != kShtSymtab) continue;
        if (symtab.entsize != kSymSize) return std::string("bad symbol size ") + dec(symtab.entsize);
        if (!r.holds(symtab.offset, 1, symtab.size) || symtab.size % kSymSize)
            return "symbol table extends past the end of the file";
        if (symtab.link >= shnum) return "symbol table links to a missing string table";
        const SectionHeader strtab = section(r, shoff, symtab.link);
        if (strtab.type != kShtStrtab) return "symbol table links to a section that is not a string table";
        if (!r.holds(strtab.offset, 1, strtab.size)) return "string table extends past the end of the file";
        const char* names = reinterpret_cast<const char*>(r.file.data() + strtab.offset);
        for (uint64_t at = symtab.offset; at < symtab.offset + symtab.size; at += kSymSize) {
            const uint32_t name = r.at<uint32_t>(at);
            if (name >= strtab.size) return "symbol name lies outside the string table";
            const std::string_view text(names + name, strnlen(names + name, strtab.size - name));
            std::optional<uint64_t>* slot = text == "tohost"     ? &image.tohost
                                            : text == "fromhost" ? &image.fromhost
                                                                 : nullptr;
            if (!slot) continue;
            const uint64_t value = r.at<uint64_t>(at + 8);
            *slot = to_physical(image, value, 8);
            if (!*slot) return std::string(text) + " (" + hex(value) + ") lies outside the loaded segments";
        }
        return {};
    }
    return {};
}

std::string parse(const Reader& r, uint64_t ram_base, uint64_t ram_size, ElfImage& image) {
    if (r.file.size() < kEhdrSize) return "truncated ELF header";
    if (!has_elf_magic(r.file)) return "not an ELF file";
    if (r.file[4] != kElfClass64) return "not a 64-bit ELF file";
    if (r.file[5] != kElfDataLsb) return "not a little-endian ELF file";
    if (r.file[6] != kEvCurrent || r.at<uint32_t>(20) != kEvCurrent) return "unknown ELF version";
    if (r.at<uint16_t>(18) != kEmRiscv)
        return std::string("not a RISC-V ELF file (e_machine ") + dec(r.at<uint16_t>(18)) + ")";
    const uint16_t type = r.at<uint16_t>(16);
    if (type != kEtExec && type != kEtDyn)
        return std::string("not an executable ELF file (e_type ") + dec(type) + ")";
    if (r.at<uint16_t>(52) != kEhdrSize) return std::string("bad ELF header size ") + dec(r.at<uint16_t>(52));
    if (std::string error = read_program_headers(r, ram_base, ram_size, image); !error.empty()) return error;
    const uint64_t entry = r.at<uint64_t>(24);
    std::optional<uint64_t> entry_paddr = to_physical(image, entry, 2);
    if (!entry_paddr) return std::string("entry point ") + hex(entry) + " lies outside the loaded segments";
    image.entry = *entry_paddr;
    return read_symbols(r, image);
}

} // namespace

bool has_elf_magic(std::span<const uint8_t> file) {
    return file.size() >= sizeof(kElfMagic) && std::memcmp(file.data(), kElfMagic, sizeof(kElfMagic)) == 0;
}

ElfParseResult parse_elf(std::span<const uint8_t> file, uint64_t ram_base, uint64_t ram_size) {
    ElfParseResult result;
    result.error = parse(Reader{file}, ram_base, ram_size, result.image);
    if (!result.error.empty()) result.image = {};
    return result;
}

} // namespace tern
