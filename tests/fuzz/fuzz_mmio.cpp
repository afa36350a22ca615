// libFuzzer target: a whole Machine (two harts, 1 MiB of RAM, a writable and a
// read-only virtio-blk disk, the boot ROM and HTIF) driven by a hostile guest
// that never runs an instruction: the input is a sequence of operations, each
// an MMIO access in or around a mapped region, bytes written into RAM (so the
// fuzzer owns every virtqueue descriptor, ring and buffer), a queue
// notification, a byte typed on the UART, or a timer/interrupt tick.
// Guest errors are expected; a crash, hang, leak or sanitizer report is a bug.
//
// Encoding (little-endian, read from the front; missing bytes read as 0; "x % n" below
// means the value is taken modulo n), so seeds can be written by hand
// (tests/fuzz/make_mmio_seeds.py):
//   op:u8 % 10, then
//   0 read        region:u8 % 15, offset:u32, width:u8, origin:u8
//   1 write       region:u8 % 15, offset:u32, width:u8, value:u64, origin:u8
//   2 RAM bytes   where:ram, n:u8 % 64 + 1, bytes[n]
//   3 bring-up    disk:u8 & 1, log2 num:u8 % 9, desc:ram, avail:ram, used:ram, features:u32 (& offered)
//   4 descriptor  disk:u8 & 1, index:u16 % 301, addr:ram, len:u32, flags:u8 % 8, next:u8
//   5 available   disk:u8 & 1, head:u8, step:u16 (0 means 1)
//   6 notify      disk:u8 & 1, queue:u8 % 3
//   7 UART input  byte:u8
//   8 tick        (polls the RTC, updates the harts' interrupt lines)
//   9 HTIF        device:u8 % 3, command:u8 & 1, payload:ram
// where `ram` is kind:u8 % 4 then offset:u32: RAM base + offset % 64 KiB, + offset % RAM
// size, RAM end - offset % 65, or (kind 3) a raw u64; an offset is `region base - 16 +
// offset % (region size + 32)`; a width is 1 << (width % 4); origin is hart origin & 1.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "hw/machine.hpp"

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
    uint16_t num = 1, avail_idx = 0;
};

// Reads the input front to back; past its end every value is 0.
class Reader {
  public:
    Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    template <class T> T get() {
        uint8_t bytes[sizeof(T)] = {};
        for (auto& b : bytes)
            b = pos_ < size_ ? data_[pos_++] : 0;
        T value;
        std::memcpy(&value, bytes, sizeof value);
        return value;
    }

  private:
    const uint8_t* data_;
    size_t size_, pos_ = 0;
};

enum Op : uint8_t {
    kRead,
    kWrite,
    kRamBytes,
    kBringUp,
    kDescriptor,
    kAvail,
    kNotify,
    kUartInput,
    kTick,
    kHtifCommand,
    kOpCount
};

class Driver {
  public:
    Driver(Machine& m, Reader& in) : m_(m), in_(in) {}

    void step() {
        switch (in_.get<uint8_t>() % kOpCount) {
        case kRead: {
            const uint64_t at = address();
            const unsigned size = width();
            uint64_t value;
            m_.bus.read(at, size, value, origin());
            break;
        }
        case kWrite: {
            const uint64_t at = address();
            const unsigned size = width();
            const uint64_t value = in_.get<uint64_t>();
            m_.bus.write(at, size, value, origin());
            break;
        }
        case kRamBytes: {
            const uint64_t at = ram_address();
            const unsigned n = in_.get<uint8_t>() % 64 + 1;
            for (unsigned i = 0; i < n; ++i)
                store(at + i, 1, in_.get<uint8_t>());
            break;
        }
        case kBringUp: bring_up(); break;
        case kDescriptor: {
            const QueueLayout& q = layout();
            const uint64_t at = q.desc + 16ull * (in_.get<uint16_t>() % 301);
            store(at, 8, ram_address());
            store(at + 8, 4, in_.get<uint32_t>());
            store(at + 12, 2, in_.get<uint8_t>() % 8);
            store(at + 14, 2, in_.get<uint8_t>());
            break;
        }
        case kAvail: {
            QueueLayout& q = layout();
            store(q.avail + 4 + 2ull * (q.avail_idx % q.num), 2, in_.get<uint8_t>());
            const uint16_t step = in_.get<uint16_t>();
            q.avail_idx = static_cast<uint16_t>(q.avail_idx + (step ? step : 1));
            store(q.avail + 2, 2, q.avail_idx);
            break;
        }
        case kNotify: {
            const uint64_t base = transport();
            m_.bus.write(base + 0x50, 4, in_.get<uint8_t>() % 3, {0, 0});
            break;
        }
        case kUartInput: m_.uart.receive(in_.get<uint8_t>()); break;
        case kTick:
            m_.rtc.poll();
            m_.update_all_interrupt_lines();
            break;
        case kHtifCommand: {
            const uint8_t device = in_.get<uint8_t>() % 3, command = in_.get<uint8_t>() & 1;
            store(kTohost, 8, Htif::command(device, command, ram_address()));
            break;
        }
        }
    }

