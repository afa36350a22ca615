#pragma once
// Core-local interruptor (SiFive CLINT / ACLINT MSWI + MTIMER layout):
// msip at +0x0 + 4*hart, mtimecmp at +0x4000 + 8*hart, mtime at +0xbff8.
#include <cstdint>
#include <vector>

#include "core/bus.hpp"
#include "core/clock.hpp"

namespace tern {

class Clint final : public MmioDevice {
  public:
    static constexpr uint64_t kBase = 0x0200'0000;
    static constexpr uint64_t kSize = 0x1'0000;

    Clint(MachineClock& clock, unsigned harts) : clock_(clock), msip_(harts, 0), mtimecmp_(harts, ~0ull) {}

    std::string_view name() const override { return "clint"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;

    bool software_pending(unsigned hart) const { return msip_[hart] & 1; }
    bool timer_pending(unsigned hart) const { return clock_.mtime() >= mtimecmp_[hart]; }
    uint64_t mtimecmp(unsigned hart) const { return mtimecmp_[hart]; }

  private:
    MachineClock& clock_;
    std::vector<uint32_t> msip_;
    std::vector<uint64_t> mtimecmp_;
};

} // namespace tern
