// virtio-mmio + virtio-blk driven as a guest driver would, and misused as a hostile one would.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "hw/plic.hpp"
#include "hw/virtio_blk.hpp"
#include "hw/virtio_mmio.hpp"

using namespace tern;

namespace {
constexpr uint64_t kRam = 0x8000'0000, kBase = 0x1000'1000;
constexpr uint64_t kDesc = kRam + 0x1000, kAvail = kRam + 0x2000, kUsed = kRam + 0x3000;
constexpr uint64_t kHeader = kRam + 0x4000, kData = kRam + 0x5000, kStatus = kRam + 0x6000;
constexpr uint16_t kNext = 1, kWrite = 2, kIndirect = 4;

struct TempImage {
    std::string path;
    explicit TempImage(size_t bytes, uint8_t fill) {
        char name[] = "/tmp/tern-blk-XXXXXX";
        int fd = mkstemp(name);
        REQUIRE(fd >= 0);
        std::vector<uint8_t> data(bytes, fill);
        REQUIRE(write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
        close(fd);
        path = name;
    }
    ~TempImage() { unlink(path.c_str()); }
    std::vector<uint8_t> contents() const {
        std::ifstream f(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(f), {}};
    }
};

struct Rig {
    TempImage image{64 * 1024, 0xab};
    Ram ram{kRam, 1 << 20};
    Bus bus{ram};
    GuestErrorLog log;
    MachineClock clock;
    Plic plic{1};
    std::unique_ptr<VirtioBlk> blk;
    std::unique_ptr<VirtioMmio> mmio;
    uint16_t avail_idx = 0;

    explicit Rig(bool read_only = false) {
        std::string error;
        blk = std::make_unique<VirtioBlk>(FileBackend::open(image.path, read_only, error));
        bus.attach({&log, &clock});
        mmio = std::make_unique<VirtioMmio>(0, IrqLine(&plic, 1), Dma(bus), blk.get());
        bus.map(kBase, 0x1000, *mmio);
    }
    uint32_t rd(uint64_t off) {
        uint64_t v = 0;
        REQUIRE(bus.read(kBase + off, 4, v));
        return static_cast<uint32_t>(v);
    }
    void wr(uint64_t off, uint32_t v) { REQUIRE(bus.write(kBase + off, 4, v)); }
    template <class T> void poke(uint64_t a, T v) { std::memcpy(ram.host(a), &v, sizeof v); }
    template <class T> T peek(uint64_t a) {
        T v;
        std::memcpy(&v, ram.host(a), sizeof v);
        return v;
    }
    // The driver's initialisation sequence (virtio 3.1.1) with one queue of 8 entries.
    void bring_up() {
        wr(0x70, 1);
        wr(0x70, 1 | 2);
        wr(0x24, 1);
        wr(0x20, 1); // VERSION_1 (bit 32)
        wr(0x24, 0);
        wr(0x20, 0);
        wr(0x70, 1 | 2 | 8);
        REQUIRE((rd(0x70) & 8) == 8);
        wr(0x30, 0);
        wr(0x38, 8);
        wr(0x80, static_cast<uint32_t>(kDesc));
        wr(0x90, static_cast<uint32_t>(kAvail));
        wr(0xa0, static_cast<uint32_t>(kUsed));
        wr(0x44, 1);
        wr(0x70, 1 | 2 | 8 | 4);
    }
    void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0, uint64_t table = kDesc) {
        poke<uint64_t>(table + 16 * i, addr);
        poke<uint32_t>(table + 16 * i + 8, len);
        poke<uint16_t>(table + 16 * i + 12, flags);
        poke<uint16_t>(table + 16 * i + 14, next);
    }
    void submit(uint16_t head) {
        poke<uint16_t>(kAvail + 4 + 2 * (avail_idx % 8), head);
        poke<uint16_t>(kAvail + 2, ++avail_idx);
        wr(0x50, 0);
    }
    void request(uint32_t type, uint64_t sector) {
        poke<uint32_t>(kHeader, type);
        poke<uint32_t>(kHeader + 4, 0);
        poke<uint64_t>(kHeader + 8, sector);
    }
    std::string last_error() {
        auto entries = log.snapshot();
        REQUIRE(!entries.empty());
        return entries.back().message;
    }
};
} // namespace

