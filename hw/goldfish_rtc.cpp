#include "hw/goldfish_rtc.hpp"


namespace tern {

// Unsigned, so the guest's choice of time can never make this overflow.
uint64_t GoldfishRtc::now_ns() const { return clock_.wall_ns() + offset_ns_; }

uint64_t GoldfishRtc::read(const RegisterAccess& a) {
    switch (a.id) {
    case kTimeLow: {
        const uint64_t now = now_ns();
        time_high_latch_ = static_cast<uint32_t>(now >> 32);
        return static_cast<uint32_t>(now);
    }
    case kTimeHigh: return time_high_latch_;
    case kAlarmLow: return static_cast<uint32_t>(alarm_ns_);
    case kAlarmHigh: return static_cast<uint32_t>(alarm_ns_ >> 32);
    case kIrqEnabled: return irq_enabled_;
    case kAlarmStatus: return alarm_armed_;
    default: return 0;
    }
}

void GoldfishRtc::write(const RegisterAccess& a, uint64_t value) {
    const uint32_t v = static_cast<uint32_t>(value);
    switch (a.id) {
    case kTimeLow: {
        // Writing the low half sets the clock, using the previously written high half.
        const uint64_t wanted = uint64_t{time_high_latch_} << 32 | v;
        const uint64_t current = now_ns();
        offset_ns_ += wanted - current;
        break;
    }
    case kTimeHigh: time_high_latch_ = v; break;
    case kAlarmHigh: alarm_high_ = v; break;
    case kAlarmLow: // writing the low half arms the alarm
        alarm_ns_ = uint64_t{alarm_high_} << 32 | v;
        alarm_armed_ = true;
        poll();
        break;
    case kIrqEnabled:
        irq_enabled_ = v & 1;
        break;
    case kClearAlarm: alarm_armed_ = false; break;
    case kClearInterrupt: irq_.set(false); break;
    default: break;
    }
}

void GoldfishRtc::poll() {
    if (alarm_armed_ && now_ns() >= alarm_ns_) {
        alarm_armed_ = false;
        if (irq_enabled_) irq_.set(true);
    }
}

void GoldfishRtc::serialize(StateArchive& archive) {
    archive("offset_ns", offset_ns_);
    archive("time_high_latch", time_high_latch_);
    archive("alarm_high", alarm_high_);
    archive("alarm_ns", alarm_ns_);
    archive("alarm_armed", alarm_armed_);
    archive("irq_enabled", irq_enabled_);
    bool line = irq_.level();
    archive("irq", line);
    irq_.restore(line);
}

} // namespace tern