  private:
    AccessOrigin origin() { return {in_.get<uint8_t>() & 1, 0x8000'0000}; }
    unsigned width() { return 1u << (in_.get<uint8_t>() % 4); }
    // An address in or just around one region.
    uint64_t address() {
        const Region& r = kRegions[in_.get<uint8_t>() % kRegions.size()];
        return r.base - kSlack + in_.get<uint32_t>() % (r.size + 2 * kSlack);
    }
    // A RAM address, or one just off the end of RAM, or anything at all.
    uint64_t ram_address() {
        const uint8_t kind = in_.get<uint8_t>() % 4;
        if (kind == 3) return in_.get<uint64_t>();
        const uint32_t offset = in_.get<uint32_t>();
        switch (kind) {
        case 0: return MachineConfig::kRamBase + offset % 0x10000;
        case 1: return MachineConfig::kRamBase + offset % kRamSize;
        default: return MachineConfig::kRamBase + kRamSize - offset % 65;
        }
    }
    void store(uint64_t paddr, unsigned size, uint64_t value) { m_.bus.write(paddr, size, value, {0, 0}); }
    void mmio(uint64_t base, uint64_t offset, uint32_t value) {
        m_.bus.write(base + offset, 4, value, {0, 0});
    }
    bool disk() { return in_.get<uint8_t>() & 1; }
    uint64_t transport() { return kDiskTransports[disk()]; }
    QueueLayout& layout() { return layouts_[disk()]; }

    // The virtio 3.1.1 initialisation of a disk transport with one queue whose rings the
    // fuzzer places; the driver takes VERSION_1 and those offered low features it picks.
    void bring_up() {
        const bool which = disk();
        const uint64_t base = kDiskTransports[which];
        QueueLayout& q = layouts_[which];
        q.num = static_cast<uint16_t>(1u << (in_.get<uint8_t>() % 9));
        q.desc = ram_address();
        q.avail = ram_address();
        q.used = ram_address();
        q.avail_idx = 0;
        const uint32_t features = in_.get<uint32_t>();
        mmio(base, 0x70, 0); // reset
        mmio(base, 0x14, 0);
        uint64_t offered = 0;
        m_.bus.read(base + 0x10, 4, offered);
        mmio(base, 0x70, 1 | 2);
        mmio(base, 0x24, 1);
        mmio(base, 0x20, 1); // VERSION_1
        mmio(base, 0x24, 0);
        mmio(base, 0x20, static_cast<uint32_t>(features & offered));
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
    Reader& in_;
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

    Reader in(data, size);
    Driver driver(machine, in);
    while (!in.empty())
        driver.step();
    // TERN_FUZZ_TRACE=1 shows what an input did: its guest errors and the disks' used rings.
    if (std::getenv("TERN_FUZZ_TRACE")) {
        for (const GuestErrorEntry& e : machine.guest_errors.snapshot())
            std::fprintf(stderr, "%s\n", GuestErrorLog::format(e).c_str());
        for (uint64_t base : kDiskTransports) {
            uint64_t status = 0;
            machine.bus.read(base + 0x70, 4, status);
            std::fprintf(stderr, "transport %#llx: status %#llx\n", static_cast<unsigned long long>(base),
                         static_cast<unsigned long long>(status));
        }
        std::fprintf(stderr, "used idx at +0x3000: %u, status byte at +0x6000: %u\n",
                     machine.ram.host(MachineConfig::kRamBase + 0x3002)[0],
                     machine.ram.host(MachineConfig::kRamBase + 0x6000)[0]);
    }
    return 0;
}
