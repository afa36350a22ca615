#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/elf_loader.hpp"

using namespace tern;

namespace {

constexpr uint64_t kRamBase = 0x8000'0000, kRamSize = 1 << 20;

// A well-formed ELF64 RISC-V executable built in memory: header, two program
// headers (text, data+bss), their bytes, and a symbol table with tohost and
// fromhost. Tests corrupt one field at a time.
struct ElfBuilder {
    std::vector<uint8_t> bytes;
    static constexpr uint64_t kPhoff = 64, kText = 0x100, kData = 0x200, kSymtab = 0x300, kStrtab = 0x348,
                              kShoff = 0x380;

    template <class T> void put(uint64_t at, T value) {
        if (bytes.size() < at + sizeof(T)) bytes.resize(at + sizeof(T));
        std::memcpy(bytes.data() + at, &value, sizeof(T));
    }
    void phdr(unsigned i, uint64_t offset, uint64_t addr, uint64_t filesz, uint64_t memsz) {
        const uint64_t at = kPhoff + i * 56;
        put<uint32_t>(at, 1); // PT_LOAD
        put<uint32_t>(at + 4, 7);
        put<uint64_t>(at + 8, offset);
        put<uint64_t>(at + 16, addr);
        put<uint64_t>(at + 24, addr);
        put<uint64_t>(at + 32, filesz);
        put<uint64_t>(at + 40, memsz);
        put<uint64_t>(at + 48, 0x1000);
    }
    void shdr(unsigned i, uint32_t type, uint64_t offset, uint64_t size, uint32_t link, uint64_t entsize) {
        const uint64_t at = kShoff + i * 64;
        put<uint32_t>(at + 4, type);
        put<uint64_t>(at + 24, offset);
        put<uint64_t>(at + 32, size);
        put<uint32_t>(at + 40, link);
        put<uint64_t>(at + 56, entsize);
    }
    void symbol(unsigned i, uint32_t name, uint64_t value) {
        put<uint32_t>(kSymtab + i * 24, name);
        put<uint64_t>(kSymtab + i * 24 + 8, value);
        put<uint64_t>(kSymtab + i * 24 + 16, 8);
    }

    ElfBuilder() {
        bytes.assign(kShoff + 3 * 64, 0);
        const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
        std::memcpy(bytes.data(), ident, sizeof ident);
        put<uint16_t>(16, 2);   // ET_EXEC
        put<uint16_t>(18, 243); // EM_RISCV
        put<uint32_t>(20, 1);
        put<uint64_t>(24, kRamBase); // e_entry
        put<uint64_t>(32, kPhoff);
        put<uint64_t>(40, kShoff);
        put<uint16_t>(52, 64);
        put<uint16_t>(54, 56);
        put<uint16_t>(56, 2);
        put<uint16_t>(58, 64);
        put<uint16_t>(60, 3);
        phdr(0, kText, kRamBase, 16, 16);
        phdr(1, kData, kRamBase + 0x1000, 16, 0x100); // 16 bytes of data, then zeroed memory
        for (unsigned i = 0; i < 16; ++i)
            bytes[kText + i] = static_cast<uint8_t>(0x10 + i);
        shdr(1, 2, kSymtab, 3 * 24, 2, 24); // .symtab -> .strtab
        shdr(2, 3, kStrtab, 16, 0, 0);
        symbol(1, 1, kRamBase + 0x1000);
        symbol(2, 8, kRamBase + 0x1008);
        std::memcpy(bytes.data() + kStrtab, "\0tohost\0fromhost", 16);
    }

    ElfParseResult parse() const { return parse_elf(bytes, kRamBase, kRamSize); }
};

void check_rejected(const ElfBuilder& elf, const char* fragment) {
    ElfParseResult r = elf.parse();
    CAPTURE(fragment);
    CAPTURE(r.error);
    CHECK(r.error.find(fragment) != std::string::npos);
    CHECK(r.error.find('\n') == std::string::npos);
    CHECK(r.image.segments.empty());
}

} // namespace

TEST_CASE("elf: a well-formed executable") {
    ElfBuilder elf;
    ElfParseResult r = elf.parse();
    REQUIRE(r.error.empty());
    CHECK(r.image.entry == kRamBase);
    REQUIRE(r.image.segments.size() == 2);
    CHECK(r.image.segments[0].file_offset == ElfBuilder::kText);
    CHECK(r.image.segments[1].file_size == 16);
    CHECK(r.image.segments[1].mem_size == 0x100);
    CHECK(r.image.tohost == kRamBase + 0x1000);
    CHECK(r.image.fromhost == kRamBase + 0x1008);
    CHECK(has_elf_magic(elf.bytes));
}

TEST_CASE("elf: no section table means no HTIF, not an error") {
    ElfBuilder elf;
    elf.put<uint64_t>(40, 0);
    elf.put<uint16_t>(60, 0);
    ElfParseResult r = elf.parse();
    REQUIRE(r.error.empty());
    CHECK_FALSE(r.image.tohost.has_value());
}

