#pragma once
// The guest-error log: every guest mistake (a bad register access, a broken
// descriptor, a write while busy...) becomes one entry here instead of a crash.
// Bounded ring buffer, rate-limited per site; optionally mirrored to a stream
// (-d guest_errors / -D FILE). Guest bytes are data in entries, never formats.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tern {

// QEMU's log classes: -d guest_errors, -d unimp, and invalid memory accesses.
enum class LogClass : uint8_t { GuestError = 1, Unimplemented = 2, InvalidAccess = 4 };

// Who made the access that went wrong.
struct AccessOrigin {
    int32_t hart = -1; // -1: the device itself (DMA, timers), not a hart
    uint64_t pc = 0;
};

struct GuestErrorEntry {
    uint64_t time = 0; // guest time (mtime ticks)
    AccessOrigin origin;
    LogClass cls = LogClass::GuestError;
    std::string device;
    std::string reg; // register name; empty when the access fit no register
    uint64_t address = 0;
    uint64_t value = 0;
    std::string message;
    uint64_t suppressed_before = 0; // entries from this site dropped by the rate limit since its last entry
};

class GuestErrorLog {
  public:
    static constexpr size_t kDefaultCapacity = 1024;
    // A site (device, register, message) may log this many entries per window of guest time.
    static constexpr unsigned kBurstPerSite = 16;
    static constexpr uint64_t kWindowTicks = 10'000'000; // one second at 10 MHz
    // Sites tracked at once. Messages may carry guest values ("queue index 12345..."), so
    // a guest could otherwise create sites, and host memory use, without end. Sites whose
    // window has ended are forgotten first; past that, new sites share one rate limit.
    static constexpr size_t kMaxSites = 4096;

    explicit GuestErrorLog(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

    void record(GuestErrorEntry entry);

    // Mirrors entries of the classes in `mask` (LogClass bits) to `stream` as they arrive.
    void mirror_to(std::FILE* stream, uint8_t mask) {
        std::lock_guard lock(mutex_);
        mirror_ = stream;
        mirror_mask_ = mask;
    }

    std::vector<GuestErrorEntry> snapshot() const;
    uint64_t total_recorded() const {
        std::lock_guard lock(mutex_);
        return total_;
    }
    size_t sites_tracked() const {
        std::lock_guard lock(mutex_);
        return sites_.size();
    }

    static std::string format(const GuestErrorEntry& entry);

  private:
    struct SiteState {
        uint64_t window_start = 0;
        unsigned in_window = 0;
        uint64_t suppressed = 0;
    };
    using SiteKey = std::tuple<std::string, std::string, std::string>;
    SiteState& site_of(const GuestErrorEntry& entry);

    mutable std::mutex mutex_;
    size_t capacity_;
    std::deque<GuestErrorEntry> entries_;
    std::map<SiteKey, SiteState> sites_;
    SiteState overflow_site_; // shared by new sites while sites_ is full
    uint64_t last_prune_ = 0;
    uint64_t total_ = 0;
    std::FILE* mirror_ = nullptr;
    uint8_t mirror_mask_ = 0;
};

std::string_view log_class_name(LogClass cls);

} // namespace tern
