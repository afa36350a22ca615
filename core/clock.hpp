#pragma once
// The platform timebase behind mtime and the time CSR: 10 MHz, as on QEMU's virt.
#include <chrono>
#include <cstdint>

namespace tern {

class MachineClock {
  public:
    static constexpr uint64_t kFrequencyHz = 10'000'000;

    MachineClock() : start_(std::chrono::steady_clock::now()) {}
    uint64_t mtime() const {
        auto elapsed = std::chrono::steady_clock::now() - start_;
        return offset_ + static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) / 100;
    }
    // mtime is writable through the CLINT; keep the host clock's pace from there.
    void set_mtime(uint64_t value) {
        start_ = std::chrono::steady_clock::now();
        offset_ = value;
    }

  private:
    std::chrono::steady_clock::time_point start_;
    uint64_t offset_ = 0;
};

} // namespace tern
