#include "hw/clint.hpp"

namespace tern {

Clint::Clint(MachineClock& clock, unsigned harts, ChangeFn on_change)
    : clock_(clock), on_change_(std::move(on_change)), msip_(harts), mtimecmp_(harts) {
    for (auto& cmp : mtimecmp_) cmp.store(~0ull);
    // Order matches enum Reg.
    registers_ = {
        {"msip", 0x0, 4, W32, RegAccess::RW, harts, 4, 0},
        {"mtimecmp", 0x4000, 8, W32 | W64, RegAccess::RW, harts, 8, ~0ull},
        {"mtime", 0xbff8, 8, W32 | W64, RegAccess::RW, 1, 0, 0},
    };
}

uint64_t Clint::read(const RegisterAccess& access) {
    switch (access.id) {
    case kMsip: return msip_[access.index].load();
    case kMtimecmp: return mtimecmp_[access.index].load();
    default: return clock_.mtime();
    }
}

void Clint::write(const RegisterAccess& access, uint64_t value) {
    switch (access.id) {
    case kMsip: msip_[access.index].store(value & 1); break; // only bit 0 is implemented (WARL)
    case kMtimecmp: mtimecmp_[access.index].store(access.merge_into(mtimecmp_[access.index].load(), value)); break;
    default: clock_.set_mtime(access.merge_into(clock_.mtime(), value)); break;
    }
    if (!on_change_) return;
    if (access.id == kMtime)
        for (unsigned hart = 0; hart < msip_.size(); ++hart) on_change_(hart);
    else
        on_change_(access.index);
}

void Clint::serialize(StateArchive& archive) {
    for (auto& msip : msip_) {
        archive("msip", msip);
        archive.require(msip.load() <= 1, "msip", "has bits other than bit 0, which alone is implemented");
    }
    for (auto& cmp : mtimecmp_)
        archive("mtimecmp", cmp);
}

} // namespace tern
