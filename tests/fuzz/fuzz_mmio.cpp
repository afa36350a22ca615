// libFuzzer target: a whole Machine (two harts, 1 MiB of RAM, a writable and a
// read-only virtio-blk disk, the boot ROM and HTIF) driven by a hostile guest
// that never runs an instruction: the input is a sequence of operations, each
// an MMIO access in or around a mapped region, bytes written into RAM (so the
// fuzzer owns every virtqueue descriptor, ring and buffer), a queue
// notification, a byte typed on the UART, or a timer/interrupt tick.
// Guest errors are expected; a crash, hang, leak or sanitizer report is a bug.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "core/machine.hpp"

using namespace tern;

namespace {

constexpr uint64_t kRamSize = 1 << 20;
constexpr uint64_t kDiskSize = 64 * 1024;
constexpr uint64_t kSlack = 16; // bytes probed before and after each region
constexpr uint64_t kTohost = MachineConfig::kRamBase + kRamSize - 0x1000;

struct Region {
    uint64_t base, size;
};
// Every region the bus maps, plus RAM (its edges are interesting too).
constexpr std::array<Region, 15> kRegions{{
    {BootRom::kBase, BootRom::kSize},
    {SifiveTest::kBase, SifiveTest::kSize},
    {GoldfishRtc::kBase, GoldfishRtc::kSize},
    {Clint::kBase, Clint::kSize},
    {Plic::kBase, Plic::kSize},
    {Uart16550::kBase, Uart16550::kSize},
    {VirtioMmio::kFirstBase + 0 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 1 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 2 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 3 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 4 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 5 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 6 * VirtioMmio::kSize, VirtioMmio::kSize},
    {VirtioMmio::kFirstBase + 7 * VirtioMmio::kSize, VirtioMmio::kSize},
    {MachineConfig::kRamBase, kRamSize},
}};
// The disks sit in the highest transports (slot 7: the writable one, slot 6: read-only).
constexpr uint64_t kDiskTransports[2] = {VirtioMmio::kFirstBase + 7 * VirtioMmio::kSize,
                                         VirtioMmio::kFirstBase + 6 * VirtioMmio::kSize};

// A zero-filled in-memory file for a disk, so every input starts from the same disk.
struct MemoryImage {
    int fd = -1;
    std::string path;
    MemoryImage() {
        fd = memfd_create("tern-fuzz-disk", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, kDiskSize) != 0) __builtin_trap();
        path = "/proc/self/fd/" + std::to_string(fd);
    }
    ~MemoryImage() { close(fd); }
};

// What the fuzzer last programmed into a transport through kBringUp, so it can
// write descriptors and ring entries where the device will look.
struct QueueLayout {
    uint64_t desc = 0, avail = 0, used = 0;
    uint16_t num = 0, avail_idx = 0;
};

enum Op : uint8_t {
    kRead, kWrite, kRamWrite, kBringUp, kDescriptor, kAvail, kNotify, kUartInput, kTick, kHtifCommand, kOpCount
};

class Driver {
  public:
    Driver(Machine& m, FuzzedDataProvider& in) : m_(m), in_(in) {}

    void step() {
        switch (in_.ConsumeIntegralInRange<uint8_t>(0, kOpCount - 1)) {
        case kRead: {
            uint64_t value;
            m_.bus.read(address(), width(), value, origin());
            break;
        }
        case kWrite: m_.bus.write(address(), width(), in_.ConsumeIntegral<uint64_t>(), origin()); break;
        case kRamWrite: {
            const uint64_t at = ram_address();
            const auto bytes = in_.ConsumeBytes<uint8_t>(in_.ConsumeIntegralInRange<size_t>(1, 64));
            for (size_t i = 0; i < bytes.size(); ++i) m_.bus.write(at + i, 1, bytes[i], origin());
            break;
        }
        case kBringUp: bring_up(); break;
        case kDescriptor: {
            QueueLayout& q = layout();
            const uint64_t at = q.desc + 16ull * in_.ConsumeIntegralInRange<uint16_t>(0, 300);
            store(at, 8, ram_address());
            store(at + 8, 4, in_.ConsumeBool() ? in_.ConsumeIntegralInRange<uint32_t>(0, 1024) : in_.ConsumeIntegral<uint32_t>());
            store(at + 12, 2, in_.ConsumeIntegralInRange<uint16_t>(0, 7));
            store(at + 14, 2, in_.ConsumeIntegral<uint8_t>());
            break;
        }
        case kAvail: {
            QueueLayout& q = layout();
            store(q.avail + 4 + 2ull * (q.avail_idx % (q.num ? q.num : 1)), 2, in_.ConsumeIntegral<uint8_t>());
            q.avail_idx = static_cast<uint16_t>(q.avail_idx + (in_.ConsumeBool() ? 1 : in_.ConsumeIntegral<uint16_t>()));
            store(q.avail + 2, 2, q.avail_idx);
            break;
        }
        case kNotify:
            m_.bus.write(kDiskTransports[in_.ConsumeBool()] + 0x50, 4, in_.ConsumeIntegralInRange<uint32_t>(0, 2),
                         origin());
            break;
        case kUartInput: m_.uart.receive(in_.ConsumeIntegral<uint8_t>()); break;
        case kTick:
            m_.rtc.poll();
            m_.update_all_interrupt_lines();
            break;
        case kHtifCommand: {
            // device 0 (syscall / exit) or 1 (console), command 0 or 1, payload near RAM.
            const uint64_t payload = in_.ConsumeBool() ? ram_address() : in_.ConsumeIntegral<uint64_t>();
            store(kTohost, 8, Htif::command(in_.ConsumeIntegralInRange<uint8_t>(0, 2),
                                            in_.ConsumeIntegralInRange<uint8_t>(0, 1), payload));
            break;
        }
        }
    }

