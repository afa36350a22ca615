#include "hw/boot_rom.hpp"

namespace tern {

BootRom::BootRom(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info)
    : firmware_entry_(firmware_entry), fdt_address_(fdt_address), info_(info) {
    build();
}

void BootRom::configure(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info) {
    firmware_entry_ = firmware_entry;
    fdt_address_ = fdt_address;
    info_ = info;
    build();
}

void BootRom::serialize(StateArchive& archive) {
    archive("firmware_entry", firmware_entry_);
    archive("fdt_address", fdt_address_);
    archive("next_addr", info_.next_addr);
    archive("next_mode", info_.next_mode);
    archive("options", info_.options);
    archive("boot_hart", info_.boot_hart);
    if (archive.loading()) build();
}

void BootRom::build() {
    // Offsets of the data that follows the code.
    constexpr uint32_t kEntryOffset = 0x18, kFdtOffset = 0x20, kInfoOffset = 0x28;
    const uint32_t code[] = {
        0x00000297,                                  // auipc t0, 0
        (kInfoOffset << 20) | (5 << 15) | (12 << 7) | 0x13, // addi  a2, t0, kInfoOffset
        0xf1402573,                                  // csrr  a0, mhartid
        (kFdtOffset << 20) | (5 << 15) | (3 << 12) | (11 << 7) | 0x03, // ld a1, kFdtOffset(t0)
        (kEntryOffset << 20) | (5 << 15) | (3 << 12) | (5 << 7) | 0x03, // ld t0, kEntryOffset(t0)
        0x00028067,                                  // jr    t0
    };
    static_assert(sizeof(code) == kEntryOffset);
    for (size_t i = 0; i < std::size(code); i += 2) words_[i / 2] = code[i] | uint64_t{code[i + 1]} << 32;
    words_[kEntryOffset / 8] = firmware_entry_;
    words_[kFdtOffset / 8] = fdt_address_;
    const uint64_t fw_dynamic[] = {FwDynamicInfo::kMagic, FwDynamicInfo::kVersion, info_.next_addr,
                                   info_.next_mode,        info_.options,            info_.boot_hart};
    for (size_t i = 0; i < std::size(fw_dynamic); ++i) words_[kInfoOffset / 8 + i] = fw_dynamic[i];
}

} // namespace tern
