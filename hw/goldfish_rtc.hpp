#pragma once
// Goldfish RTC (google,goldfish-rtc): nanoseconds since the epoch from the
// machine clock's wall time, with one alarm that raises an interrupt.
#include <array>
#include <cstdint>

#include "core/clock.hpp"
#include "core/device.hpp"
#include "hw/irq.hpp"

namespace tern {

class GoldfishRtc final : public Device {
  public:
    static constexpr uint64_t kBase = 0x0010'1000;
    static constexpr uint64_t kSize = 0x1000;
    static constexpr uint32_t kIrq = 11;

    GoldfishRtc(IrqLine irq, const MachineClock& clock) : irq_(irq), clock_(clock) {}

    std::string_view name() const override { return "rtc"; }
    std::span<const RegisterDecl> registers() const override { return kRegisters; }
    uint64_t read(const RegisterAccess& access) override;
    void write(const RegisterAccess& access, uint64_t value) override;
    void serialize(StateArchive& archive) override;

    // Fires the alarm once its time has come; the machine calls this periodically.
    void poll();

  private:
    enum Reg { kTimeLow, kTimeHigh, kAlarmLow, kAlarmHigh, kIrqEnabled, kClearAlarm, kAlarmStatus, kClearInterrupt };
    static constexpr std::array<RegisterDecl, 8> kRegisters{{
        {"time_low", 0x00, 4, W32, RegAccess::RW},
        {"time_high", 0x04, 4, W32, RegAccess::RW},
        {"alarm_low", 0x08, 4, W32, RegAccess::RW},
        {"alarm_high", 0x0c, 4, W32, RegAccess::RW},
        {"irq_enabled", 0x10, 4, W32, RegAccess::RW},
        {"clear_alarm", 0x14, 4, W32, RegAccess::WO},
        {"alarm_status", 0x18, 4, W32, RegAccess::RO},
        {"clear_interrupt", 0x1c, 4, W32, RegAccess::WO},
    }};
    uint64_t now_ns() const;

    IrqLine irq_;
    const MachineClock& clock_;
    uint64_t offset_ns_ = 0;       // guest-set time minus the clock's, modulo 2^64 (any 64-bit time is valid)
    uint32_t time_high_latch_ = 0; // reading time_low latches the high half (goldfish protocol)
    uint32_t alarm_high_ = 0;
    uint64_t alarm_ns_ = 0;
    bool alarm_armed_ = false;
    bool irq_enabled_ = false;
};

} // namespace tern
