#include "core/bus.hpp"

#include "core/clock.hpp"
#include "core/ram_access.hpp"

namespace tern {

Bus::Bus(Ram& ram) : ram_(ram), page_flags_((ram.size() + 4095) >> 12) {}

void Bus::map(uint64_t base, uint64_t size, Device& device) {
    device.set_base(base);
    device.attach(context_);
    regions_.push_back({base, size, &device});
    devices_.push_back(&device);
}

const Bus::Region* Bus::find(uint64_t paddr) const {
    for (const Region& r : regions_)
        if (paddr >= r.base && paddr - r.base < r.size) return &r;
    return nullptr;
}

void Bus::log(LogClass cls, const Device* device, uint64_t paddr, uint64_t value, AccessOrigin origin,
              std::string message) const {
    if (!context_.log) return;
    GuestErrorEntry entry;
    entry.time = context_.clock ? context_.clock->mtime() : 0;
    entry.origin = origin;
    entry.cls = cls;
    entry.device = device ? std::string(device->name()) : "bus";
    entry.address = paddr;
    entry.value = value;
    entry.message = std::move(message);
    context_.log->record(std::move(entry));
}

std::optional<RegisterAccess> Bus::check(const Region& region, uint64_t paddr, unsigned size, bool is_write,
                                         uint64_t value, AccessOrigin origin) const {
    const uint64_t offset = paddr - region.base;
    const std::string access = std::to_string(size) + "-byte " + (is_write ? "write" : "read");
    const auto registers = region.device->registers();
    for (size_t id = 0; id < registers.size(); ++id) {
        const RegisterDecl& reg = registers[id];
        const uint64_t stride = reg.count > 1 ? reg.stride : reg.size;
        if (offset < reg.offset || offset - reg.offset >= stride * reg.count) continue;
        const uint64_t index = (offset - reg.offset) / stride;
        const uint64_t byte_offset = (offset - reg.offset) % stride;
        if (byte_offset >= reg.size) continue; // a gap between array elements
        const RegisterAccess checked{reg,
                                     static_cast<uint16_t>(id),
                                     static_cast<uint32_t>(index),
                                     static_cast<uint8_t>(byte_offset),
                                     static_cast<uint8_t>(size),
                                     origin};
        auto refuse = [&](const std::string& why) {
            region.device->guest_error(why, &checked, value);
            return std::nullopt;
        };
        if (!(reg.widths & size)) return refuse(access + " not allowed");
        if (byte_offset % size != 0) return refuse("misaligned " + access);
        if (is_write && reg.access == RegAccess::RO) return refuse("write to read-only register");
        if (!is_write && reg.access == RegAccess::WO) return refuse("read of write-only register");
        return checked;
    }
    log(LogClass::GuestError, region.device, paddr, value, origin, access + " fits no register");
    return std::nullopt;
}

bool Bus::read(uint64_t paddr, unsigned size, uint64_t& value, AccessOrigin origin) {
    if (ram_.contains(paddr, size)) {
        value = ram_access::read(ram_.host(paddr), size);
        return true;
    }
    const Region* region = find(paddr);
    if (!region) {
        log(LogClass::InvalidAccess, nullptr, paddr, 0, origin, "read from unmapped address");
        return false;
    }
    auto lock = lock_devices();
    auto checked = check(*region, paddr, size, false, 0, origin);
    value = checked ? checked->lane_of(region->device->read(*checked)) : 0;
    return true;
}

bool Bus::write(uint64_t paddr, unsigned size, uint64_t value, AccessOrigin origin) {
    if (ram_.contains(paddr, size)) {
        reservations.store(reservations.window_of(origin.hart), paddr, size,
                           [&] { ram_access::write(ram_.host(paddr), size, value); });
        notify_store(paddr, size, origin.hart);
        return true;
    }
    const Region* region = find(paddr);
    if (!region) {
        log(LogClass::InvalidAccess, nullptr, paddr, value, origin, "write to unmapped address");
        return false;
    }
    auto lock = lock_devices();
    if (auto checked = check(*region, paddr, size, true, value, origin))
        region->device->write(*checked, value);
    return true;
}

void Bus::notify_store(uint64_t paddr, unsigned size, int hart) {
    const PageFlags flags = page_flags(paddr);
    if (!flags) return;
    std::unique_lock lock(device_mutex_, std::defer_lock);
    if (flags & kPageWatched) lock.lock();
    for (auto& observer : store_observers_)
        observer(paddr, size, flags, hart);
}

void Bus::set_page_flag(uint64_t paddr, PageFlags flag, int hart) {
    if (!ram_.contains(paddr)) return;
    const PageFlags before =
        page_flags_[(paddr - ram_.base()) >> 12].fetch_or(flag, std::memory_order_acq_rel);
    // TLB refills skip the store fast path while any flag is set, so only the
    // first flag needs the harts to drop store pointers they already hold.
    if (!before && on_page_flagged) on_page_flagged(paddr, hart);
}

void Bus::clear_page_flag(uint64_t paddr, PageFlags flag) {
    if (ram_.contains(paddr))
        page_flags_[(paddr - ram_.base()) >> 12].fetch_and(~flag, std::memory_order_acq_rel);
}

} // namespace tern
