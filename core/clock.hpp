#pragma once
// The platform timebase behind mtime, the time CSR and the RTC: 10 MHz, as on
// QEMU's virt. It follows the host's clock, or, in deterministic mode, the
// number of instructions the harts have executed, so that two runs of the same
// guest with the same input see exactly the same times.
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

    uint64_t mtime() const { return offset_ + raw_ticks(); }
    // mtime is writable through the CLINT; keep the clock's pace from there.
    void set_mtime(uint64_t value) { offset_ = value - raw_ticks(); }
    // Lets time pass while every hart waits (deterministic mode's stand-in for sleeping).
    void advance(uint64_t ticks) { offset_ += ticks; }

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
    uint64_t offset_ = 0;
};

} // namespace tern
