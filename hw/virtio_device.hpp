#pragma once
// What a virtio device type (block, ...) provides to the virtio-mmio transport.
#include <cstdint>
#include <span>
#include <string>

#include "core/dma.hpp"
#include "hw/virtqueue.hpp"

namespace tern {

inline constexpr uint64_t kVirtioFVersion1 = 1ull << 32;
inline constexpr uint64_t kVirtioFIndirectDesc = 1ull << 28; // VIRTIO_F_INDIRECT_DESC (virtio 1.2, 6)

class VirtioDevice {
  public:
    virtual ~VirtioDevice() = default;
    virtual uint32_t device_id() const = 0;
    virtual uint64_t features() const = 0; // offered features, including kVirtioFVersion1
    virtual unsigned queue_count() const = 0;
    // The device's configuration space, read by the driver in pieces.
    virtual std::span<const uint8_t> config() const = 0;

    // Serves one validated chain; returns the bytes written into its writable
    // buffers, or an error message when the request itself is malformed.
    struct Result {
        uint32_t written = 0;
        std::string error; // non-empty: a guest error worth logging (the request still completes)
    };
    virtual Result serve(unsigned queue, const DescriptorChain& chain, Dma& dma) = 0;
    virtual void reset() {}
};

} // namespace tern
