#pragma once
// The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2). With no device
// behind it, it reads as device ID 0, as QEMU's empty transports do.
#include <array>
#include <cstdint>
#include <vector>

#include "core/device.hpp"
#include "core/dma.hpp"
#include "hw/irq.hpp"
#include "hw/virtio_device.hpp"
#include "hw/virtqueue.hpp"

namespace tern {

class VirtioMmio final : public Device {
  public:
    static constexpr uint64_t kFirstBase = 0x1000'1000;
    static constexpr uint64_t kSize = 0x1000;
    static constexpr unsigned kCount = 8; // transports at kFirstBase + i * kSize, IRQ 1 + i

    VirtioMmio(unsigned slot, IrqLine irq, Dma dma, VirtioDevice* device);

    std::string_view name() const override { return name_; }
    std::span<const RegisterDecl> registers() const override { return kRegisters; }
    uint64_t read(const RegisterAccess& access) override;
    void write(const RegisterAccess& access, uint64_t value) override;
    void serialize(StateArchive& archive) override;

    bool broken() const { return status_ & kStatusNeedsReset; }
    uint32_t irq_source() const { return irq_.source(); }

  private:
    enum Reg {
        kMagic, kVersion, kDeviceId, kVendorId, kDeviceFeatures, kDeviceFeaturesSel, kDriverFeatures,
        kDriverFeaturesSel, kQueueSel, kQueueNumMax, kQueueNum, kQueueReady, kQueueNotify, kInterruptStatus,
        kInterruptAck, kStatus, kQueueDescLow, kQueueDescHigh, kQueueDriverLow, kQueueDriverHigh,
        kQueueDeviceLow, kQueueDeviceHigh, kConfigGeneration, kConfig,
    };
    static constexpr std::array<RegisterDecl, 24> kRegisters{{
        {"magic", 0x000, 4, W32, RegAccess::RO, 1, 0, 0x74726976},
        {"version", 0x004, 4, W32, RegAccess::RO, 1, 0, 2},
        {"device_id", 0x008, 4, W32, RegAccess::RO},
        {"vendor_id", 0x00c, 4, W32, RegAccess::RO},
        {"device_features", 0x010, 4, W32, RegAccess::RO},
        {"device_features_sel", 0x014, 4, W32, RegAccess::WO},
        {"driver_features", 0x020, 4, W32, RegAccess::WO},
        {"driver_features_sel", 0x024, 4, W32, RegAccess::WO},
        {"queue_sel", 0x030, 4, W32, RegAccess::WO},
        {"queue_num_max", 0x034, 4, W32, RegAccess::RO},
        {"queue_num", 0x038, 4, W32, RegAccess::WO},
        {"queue_ready", 0x044, 4, W32, RegAccess::RW},
        {"queue_notify", 0x050, 4, W32, RegAccess::WO},
        {"interrupt_status", 0x060, 4, W32, RegAccess::RO},
        {"interrupt_ack", 0x064, 4, W32, RegAccess::WO},
        {"status", 0x070, 4, W32, RegAccess::RW},
        {"queue_desc_low", 0x080, 4, W32, RegAccess::WO},
        {"queue_desc_high", 0x084, 4, W32, RegAccess::WO},
        {"queue_driver_low", 0x090, 4, W32, RegAccess::WO},
        {"queue_driver_high", 0x094, 4, W32, RegAccess::WO},
        {"queue_device_low", 0x0a0, 4, W32, RegAccess::WO},
        {"queue_device_high", 0x0a4, 4, W32, RegAccess::WO},
        {"config_generation", 0x0fc, 4, W32, RegAccess::RO},
        {"config", 0x100, 4, W8 | W16 | W32, RegAccess::RW, 0x40, 4}, // device-specific configuration
    }};
    static constexpr uint32_t kStatusBits = 0xff; // device status is a byte (virtio 1.2, 2.1)
    static constexpr uint32_t kStatusDriverOk = 4, kStatusFeaturesOk = 8, kStatusNeedsReset = 0x40;
    static constexpr uint32_t kInterruptUsedBuffer = 1, kInterruptConfigChange = 2;

    uint64_t offered_features() const;
    void reset();
    void notify(uint32_t queue, const RegisterAccess& access);
    void mark_broken(const std::string& why, const RegisterAccess* access);
    void raise(uint32_t bits);
    Virtqueue* selected_queue(const RegisterAccess& access);

    std::string name_;
    IrqLine irq_;
    Dma dma_;
    VirtioDevice* device_;
    std::vector<Virtqueue> queues_;
    uint32_t status_ = 0, interrupt_status_ = 0;
    uint32_t device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0;
    uint64_t driver_features_ = 0;
};

} // namespace tern
