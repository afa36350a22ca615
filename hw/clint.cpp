#include "hw/clint.hpp"

namespace tern {

namespace {
constexpr uint64_t kMsip = 0x0, kMtimecmp = 0x4000, kMtime = 0xbff8;

// Reads or replaces the `size`-byte lane at `offset` within a 64-bit register.
uint64_t lane(uint64_t reg, uint64_t offset, unsigned size) {
    return size == 8 ? reg : (reg >> (8 * (offset & 7))) & ((1ull << (8 * size)) - 1);
}
uint64_t merge_lane(uint64_t reg, uint64_t offset, unsigned size, uint64_t value) {
    if (size == 8) return value;
    const unsigned shift = 8 * (offset & 7);
    const uint64_t mask = ((1ull << (8 * size)) - 1) << shift;
    return (reg & ~mask) | ((value << shift) & mask);
}
} // namespace

bool Clint::read(uint64_t offset, unsigned size, uint64_t& value) {
    if ((size != 4 && size != 8) || (offset & (size - 1))) return false;
    if (offset < kMsip + 4 * msip_.size()) {
        value = size == 4 ? msip_[offset / 4] : 0;
        return size == 4;
    }
    if (offset >= kMtimecmp && offset < kMtimecmp + 8 * mtimecmp_.size()) {
        value = lane(mtimecmp_[(offset - kMtimecmp) / 8], offset, size);
        return true;
    }
    if (offset >= kMtime && offset < kMtime + 8) {
        value = lane(clock_.mtime(), offset, size);
        return true;
    }
    value = 0;
    return true;
}

bool Clint::write(uint64_t offset, unsigned size, uint64_t value) {
    if ((size != 4 && size != 8) || (offset & (size - 1))) return false;
    if (offset < kMsip + 4 * msip_.size()) {
        if (size == 4) msip_[offset / 4] = value & 1;
        return size == 4;
    }
    if (offset >= kMtimecmp && offset < kMtimecmp + 8 * mtimecmp_.size()) {
        uint64_t& reg = mtimecmp_[(offset - kMtimecmp) / 8];
        reg = merge_lane(reg, offset, size, value);
        return true;
    }
    if (offset >= kMtime && offset < kMtime + 8) {
        clock_.set_mtime(merge_lane(clock_.mtime(), offset, size, value));
        return true;
    }
    return true;
}

} // namespace tern