TEST_CASE("virtio-blk reads and writes sectors of the image file") {
    Rig r;
    CHECK(r.rd(0x0) == 0x74726976);
    CHECK(r.rd(0x8) == 2);
    CHECK(r.rd(0x100) == 128); // capacity: 64 KiB in 512-byte sectors
    r.bring_up();

    r.request(0, 2); // read sector 2
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kData, 512, kWrite | kNext, 2);
    r.desc(2, kStatus, 1, kWrite);
    r.poke<uint8_t>(kStatus, 0xff);
    r.submit(0);
    CHECK(r.peek<uint8_t>(kStatus) == 0);
    CHECK(r.peek<uint8_t>(kData + 511) == 0xab);
    CHECK(r.peek<uint16_t>(kUsed + 2) == 1);
    CHECK(r.peek<uint32_t>(kUsed + 8) == 513); // bytes written: data + status
    CHECK(r.rd(0x60) == 1);
    CHECK(r.plic.context_pending(0) == false); // priority 0: masked, but the line is pending
    CHECK(r.rd(0x60) == 1);
    r.wr(0x64, 1);
    CHECK(r.rd(0x60) == 0);

    std::memset(r.ram.host(kData), 0x5a, 1024);
    r.request(1, 4); // write sectors 4 and 5
    r.desc(1, kData, 1024, kNext, 2);
    r.submit(0);
    CHECK(r.peek<uint8_t>(kStatus) == 0);
    auto disk = r.image.contents();
    CHECK(disk[4 * 512] == 0x5a);
    CHECK(disk[6 * 512 - 1] == 0x5a);
    CHECK(disk[6 * 512] == 0xab);
    CHECK(r.log.total_recorded() == 0);
}

TEST_CASE("read past the end of the disk fails the request, not the device") {
    Rig r;
    r.bring_up();
    r.request(0, 127);
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kData, 1024, kWrite | kNext, 2);
    r.desc(2, kStatus, 1, kWrite);
    r.submit(0);
    CHECK(r.peek<uint8_t>(kStatus) == 1); // VIRTIO_BLK_S_IOERR
    CHECK(r.last_error() == "read past the end of the disk");
    CHECK_FALSE(r.mmio->broken());
    r.request(0, ~0ull / 256); // sector * 512 overflows
    r.submit(0);
    CHECK(r.peek<uint8_t>(kStatus) == 1);
}

TEST_CASE("a read-only disk refuses writes") {
    Rig r(true);
    CHECK((r.rd(0x10) & (1u << 5)) != 0);  // VIRTIO_BLK_F_RO offered
    CHECK((r.rd(0x10) & (1u << 28)) != 0); // VIRTIO_F_INDIRECT_DESC: the transport's queues take indirect tables
    r.bring_up();
    r.request(1, 0);
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kData, 512, kNext, 2);
    r.desc(2, kStatus, 1, kWrite);
    r.submit(0);
    CHECK(r.peek<uint8_t>(kStatus) == 1);
    CHECK(r.last_error() == "write to a read-only disk");
    CHECK(r.image.contents()[0] == 0xab);
}

TEST_CASE("practice: a descriptor loop marks the device broken") {
    Rig r;
    r.bring_up();
    r.request(0, 0);
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kData, 16, kWrite | kNext, 2);
    r.desc(2, kStatus, 1, kWrite | kNext, 1); // back to descriptor 1
    r.submit(0);
    auto e = r.log.snapshot().back();
    CHECK(e.message == "descriptor chain loops: device needs reset");
    CHECK(e.device == "virtio0");
    CHECK(e.reg == "queue_notify");
    CHECK(r.mmio->broken());
    CHECK((r.rd(0x70) & 0x40) == 0x40); // DEVICE_NEEDS_RESET
    CHECK((r.rd(0x60) & 2) == 2);       // configuration-change interrupt
    r.wr(0x70, 0);                      // a reset recovers it
    CHECK_FALSE(r.mmio->broken());
}

