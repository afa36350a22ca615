#pragma once
// The mask ROM at 0x1000 holding the reset vector, as on QEMU's virt: it
// passes a0 = mhartid, a1 = the FDT address, a2 = the fw_dynamic info, and
// jumps to the firmware. The contents are fixed at construction.
#include <array>
#include <cstdint>
#include <vector>

#include "core/device.hpp"

namespace tern {

// OpenSBI's fw_dynamic handoff (OpenSBI docs, firmware/fw_dynamic.md), version 2.
struct FwDynamicInfo {
    static constexpr uint64_t kMagic = 0x4942534f; // "OSBI"
    static constexpr uint64_t kVersion = 2;
    static constexpr uint64_t kNextModeS = 1;
    uint64_t next_addr = 0;
    uint64_t next_mode = kNextModeS;
    uint64_t options = 0;
    uint64_t boot_hart = 0;
};

class BootRom final : public Device {
  public:
    static constexpr uint64_t kBase = 0x1000;
    static constexpr uint64_t kSize = 0xf000;

    BootRom(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info);
    // Rebuilds the contents for another firmware (the board maps one ROM and fills it at boot).
    void configure(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info);

    std::string_view name() const override { return "mrom"; }
    std::span<const RegisterDecl> registers() const override { return kRegisters; }
    uint64_t read(const RegisterAccess& access) override { return words_[access.index]; }
    void write(const RegisterAccess&, uint64_t) override {}
    // The ROM is saved as what it was built from, so a file cannot put other code in it.
    void serialize(StateArchive& archive) override;

  private:
    static constexpr std::array<RegisterDecl, 1> kRegisters{{
        {"rom", 0, 8, W8 | W16 | W32 | W64, RegAccess::RO, kSize / 8, 8},
    }};
    void build();

    uint64_t firmware_entry_, fdt_address_;
    FwDynamicInfo info_;
    std::vector<uint64_t> words_ = std::vector<uint64_t>(kSize / 8, 0);
};

} // namespace tern
