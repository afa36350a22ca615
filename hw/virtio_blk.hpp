#pragma once
// virtio-blk (virtio 1.2, 5.2): reads, writes, flush and get-id over a
// BlockBackend; requests are served synchronously when the queue is notified.
#include <array>
#include <cstdint>
#include <memory>

#include "hw/block_backend.hpp"
#include "hw/virtio_device.hpp"

namespace tern {

class VirtioBlk final : public VirtioDevice {
  public:
    static constexpr uint32_t kSectorSize = 512;
    static constexpr uint32_t kSegMax = Virtqueue::kMaxSize - 2; // header and status take two descriptors

    explicit VirtioBlk(std::unique_ptr<BlockBackend> backend);

    uint32_t device_id() const override { return 2; }
    uint64_t features() const override;
    unsigned queue_count() const override { return 1; }
    std::span<const uint8_t> config() const override { return config_; }
    Result serve(unsigned queue, const DescriptorChain& chain, Dma& dma) override;
    BlockBackend& backend() { return *backend_; }

  private:
    std::unique_ptr<BlockBackend> backend_;
    std::array<uint8_t, 24> config_{}; // capacity, size_max, seg_max, geometry, blk_size
};

} // namespace tern
