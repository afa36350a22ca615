// libFuzzer target: parse_elf must refuse or accept any byte string without
// crashing, and an accepted image must fit the RAM it was checked against
// (the copy below runs under ASan, so an out-of-range segment is a crash).
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/elf_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    constexpr uint64_t kRamBase = 0x8000'0000, kRamSize = 1 << 20;
    static std::vector<uint8_t> ram(kRamSize);
    const tern::ElfParseResult r = tern::parse_elf({data, size}, kRamBase, kRamSize);
    if (!r.error.empty()) return 0;
    for (const tern::ElfSegment& s : r.image.segments) {
        std::memcpy(ram.data() + (s.paddr - kRamBase), data + s.file_offset, s.file_size);
        std::memset(ram.data() + (s.paddr - kRamBase) + s.file_size, 0, s.mem_size - s.file_size);
    }
    if (r.image.entry < kRamBase || r.image.entry - kRamBase >= kRamSize) __builtin_trap();
    return 0;
}
