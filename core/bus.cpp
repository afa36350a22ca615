#include "core/bus.hpp"

#include <cstring>

namespace tern {

Bus::Bus(Ram& ram) : ram_(ram), page_flags_((ram.size() + 4095) >> 12, 0) {}

void Bus::map(uint64_t base, uint64_t size, MmioDevice& device) { regions_.push_back({base, size, &device}); }

const Bus::Region* Bus::find(uint64_t paddr, unsigned size) const {
    for (const Region& r : regions_)
        if (paddr >= r.base && paddr - r.base < r.size && size <= r.size - (paddr - r.base)) return &r;
    return nullptr;
}

bool Bus::read(uint64_t paddr, unsigned size, uint64_t& value) {
    if (ram_.contains(paddr, size)) {
        value = 0;
        std::memcpy(&value, ram_.host(paddr), size);
        return true;
    }
    if (const Region* r = find(paddr, size)) return r->device->read(paddr - r->base, size, value);
    return false;
}

bool Bus::write(uint64_t paddr, unsigned size, uint64_t value) {
    if (ram_.contains(paddr, size)) {
        std::memcpy(ram_.host(paddr), &value, size);
        notify_store(paddr, size);
        return true;
    }
    if (const Region* r = find(paddr, size)) return r->device->write(paddr - r->base, size, value);
    return false;
}

void Bus::set_page_flag(uint64_t paddr, PageFlag flag) {
    if (!ram_.contains(paddr)) return;
    uint8_t& flags = page_flags_[(paddr - ram_.base()) >> 12];
    if (flags & flag) return;
    flags |= flag;
    if (on_page_flagged) on_page_flagged(paddr);
}

void Bus::clear_page_flag(uint64_t paddr, PageFlag flag) {
    if (ram_.contains(paddr)) page_flags_[(paddr - ram_.base()) >> 12] &= ~flag;
}

} // namespace tern
