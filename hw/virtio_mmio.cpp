#include "hw/virtio_mmio.hpp"

#include <cstring>

namespace tern {

namespace {
constexpr uint32_t kQemuVendorId = 0x554d4551; // "QEMU", as guests built for QEMU's virt expect
}

VirtioMmio::VirtioMmio(unsigned slot, IrqLine irq, Dma dma, VirtioDevice* device)
    : name_("virtio" + std::to_string(slot)), irq_(irq), dma_(dma), device_(device),
      queues_(device ? device->queue_count() : 0) {}

// The device's features plus what the transport's virtqueues implement for every device.
uint64_t VirtioMmio::offered_features() const {
    return device_ ? device_->features() | kVirtioFIndirectDesc : 0;
}

void VirtioMmio::reset() {
    for (Virtqueue& q : queues_) q = {};
    status_ = interrupt_status_ = 0;
    device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
    driver_features_ = 0;
    irq_.set(false);
    if (device_) device_->reset();
}

void VirtioMmio::raise(uint32_t bits) {
    interrupt_status_ |= bits;
    irq_.set(interrupt_status_ != 0);
}

void VirtioMmio::mark_broken(const std::string& why, const RegisterAccess* access) {
    guest_error(why + ": device needs reset", access);
    status_ |= kStatusNeedsReset;
    raise(kInterruptConfigChange);
}

Virtqueue* VirtioMmio::selected_queue(const RegisterAccess& access) {
    return select(queues_, queue_sel_, "queue", &access);
}

uint64_t VirtioMmio::read(const RegisterAccess& a) {
    switch (a.id) {
    case kMagic: return 0x74726976;
    case kVersion: return 2;
    case kDeviceId: return device_ ? device_->device_id() : 0;
    case kVendorId: return kQemuVendorId;
    case kDeviceFeatures: {
        const uint64_t features = offered_features();
        return device_features_sel_ == 0 ? static_cast<uint32_t>(features)
               : device_features_sel_ == 1 ? static_cast<uint32_t>(features >> 32) : 0;
    }
    case kQueueNumMax: return queue_sel_ < queues_.size() ? Virtqueue::kMaxSize : 0;
    case kQueueReady: {
        Virtqueue* q = queue_sel_ < queues_.size() ? &queues_[queue_sel_] : nullptr;
        return q && q->state.ready;
    }
    case kInterruptStatus: return interrupt_status_;
    case kStatus: return status_;
    case kConfigGeneration: return 0; // the configuration never changes under the driver
    case kConfig: {
        if (!device_) return 0;
        auto config = device_->config();
        uint32_t word = 0;
        const size_t offset = 4ull * a.index;
        if (offset < config.size()) std::memcpy(&word, config.data() + offset, std::min<size_t>(4, config.size() - offset));
        return word;
    }
    default: return 0;
    }
}

void VirtioMmio::write(const RegisterAccess& a, uint64_t value) {
    const uint32_t v = static_cast<uint32_t>(value);
    // Queue layout may only change while the queue is not live (virtio 4.2.3.2).
    auto configurable_queue = [&]() -> Virtqueue* {
        Virtqueue* q = selected_queue(a);
        if (q && q->state.ready) {
            guest_error("queue configuration written while the queue is ready", &a, value);
            return nullptr;
        }
        return q;
    };
    auto set_half = [&](uint64_t& field, bool high) {
        field = high ? (field & 0xffffffffull) | uint64_t{v} << 32 : (field & ~0xffffffffull) | v;
    };
    switch (a.id) {
    case kDeviceFeaturesSel: device_features_sel_ = v; break;
    case kDriverFeaturesSel: driver_features_sel_ = v; break;
    case kDriverFeatures:
        if (status_ & kStatusFeaturesOk) {
            guest_error("driver features written after FEATURES_OK", &a, value);
        } else if (driver_features_sel_ < 2) {
            set_half(driver_features_, driver_features_sel_ == 1);
        }
        break;
    case kQueueSel: queue_sel_ = v; break;
    case kQueueNum:
        if (Virtqueue* q = configurable_queue()) {
            if (v == 0 || v > Virtqueue::kMaxSize || (v & (v - 1)))
                guest_error("queue size must be a power of two up to queue_num_max", &a, value);
            else q->state.num = static_cast<uint16_t>(v);
        }
        break;
    case kQueueReady:
        if (Virtqueue* q = selected_queue(a)) {
            if ((v & 1) && q->state.num == 0) guest_error("queue made ready without a size", &a, value);
            else q->state.ready = v & 1;
        }
        break;
    case kQueueNotify: notify(v, a); break;
    case kInterruptAck:
        interrupt_status_ &= ~v;
        irq_.set(interrupt_status_ != 0);
        break;
    case kStatus:
        if (v == 0) {
            reset();
            break;
        }
        if ((v & kStatusFeaturesOk) && !(status_ & kStatusFeaturesOk)) {
            const uint64_t offered = offered_features();
            // A driver that asks for unoffered features, or lacks VERSION_1, fails negotiation:
            // FEATURES_OK does not stick (virtio 3.1.1).
            if ((driver_features_ & ~offered) || !(driver_features_ & kVirtioFVersion1)) {
                guest_error("feature negotiation failed", &a, driver_features_);
                status_ = (v & kStatusBits & ~kStatusFeaturesOk) | (status_ & kStatusNeedsReset);
                break;
            }
        }
        status_ = (v & kStatusBits) | (status_ & kStatusNeedsReset);
        break;
    case kQueueDescLow: case kQueueDescHigh:
        if (Virtqueue* q = configurable_queue()) set_half(q->state.desc, a.id == kQueueDescHigh);
        break;
    case kQueueDriverLow: case kQueueDriverHigh:
        if (Virtqueue* q = configurable_queue()) set_half(q->state.driver, a.id == kQueueDriverHigh);
        break;
    case kQueueDeviceLow: case kQueueDeviceHigh:
        if (Virtqueue* q = configurable_queue()) set_half(q->state.device, a.id == kQueueDeviceHigh);
        break;
    case kConfig: guest_error("configuration space is read-only", &a, value); break;
    default: break;
    }
}

void VirtioMmio::notify(uint32_t index, const RegisterAccess& access) {
    Virtqueue* q = select(queues_, index, "notified queue", &access);
    if (!q) return;
    // Feature negotiation comes before the device is used (virtio 1.2, 3.1.1): a driver
    // that set DRIVER_OK without FEATURES_OK has not agreed on how the rings work.
    if (!(status_ & kStatusFeaturesOk) || !(status_ & kStatusDriverOk) || !q->state.ready) {
        guest_error("queue notified before the driver is ready", &access, index);
        return;
    }
    if (broken()) {
        guest_error("queue notified while the device needs reset", &access, index);
        return;
    }
    // At most one queue's worth of chains per notification. A driver cannot make more
    // available than that at once (pop() refuses an index further ahead), but the device's
    // own writes (a read whose buffer covers the available ring, a used ring laid over
    // it) can keep refilling the ring; chains made available that way wait for the next
    // notification instead of keeping this MMIO write, and the hart behind it, busy forever.
    bool served = false;
    for (unsigned taken = 0; taken < q->state.num; ++taken) {
        DescriptorChain chain;
        std::string error;
        const Virtqueue::Pop pop = q->pop(dma_, chain, error);
        if (pop == Virtqueue::Pop::Empty) break;
        if (pop == Virtqueue::Pop::Broken) {
            mark_broken(error, &access);
            break;
        }
        VirtioDevice::Result result = device_->serve(index, chain, dma_);
        if (!result.error.empty()) guest_error(result.error, &access, chain.head);
        if (!q->push_used(dma_, chain.head, result.written)) {
            mark_broken("used ring outside RAM", &access);
            break;
        }
        served = true;
    }
    if (served) raise(kInterruptUsedBuffer);
}

void VirtioMmio::serialize(StateArchive& archive) {
    archive("status", status_);
    archive.require(status_ <= kStatusBits, "status", "has bits above the status byte");
    archive("interrupt_status", interrupt_status_);
    archive.require(!(interrupt_status_ & ~(kInterruptUsedBuffer | kInterruptConfigChange)), "interrupt_status",
                    "has bits that are not interrupt reasons");
    archive("device_features_sel", device_features_sel_);
    archive("driver_features_sel", driver_features_sel_);
    archive("queue_sel", queue_sel_);
    archive("driver_features", driver_features_);
    archive.require(!(status_ & kStatusFeaturesOk) ||
                        (!(driver_features_ & ~offered_features()) && (driver_features_ & kVirtioFVersion1)),
                    "driver_features", "were accepted (FEATURES_OK) but are not a valid subset of the offer");
    bool line = irq_.level();
    archive("irq", line);
    irq_.restore(line);
    // As many queues as the device behind this transport has.
    const uint32_t count = archive.count("queues", queues_.size(), queues_.size());
    archive.require(count == queues_.size(), "queues",
                    "= " + std::to_string(count) + ", but the device has " + std::to_string(queues_.size()));
    for (Virtqueue& q : queues_) {
        VirtqueueState& s = q.state;
        archive("queue_num", s.num);
        archive.require(s.num == 0 || (s.num <= Virtqueue::kMaxSize && !(s.num & (s.num - 1))), "queue_num",
                        "= " + std::to_string(s.num) + " is not a power of two up to queue_num_max");
        archive("queue_ready", s.ready);
        archive.require(!s.ready || s.num != 0, "queue_ready", "is set on a queue without a size");
        archive("queue_desc", s.desc);
        archive("queue_driver", s.driver);
        archive("queue_device", s.device);
        // A live queue's rings are in RAM (a driver that placed them elsewhere broke the device first).
        const bool live = s.ready && (status_ & kStatusDriverOk) && !broken();
        archive.require(!live || (dma_.in_ram(s.desc, 16ull * s.num) && dma_.in_ram(s.driver, 6 + 2ull * s.num) &&
                                  dma_.in_ram(s.device, 6 + 8ull * s.num)),
                        "queue_desc", "or another ring of a live queue lies outside RAM");
        archive("queue_last_avail", s.last_avail);
        archive("queue_used_idx", s.used_idx);
    }
}

} // namespace tern
