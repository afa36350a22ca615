#include "core/device.hpp"

#include "core/clock.hpp"

namespace tern {

void Device::guest_error(std::string_view message, const RegisterAccess* access, uint64_t value,
                         LogClass cls) const {
    if (!context_.log) return;
    GuestErrorEntry entry;
    entry.time = context_.clock ? context_.clock->mtime() : 0;
    entry.cls = cls;
    entry.device = name();
    entry.value = value;
    entry.message = message;
    if (access) {
        entry.origin = access->origin;
        entry.reg = access->reg.name;
        entry.address = base_ + access->reg.offset + uint64_t{access->index} * access->reg.stride + access->byte_offset;
    }
    context_.log->record(std::move(entry));
}

} // namespace tern
