#include "hw/boot.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/loader.hpp"
#include "hw/machine.hpp"
#include "hw/virt_fdt.hpp"

namespace tern {

namespace {
constexpr uint64_t kKernelOffset = 0x20'0000; // RV64 kernels sit 2 MiB into RAM
constexpr uint64_t kFdtAlign = 0x20'0000;
constexpr uint64_t kInitrdMaxOffset = 128ull << 20;
constexpr uint64_t kMaxFdtSize = 2ull << 20; // QEMU's limit for -dtb blobs too

std::string failed(const std::string& path, const std::string& why) { return path + ": " + why; }

bool overlaps(const LoadedImage& a, const LoadedImage& b) { return a.low < b.high && b.low < a.high; }
} // namespace

std::string default_firmware_path() {
    // roms/opensbi (OpenSBI 1.6) before Debian 12's OpenSBI 1.1, whose hart start publishes START_PENDING
    // before the start address: a race that a preempted host thread loses (roms/README.md).
    for (const char* candidate : {TERN_ROMS_DIR "/opensbi/fw_dynamic.bin",
                                  "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin",
                                  "/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin"})
        if (std::filesystem::exists(candidate)) return candidate;
    return {};
}

std::string boot(Machine& machine) {
    const MachineConfig& config = machine.config;
    Ram& ram = machine.ram;
    std::vector<LoadedImage> placed;
    auto check_overlap = [&](const LoadedImage& image, const std::string& path) -> std::string {
        for (const LoadedImage& other : placed)
            if (overlaps(image, other)) return failed(path, "overlaps another image in RAM");
        placed.push_back(image);
        return {};
    };

    LoadedImage firmware;
    FwDynamicInfo info;
    if (config.bios == "none") {
        if (config.kernel.empty()) return "nothing to run: -bios none needs -kernel FILE";
        if (auto e = load_image(ram, config.kernel, ram.base(), firmware); !e.empty())
            return failed(config.kernel, e);
        placed.push_back(firmware);
        if (firmware.tohost) machine.attach_htif(*firmware.tohost, firmware.fromhost);
    } else {
        const std::string path =
            config.bios.empty() || config.bios == "default" ? default_firmware_path() : config.bios;
        if (path.empty())
            return "no firmware: install Debian's opensbi package, or give -bios FILE or -bios none";
        if (auto e = load_image(ram, path, ram.base(), firmware); !e.empty()) return failed(path, e);
        placed.push_back(firmware);
        if (!config.kernel.empty()) {
            LoadedImage kernel;
            if (auto e = load_image(ram, config.kernel, ram.base() + kKernelOffset, kernel); !e.empty())
                return failed(config.kernel, e);
            if (auto e = check_overlap(kernel, config.kernel); !e.empty()) return e;
            info.next_addr = kernel.entry;
        }
    }

    // The initrd goes far enough above the kernel that decompression cannot reach it
    // (QEMU's rule: half of RAM, at most 128 MiB), the device tree at the top of RAM.
    VirtFdtParams params;
    params.harts = config.harts;
    params.ram_base = ram.base();
    params.ram_size = ram.size();
    params.bootargs = config.append;
    for (const auto& transport : machine.virtio)
        params.virtio_mmio.push_back({transport->base(), transport->irq_source()});
    if (!config.initrd.empty()) {
        LoadedImage initrd;
        const uint64_t address = ram.base() + kKernelOffset + std::min(ram.size() / 2, kInitrdMaxOffset);
        if (auto e = load_raw(ram, config.initrd, address, initrd); !e.empty())
            return failed(config.initrd, e);
        if (auto e = check_overlap(initrd, config.initrd); !e.empty()) return e;
        params.initrd = {{initrd.low, initrd.high}};
    }
    std::vector<uint8_t> fdt;
    if (config.dtb.empty()) {
        fdt = build_virt_fdt(params);
    } else {
        if (auto e = read_file(config.dtb, kMaxFdtSize, fdt); !e.empty()) return failed(config.dtb, e);
        if (auto e = adopt_user_fdt(fdt, params); !e.empty()) return failed(config.dtb, e);
    }
    LoadedImage fdt_image;
    fdt_image.low = (ram.end() - fdt.size()) & ~(kFdtAlign - 1);
    fdt_image.high = fdt_image.low + fdt.size();
    if (fdt_image.low < ram.base()) return "RAM is too small for the device tree";
    if (auto e = check_overlap(fdt_image, "device tree"); !e.empty()) return e;
    std::memcpy(ram.host(fdt_image.low), fdt.data(), fdt.size());

    machine.install_boot_rom(firmware.entry, fdt_image.low, info);
    return {};
}

} // namespace tern
