#pragma once
// The platform timebase behind mtime, the time CSR and the RTC: 10 MHz, as on
// QEMU's virt. It follows the host's clock, or, in deterministic mode, the
// number of instructions the harts have executed, so that two runs of the same
// guest with the same input see exactly the same times.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace tern {

class MachineClock {
  public:
    static constexpr uint64_t kFrequencyHz = 10'000'000;
    // Deterministic mode: the guest seems to run at 100 MIPS (10 instructions per tick).
    static constexpr uint64_t kInstructionsPerTick = 10;
    // Deterministic mode's wall clock starts here (2026-01-01T00:00:00Z), not at the host's date.
    static constexpr uint64_t kDeterministicEpochNs = 1'767'225'600ull * 1'000'000'000ull;

    MachineClock() : start_(std::chrono::steady_clock::now()) {}

    // Switches to instruction-count time; `instructions` reports the harts' total.
    void make_deterministic(std::function<uint64_t()> instructions) { instructions_ = std::move(instructions); }
    bool deterministic() const { return static_cast<bool>(instructions_); }

    // Any hart thread may read the time; writes come from the CLINT (under the device lock).
    uint64_t mtime() const { return offset_.load(std::memory_order_relaxed) + raw_ticks(); }
    // mtime is writable through the CLINT; keep the clock's pace from there.
    void set_mtime(uint64_t value) { offset_.store(value - raw_ticks(), std::memory_order_relaxed); }
    // Lets time pass while every hart waits (deterministic mode's stand-in for sleeping).
    void advance(uint64_t ticks) { offset_.fetch_add(ticks, std::memory_order_relaxed); }
    // The host time at which mtime will reach `ticks` (for a sleeping hart thread).
    std::chrono::steady_clock::time_point host_time_of(uint64_t ticks) const {
        const uint64_t now = mtime();
        // An hour at most: a hart with no timer armed (mtimecmp = ~0) still wakes up eventually.
        const uint64_t ahead = ticks > now ? std::min<uint64_t>(ticks - now, kFrequencyHz * 3600) : 0;
        return std::chrono::steady_clock::now() + std::chrono::nanoseconds(ahead * (1'000'000'000 / kFrequencyHz));
    }

    // Nanoseconds since the Unix epoch, for the RTC.
    uint64_t wall_ns() const {
        if (deterministic()) return kDeterministicEpochNs + mtime() * (1'000'000'000 / kFrequencyHz);
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
    }

  private:
    uint64_t raw_ticks() const {
        if (instructions_) return instructions_() / kInstructionsPerTick;
        auto elapsed = std::chrono::steady_clock::now() - start_;
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
               (1'000'000'000 / kFrequencyHz);
    }

    std::chrono::steady_clock::time_point start_;
    std::function<uint64_t()> instructions_;
    std::atomic<uint64_t> offset_{0};
};

} // namespace tern