TEST_CASE("practice: DMA past the end of RAM is refused") {
    Rig r;
    r.bring_up();
    r.request(0, 0);
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kRam + (1 << 20) - 8, 512, kWrite | kNext, 2); // runs off the end of RAM
    r.desc(2, kStatus, 1, kWrite);
    r.submit(0);
    CHECK(r.last_error() == "buffer outside RAM: device needs reset");
    r.wr(0x70, 0);
    r.bring_up();
    r.desc(1, ~0ull - 100, 512, kWrite | kNext, 2); // addr + len wraps around
    r.avail_idx = 0;
    r.submit(0);
    CHECK(r.last_error() == "buffer outside RAM: device needs reset");
}

TEST_CASE("practice: indirect tables are validated") {
    Rig r;
    r.bring_up();
    constexpr uint64_t kTable = kRam + 0x7000;
    r.request(0, 0);
    r.desc(0, kHeader, 16, kNext, 1, kTable);
    r.desc(1, kData, 512, kWrite | kNext, 7, kTable); // next beyond the 3-entry table
    r.desc(0, kTable, 48, kIndirect);
    r.submit(0);
    CHECK(r.last_error() == "descriptor index 7 past the table: device needs reset");
    r.wr(0x70, 0);
    r.bring_up();
    r.avail_idx = 0;
    r.desc(1, kData, 512, kWrite | kNext, 2, kTable);
    r.desc(2, kTable, 16, kIndirect, 0, kTable); // an indirect table inside an indirect table
    r.submit(0);
    CHECK(r.last_error() == "nested indirect descriptor table: device needs reset");
}

TEST_CASE("practice: out-of-range queue index, access before init, write while busy, wrong width") {
    Rig r;
    r.wr(0x50, 0); // notify before the driver set anything up
    CHECK(r.last_error() == "queue notified before the driver is ready");
    r.wr(0x30, 5); // only queue 0 exists
    r.wr(0x38, 8);
    auto e = r.log.snapshot().back();
    CHECK(e.message == "queue index 5 out of range (have 1)");
    CHECK(e.reg == "queue_num");
    CHECK(e.value == 5);
    CHECK(r.rd(0x34) == 0); // queue_num_max of a missing queue
    r.wr(0x30, 0);
    r.bring_up();
    r.wr(0x80, 0x1234); // moving the descriptor table of a live queue
    CHECK(r.last_error() == "queue configuration written while the queue is ready");
    uint64_t v;
    CHECK(r.bus.read(kBase + 0x70, 2, v)); // 16-bit access to a 32-bit register
    CHECK(r.last_error() == "2-byte read not allowed");
    r.wr(0x38, 3);
    CHECK(r.last_error() == "queue configuration written while the queue is ready");
}

TEST_CASE("feature negotiation refuses unoffered features") {
    Rig r;
    r.wr(0x70, 3);
    r.wr(0x24, 0);
    r.wr(0x20, 1u << 31); // not offered
    r.wr(0x70, 3 | 8);
    CHECK((r.rd(0x70) & 8) == 0);
    CHECK(r.last_error() == "feature negotiation failed");
}

TEST_CASE("empty transports read as device 0 and a null backend reads zeroes") {
    Ram ram{kRam, 1 << 16};
    Bus bus{ram};
    VirtioMmio empty(3, IrqLine(), Dma(bus), nullptr);
    bus.map(kBase, 0x1000, empty);
    uint64_t v = 1;
    REQUIRE(bus.read(kBase + 8, 4, v));
    CHECK(v == 0);
    NullBackend null(4096);
    std::vector<uint8_t> buf(512, 0xee);
    CHECK(null.read(0, buf));
    CHECK(buf[0] == 0);
    CHECK(buf[511] == 0);
    CHECK_FALSE(null.write(0, buf));
}

