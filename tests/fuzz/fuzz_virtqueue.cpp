// libFuzzer target focused on hw/virtqueue.*: the input is the queue state a
// driver programmed (size, ring addresses, indices) followed by the bytes of a
// small RAM, so descriptor tables, rings, indirect tables and buffers are all
// fuzzer-chosen. Every chain pop() accepts is served by virtio-blk on a small
// disk and returned with push_used(). Besides "no crash, no sanitizer report",
// it checks what pop() promises: every accepted segment lies inside RAM, a
// chain holds at most a queue plus one indirect table of buffers, and the
// device never reports more bytes written than the chain could take.
#include <cstdint>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "core/bus.hpp"
#include "core/dma.hpp"
#include "hw/block_backend.hpp"
#include "hw/virtio_blk.hpp"
#include "hw/virtqueue.hpp"

using namespace tern;

namespace {
constexpr uint64_t kRamBase = 0x8000'0000, kRamSize = 64 * 1024, kDiskSize = 16 * 1024;

// The input starts with a 16-byte header (all little-endian):
//   [0] log2 of the queue size (mod 9)   [1] notifications - 1 (mod 4)
//   [2..3] last_avail (= used_idx)       [4..9] desc, driver, device offsets into RAM
//   [10] bit i set: area i (desc, driver, device) lies at 2^64 - 64 KiB + offset instead
// and the rest is the first bytes of RAM, so seeds are easy to write by hand.
struct Header {
    uint8_t log2_num, notifications;
    uint16_t last_avail;
    uint16_t offsets[3];
    uint8_t far;
    uint8_t reserved[5];
};
static_assert(sizeof(Header) == 16);

uint64_t area(const Header& h, unsigned i) {
    return (h.far >> i & 1 ? 0 - kRamSize : kRamBase) + h.offsets[i];
}

std::unique_ptr<BlockBackend> memory_disk() {
    const int fd = memfd_create("tern-fuzz-vq", MFD_CLOEXEC);
    if (fd < 0) __builtin_trap();
    // Sector s holds bytes s, s+1, s+2...: reads bring recognisable data into RAM.
    std::vector<uint8_t> pattern(kDiskSize);
    for (size_t i = 0; i < pattern.size(); ++i)
        pattern[i] = static_cast<uint8_t>(i / 512 + i % 512);
    if (pwrite(fd, pattern.data(), pattern.size(), 0) != static_cast<ssize_t>(pattern.size()))
        __builtin_trap();
    std::string error;
    auto disk = FileBackend::open("/proc/self/fd/" + std::to_string(fd), false, error);
    close(fd);
    if (!disk) __builtin_trap();
    return disk;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Header h{};
    if (size) std::memcpy(&h, data, std::min(size, sizeof h));
    Ram ram(kRamBase, kRamSize);
    if (size > sizeof h)
        std::memcpy(ram.host(kRamBase), data + sizeof h, std::min<size_t>(size - sizeof h, kRamSize));
    Bus bus(ram);
    Dma dma(bus);
    VirtioBlk blk(memory_disk());

    Virtqueue q;
    q.state.num = static_cast<uint16_t>(1u << (h.log2_num % 9));
    q.state.ready = true;
    q.state.desc = area(h, 0);
    q.state.driver = area(h, 1);
    q.state.device = area(h, 2);
    q.state.last_avail = q.state.used_idx = h.last_avail;
    const unsigned notifications = 1 + h.notifications % 4;

    for (unsigned n = 0; n < notifications; ++n) {
        // One notification, served as the transport does (hw/virtio_mmio.cpp).
        // At most a queue's worth of chains, as the transport serves: the device writes
        // into RAM, which may hold the available ring itself, so the ring can refill.
        for (unsigned popped = 0; popped < q.state.num; ++popped) {
            DescriptorChain chain;
            std::string error;
            const Virtqueue::Pop pop = q.pop(dma, chain, error);
            if (pop == Virtqueue::Pop::Empty) break;
            if (pop == Virtqueue::Pop::Broken) {
                if (error.empty()) __builtin_trap(); // a broken queue always says why
                return 0;
            }
            // Direct descriptors come from a queue-sized table, an indirect table holds at most kMaxSize.
            if (chain.readable.size() + chain.writable.size() > q.state.num + Virtqueue::kMaxSize)
                __builtin_trap();
            uint64_t writable = 0;
            for (const auto* list : {&chain.readable, &chain.writable})
                for (const VirtqSegment& s : *list)
                    if (!ram.contains(s.addr, s.len)) __builtin_trap();
            for (const VirtqSegment& s : chain.writable)
                writable += s.len;
            const VirtioDevice::Result result = blk.serve(0, chain, dma);
            if (result.written > writable) __builtin_trap();
            if (!q.push_used(dma, chain.head, result.written)) return 0;
        }
    }
    return 0;
}
