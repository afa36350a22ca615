#pragma once
// Core-local interruptor (SiFive CLINT layout = ACLINT MSWI + MTIMER):
// msip at +0x0 + 4*hart, mtimecmp at +0x4000 + 8*hart, mtime at +0xbff8.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/clock.hpp"
#include "core/device.hpp"

namespace tern {

class Clint final : public Device {
  public:
    static constexpr uint64_t kBase = 0x0200'0000;
    static constexpr uint64_t kSize = 0x1'0000;

    // `on_change(hart)` runs after a register write that may change that hart's
    // lines (msip, mtimecmp: its own hart; mtime: every hart), so its mip follows at once.
    using ChangeFn = std::function<void(unsigned hart)>;
    Clint(MachineClock& clock, unsigned harts, ChangeFn on_change = {});

    std::string_view name() const override { return "clint"; }
    std::span<const RegisterDecl> registers() const override { return registers_; }
    uint64_t read(const RegisterAccess& access) override;
    void write(const RegisterAccess& access, uint64_t value) override;
    void serialize(StateArchive& archive) override;

    // Read by the harts from their own threads, without the device lock.
    bool software_pending(unsigned hart) const { return msip_[hart].load(std::memory_order_acquire) & 1; }
    bool timer_pending(unsigned hart) const { return clock_.mtime() >= mtimecmp(hart); }
    uint64_t mtimecmp(unsigned hart) const { return mtimecmp_[hart].load(std::memory_order_acquire); }

  private:
    enum Reg { kMsip, kMtimecmp, kMtime };
    MachineClock& clock_;
    ChangeFn on_change_;
    std::vector<RegisterDecl> registers_;
    std::vector<std::atomic<uint32_t>> msip_;
    std::vector<std::atomic<uint64_t>> mtimecmp_;
};

} // namespace tern