TEST_CASE("the vendor ID reads as QEMU's, not as the register's own number") {
    Rig r;
    CHECK(r.rd(0x00c) == 0x554d4551);
}

TEST_CASE(
    "practice: a notification serves at most a queue of chains, even when the device refills the ring") {
    // Each request reads a disk sector over its own header and the available ring: the
    // sector holds the next sector number and an available index one further ahead, so
    // the device itself keeps the ring non-empty (on a big enough disk, forever).
    Rig r;
    constexpr uint64_t kHdr = kAvail - 16;
    constexpr unsigned kChainsOnDisk = 20; // more than the queue's 8 entries
    {
        std::vector<uint8_t> sectors(512 * kChainsOnDisk, 0);
        for (unsigned i = 0; i < kChainsOnDisk; ++i) {
            const uint64_t next_sector = i + 1;
            const uint16_t avail_idx = static_cast<uint16_t>(i + 1 < kChainsOnDisk ? i + 2 : i + 1);
            std::memcpy(&sectors[512 * i], &next_sector, 8);
            std::memcpy(&sectors[512 * i + 10], &avail_idx, 2);
        }
        std::FILE* f = std::fopen(r.image.path.c_str(), "r+b");
        REQUIRE(f);
        REQUIRE(std::fwrite(sectors.data(), 1, sectors.size(), f) == sectors.size());
        std::fclose(f);
    }
    r.bring_up();
    r.poke<uint32_t>(kHdr, 0); // VIRTIO_BLK_T_IN
    r.poke<uint32_t>(kHdr + 4, 0);
    r.poke<uint64_t>(kHdr + 8, 0);
    r.desc(0, kHdr, 16, kNext, 1);
    r.desc(1, kHdr + 8, 512, kWrite | kNext, 2); // covers the header's sector and the available ring
    r.desc(2, kStatus, 1, kWrite);
    r.submit(0);
    CHECK(r.peek<uint16_t>(kUsed + 2) == 8); // one queue's worth, though more are available
    CHECK(r.peek<uint16_t>(kAvail + 2) == 9);
    r.wr(0x50, 0);
    CHECK(r.peek<uint16_t>(kUsed + 2) == 16);
    r.wr(0x50, 0);
    CHECK(r.peek<uint16_t>(kUsed + 2) == kChainsOnDisk); // the disk's list has ended: the ring is empty
    CHECK(r.peek<uint8_t>(kStatus) == 0);
    CHECK_FALSE(r.mmio->broken());
    CHECK(r.log.total_recorded() == 0);
}

TEST_CASE("practice: an indirect table longer than the largest queue is refused") {
    Rig r;
    r.bring_up();
    constexpr uint64_t kTable = kRam + 0x10000;
    r.request(0, 0);
    r.desc(0, kHeader, 16, kNext, 1, kTable);
    r.desc(1, kData, 512, kWrite | kNext, 2, kTable);
    r.desc(2, kStatus, 1, kWrite, 0, kTable);
    r.desc(0, kTable, 16 * Virtqueue::kMaxSize, kIndirect); // the largest table allowed: accepted
    r.submit(0);
    CHECK(r.peek<uint8_t>(kStatus) == 0);
    CHECK(r.log.total_recorded() == 0);
    r.desc(0, kTable, 16 * (Virtqueue::kMaxSize + 1), kIndirect);
    r.submit(0);
    CHECK(r.last_error() == "indirect table longer than the largest queue: device needs reset");
    CHECK(r.mmio->broken());
}

