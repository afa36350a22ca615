#pragma once
// A split virtqueue (virtio 1.2, 2.7). Descriptors are copied out of guest
// memory once, validated, and only the copies are used; any inconsistency
// (a loop, an index past the queue, a buffer outside RAM, nested indirect
// tables) makes the whole chain invalid rather than being guessed around.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/dma.hpp"

namespace tern {

struct VirtqSegment {
    uint64_t addr;
    uint32_t len;
};

struct DescriptorChain {
    uint16_t head = 0;
    std::vector<VirtqSegment> readable; // device-readable buffers, in order
    std::vector<VirtqSegment> writable; // device-writable buffers, in order
};

// What the driver programmed through the transport: plain data.
struct VirtqueueState {
    uint16_t num = 0;
    bool ready = false;
    uint64_t desc = 0, driver = 0, device = 0; // descriptor table, available ring, used ring
    uint16_t last_avail = 0;                   // next available entry the device will take
    uint16_t used_idx = 0;
};

class Virtqueue {
  public:
    static constexpr uint16_t kMaxSize = 256;

    enum class Pop { Chain, Empty, Broken };
    // Takes the next available chain. On Broken, `error` says why.
    Pop pop(Dma& dma, DescriptorChain& chain, std::string& error);
    // Returns a chain to the driver with the number of bytes written into it.
    bool push_used(Dma& dma, uint16_t head, uint32_t written);

    VirtqueueState state;

  private:
    struct Descriptor {
        uint64_t addr;
        uint32_t len;
        uint16_t flags;
        uint16_t next;
    };
    static_assert(sizeof(Descriptor) == 16);
    bool walk(Dma& dma, uint64_t table, uint32_t table_size, uint16_t first, bool indirect, DescriptorChain& chain,
              std::string& error);
};

} // namespace tern

namespace tern {

// Reads or writes the bytes of a chain's buffers as one stream, through the DMA API.
class ChainStream {
  public:
    ChainStream(Dma& dma, const std::vector<VirtqSegment>& segments) : dma_(dma), segments_(segments) {
        for (const VirtqSegment& s : segments) remaining_ += s.len;
    }
    uint64_t remaining() const { return remaining_; }
    // Copy the next bytes out of / into the chain; false if the chain is too short.
    bool read(std::span<uint8_t> out) { return transfer(out.data(), out.size(), false); }
    bool write(std::span<const uint8_t> in) { return transfer(const_cast<uint8_t*>(in.data()), in.size(), true); }
    bool skip(uint64_t len) { return transfer(nullptr, len, false); }

  private:
    bool transfer(uint8_t* data, uint64_t len, bool to_guest);
    Dma& dma_;
    const std::vector<VirtqSegment>& segments_;
    size_t segment_ = 0;
    uint32_t offset_ = 0;
    uint64_t remaining_ = 0;
};

} // namespace tern