  private:
    AccessOrigin origin() { return {static_cast<int32_t>(in_.ConsumeBool()), 0x8000'0000}; }
    unsigned width() { return 1u << in_.ConsumeIntegralInRange<unsigned>(0, 3); }
    // An address in or just around one region.
    uint64_t address() {
        const Region& r = kRegions[in_.ConsumeIntegralInRange<size_t>(0, kRegions.size() - 1)];
        return r.base - kSlack + in_.ConsumeIntegralInRange<uint64_t>(0, r.size + 2 * kSlack - 1);
    }
    // A RAM address, or one just off either end of RAM, or anything at all.
    uint64_t ram_address() {
        switch (in_.ConsumeIntegralInRange<uint8_t>(0, 3)) {
        case 0: return MachineConfig::kRamBase + in_.ConsumeIntegralInRange<uint64_t>(0, 0xffff);
        case 1: return MachineConfig::kRamBase + in_.ConsumeIntegralInRange<uint64_t>(0, kRamSize - 1);
        case 2: return MachineConfig::kRamBase + kRamSize - in_.ConsumeIntegralInRange<uint64_t>(0, 64);
        default: return in_.ConsumeIntegral<uint64_t>();
        }
    }
    void store(uint64_t paddr, unsigned size, uint64_t value) { m_.bus.write(paddr, size, value, origin()); }
    void mmio(uint64_t base, uint64_t offset, uint32_t value) { m_.bus.write(base + offset, 4, value, origin()); }
    QueueLayout& layout() { return layouts_[in_.ConsumeBool()]; }

    // The virtio 3.1.1 initialisation of a disk transport with one queue whose
    // rings the fuzzer places (anywhere in the first 64 KiB, or at the RAM's end).
    void bring_up() {
        const bool which = in_.ConsumeBool();
        const uint64_t base = kDiskTransports[which];
        QueueLayout& q = layouts_[which];
        q.num = static_cast<uint16_t>(1u << in_.ConsumeIntegralInRange<unsigned>(0, 8));
        q.desc = ram_address();
        q.avail = ram_address();
        q.used = ram_address();
        q.avail_idx = 0;
        mmio(base, 0x70, 0); // reset
        mmio(base, 0x70, 1 | 2);
        mmio(base, 0x24, 1);
        mmio(base, 0x20, 1); // VERSION_1
        mmio(base, 0x24, 0);
        mmio(base, 0x20, in_.ConsumeIntegral<uint32_t>() & 0x264);
        mmio(base, 0x70, 1 | 2 | 8);
        mmio(base, 0x30, 0);
        mmio(base, 0x38, q.num);
        for (auto [offset, value] : {std::pair{0x80, q.desc}, {0x90, q.avail}, {0xa0, q.used}}) {
            mmio(base, offset, static_cast<uint32_t>(value));
            mmio(base, offset + 4, static_cast<uint32_t>(value >> 32));
        }
        mmio(base, 0x44, 1);
        mmio(base, 0x70, 1 | 2 | 8 | 4);
    }

    Machine& m_;
    FuzzedDataProvider& in_;
    QueueLayout layouts_[2];
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // UART and HTIF console output would flood the fuzzer's log.
    if (!std::freopen("/dev/null", "w", stdout)) __builtin_trap();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    MemoryImage writable, read_only;
    MachineConfig config;
    config.ram_size = kRamSize;
    config.harts = 2;
    config.drives = {{writable.path, false}, {read_only.path, true}};
    Machine machine(config);
    machine.install_boot_rom(MachineConfig::kRamBase, MachineConfig::kRamBase + 0x10000, {});
    machine.attach_htif(kTohost, kTohost + 8);

    FuzzedDataProvider in(data, size);
    Driver driver(machine, in);
    while (in.remaining_bytes() > 0) driver.step();
    return 0;
}