TEST_CASE("nonsense order: a queue notified before FEATURES_OK is not served") {
    Rig r;
    r.wr(0x70, 1 | 2); // ACKNOWLEDGE | DRIVER, then straight to the queue and DRIVER_OK
    r.wr(0x30, 0);
    r.wr(0x38, 8);
    r.wr(0x80, static_cast<uint32_t>(kDesc));
    r.wr(0x90, static_cast<uint32_t>(kAvail));
    r.wr(0xa0, static_cast<uint32_t>(kUsed));
    r.wr(0x44, 1);
    r.wr(0x70, 1 | 2 | 4);
    r.request(0, 0);
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kStatus, 1, kWrite);
    r.poke<uint8_t>(kStatus, 0xee);
    r.submit(0);
    auto e = r.log.snapshot().back();
    CHECK(e.message == "queue notified before the driver is ready");
    CHECK(e.reg == "queue_notify");
    CHECK(e.value == 0);
    CHECK(r.peek<uint8_t>(kStatus) == 0xee); // untouched
    CHECK(r.peek<uint16_t>(kUsed + 2) == 0);
    CHECK(r.rd(0x60) == 0);
    CHECK(r.rd(0x70) == (1 | 2 | 4));
}

TEST_CASE("nonsense order: reset with a chain made available but not yet notified") {
    Rig r;
    r.bring_up();
    r.request(0, 0);
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kStatus, 1, kWrite);
    r.poke<uint8_t>(kStatus, 0xee);
    r.poke<uint16_t>(kAvail + 4, 0);
    r.poke<uint16_t>(kAvail + 2, 1); // available, but the driver resets before notifying
    r.wr(0x70, 0);
    CHECK(r.rd(0x70) == 0);
    CHECK(r.rd(0x44) == 0); // the queue is no longer ready...
    r.wr(0x50, 0);          // ...so a late notification is refused
    CHECK(r.last_error() == "queue notified before the driver is ready");
    CHECK(r.peek<uint8_t>(kStatus) == 0xee);
    // A fresh bring-up starts from index 0 again: the stale chain is seen exactly once.
    r.bring_up();
    r.wr(0x50, 0);
    CHECK(r.peek<uint8_t>(kStatus) == 0);
    CHECK(r.peek<uint16_t>(kUsed + 2) == 1);
    CHECK(r.peek<uint32_t>(kUsed + 4) == 0); // the used element names head 0
}

TEST_CASE("nonsense order: reset while the device needs reset and its interrupt is pending") {
    Rig r;
    r.bring_up();
    r.wr(0x100, 0); // configuration space is read-only for virtio-blk: logged, nothing changes
    CHECK(r.last_error() == "configuration space is read-only");
    CHECK(r.rd(0x100) == 128);
    r.desc(0, kHeader, 16, kNext, 0); // descriptor 0 chains to itself
    r.submit(0);
    CHECK(r.mmio->broken());
    CHECK(r.rd(0x60) == 2); // configuration-change interrupt
    r.wr(0x50, 0);
    CHECK(r.last_error() == "queue notified while the device needs reset");
    r.wr(0x70, 0);
    CHECK(r.rd(0x60) == 0);
    CHECK(r.rd(0x70) == 0);
    CHECK_FALSE(r.mmio->broken());
}

TEST_CASE("nonsense order: the same head made available twice is served twice") {
    Rig r;
    r.bring_up();
    r.request(4, 0); // flush
    r.desc(0, kHeader, 16, kNext, 1);
    r.desc(1, kStatus, 1, kWrite);
    r.poke<uint16_t>(kAvail + 4, 0);
    r.poke<uint16_t>(kAvail + 6, 0);
    r.poke<uint16_t>(kAvail + 2, 2);
    r.wr(0x50, 0);
    CHECK(r.peek<uint16_t>(kUsed + 2) == 2);
    CHECK(r.peek<uint32_t>(kUsed + 4) == 0);
    CHECK(r.peek<uint32_t>(kUsed + 12) == 0);
    CHECK(r.peek<uint8_t>(kStatus) == 0);
    CHECK(r.log.total_recorded() == 0);
}