TEST_CASE("elf: header rejections") {
    SUBCASE("truncated header") {
        ElfBuilder elf;
        elf.bytes.resize(40);
        check_rejected(elf, "truncated ELF header");
    }
    SUBCASE("bad magic") {
        ElfBuilder elf;
        elf.bytes[3] = 'X';
        check_rejected(elf, "not an ELF file");
        CHECK_FALSE(has_elf_magic(elf.bytes));
    }
    SUBCASE("32-bit class") {
        ElfBuilder elf;
        elf.bytes[4] = 1;
        check_rejected(elf, "not a 64-bit ELF");
    }
    SUBCASE("big endian") {
        ElfBuilder elf;
        elf.bytes[5] = 2;
        check_rejected(elf, "not a little-endian");
    }
    SUBCASE("version") {
        ElfBuilder elf;
        elf.put<uint32_t>(20, 2);
        check_rejected(elf, "unknown ELF version");
    }
    SUBCASE("machine") {
        ElfBuilder elf;
        elf.put<uint16_t>(18, 62); // x86-64
        check_rejected(elf, "not a RISC-V ELF file (e_machine 62)");
    }
    SUBCASE("relocatable object") {
        ElfBuilder elf;
        elf.put<uint16_t>(16, 1);
        check_rejected(elf, "not an executable");
    }
    SUBCASE("header size") {
        ElfBuilder elf;
        elf.put<uint16_t>(52, 52);
        check_rejected(elf, "bad ELF header size");
    }
    SUBCASE("program header size") {
        ElfBuilder elf;
        elf.put<uint16_t>(54, 32);
        check_rejected(elf, "bad program header size");
    }
    SUBCASE("no program headers") {
        ElfBuilder elf;
        elf.put<uint16_t>(56, 0);
        check_rejected(elf, "no program headers");
    }
    SUBCASE("program header table past end of file") {
        ElfBuilder elf;
        elf.put<uint64_t>(32, elf.bytes.size() - 60);
        check_rejected(elf, "program header table extends past the end");
    }
    SUBCASE("program header offset overflow") {
        ElfBuilder elf;
        elf.put<uint64_t>(32, ~0ull - 10);
        check_rejected(elf, "program header table extends past the end");
    }
}

TEST_CASE("elf: segment rejections") {
    SUBCASE("segment past end of file") {
        ElfBuilder elf;
        elf.phdr(1, ElfBuilder::kData, kRamBase + 0x1000, elf.bytes.size(), elf.bytes.size());
        check_rejected(elf, "segment 1 extends past the end of the file");
    }
    SUBCASE("segment offset + size overflow") {
        ElfBuilder elf;
        elf.phdr(1, ~0ull - 4, kRamBase + 0x1000, 16, 16);
        check_rejected(elf, "segment 1 extends past the end of the file");
    }
    SUBCASE("memsz < filesz") {
        ElfBuilder elf;
        elf.phdr(1, ElfBuilder::kData, kRamBase + 0x1000, 16, 8);
        check_rejected(elf, "memsz < filesz");
    }
    SUBCASE("address overflow") {
        ElfBuilder elf;
        elf.phdr(1, ElfBuilder::kData, ~0ull - 8, 16, 16);
        check_rejected(elf, "address range overflows");
    }
    SUBCASE("below RAM") {
        ElfBuilder elf;
        elf.phdr(1, ElfBuilder::kData, 0x1000, 16, 16);
        check_rejected(elf, "lies outside RAM");
    }
    SUBCASE("runs past the end of RAM") {
        ElfBuilder elf;
        elf.phdr(1, ElfBuilder::kData, kRamBase + kRamSize - 8, 16, 16);
        check_rejected(elf, "lies outside RAM");
    }
    SUBCASE("overlapping segments") {
        ElfBuilder elf;
        elf.phdr(1, ElfBuilder::kData, kRamBase + 8, 16, 16);
        check_rejected(elf, "overlap");
    }
    SUBCASE("entry outside the segments") {
        ElfBuilder elf;
        elf.put<uint64_t>(24, kRamBase + 0x800);
        check_rejected(elf, "entry point 0x80000800 lies outside");
    }
    SUBCASE("only empty segments") {
        ElfBuilder elf;
        elf.phdr(0, 0, kRamBase, 0, 0);
        elf.phdr(1, 0, kRamBase, 0, 0);
        check_rejected(elf, "no loadable segments");
    }
}

TEST_CASE("elf: section and symbol table rejections") {
    SUBCASE("section header table past end of file") {
        ElfBuilder elf;
        elf.put<uint16_t>(60, 200);
        check_rejected(elf, "section header table extends past the end");
    }
    SUBCASE("section header size") {
        ElfBuilder elf;
        elf.put<uint16_t>(58, 40);
        check_rejected(elf, "bad section header size");
    }
    SUBCASE("symbol table past end of file") {
        ElfBuilder elf;
        elf.shdr(1, 2, ElfBuilder::kSymtab, 1 << 20, 2, 24);
        check_rejected(elf, "symbol table extends past the end");
    }
    SUBCASE("symbol table links to a missing section") {
        ElfBuilder elf;
        elf.shdr(1, 2, ElfBuilder::kSymtab, 3 * 24, 9, 24);
        check_rejected(elf, "missing string table");
    }
    SUBCASE("string table past end of file") {
        ElfBuilder elf;
        elf.shdr(2, 3, ElfBuilder::kStrtab, 1 << 20, 0, 0);
        check_rejected(elf, "string table extends past the end");
    }
    SUBCASE("symbol name outside the string table") {
        ElfBuilder elf;
        elf.symbol(1, 5000, kRamBase);
        check_rejected(elf, "symbol name lies outside the string table");
    }
    SUBCASE("tohost outside the loaded segments") {
        ElfBuilder elf;
        elf.symbol(1, 1, kRamBase + 0x2000);
        check_rejected(elf, "tohost (0x80002000) lies outside the loaded segments");
    }
    SUBCASE("unterminated last name stays inside the string table") {
        ElfBuilder elf;
        elf.shdr(2, 3, ElfBuilder::kStrtab, 14, 0, 0); // cuts "fromhost" to "fromho"
        ElfParseResult r = elf.parse();
        REQUIRE(r.error.empty());
        CHECK(r.image.tohost.has_value());
        CHECK_FALSE(r.image.fromhost.has_value());
    }
}
