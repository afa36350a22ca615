#pragma once
// The device tree of the `virt` machine, with QEMU's node names, compatible
// strings and properties, built from what the machine actually contains.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tern {

struct VirtFdtParams {
    unsigned harts = 1;
    uint64_t ram_base = 0, ram_size = 0;
    std::string bootargs;
    std::optional<std::pair<uint64_t, uint64_t>> initrd; // [start, end)
    std::vector<std::pair<uint64_t, uint32_t>> virtio_mmio; // base, irq of each transport
};

// The ISA string Tern advertises (riscv,isa) and its parts (riscv,isa-extensions).
inline constexpr const char* kIsaString = "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc";

std::vector<uint8_t> build_virt_fdt(const VirtFdtParams& params);

// Checks a user-supplied device tree (-dtb) and sets its /chosen bootargs and
// initrd range from `params`, as QEMU does; an empty string on success.
std::string adopt_user_fdt(std::vector<uint8_t>& blob, const VirtFdtParams& params);

} // namespace tern
