#pragma once
// How other threads reach a hart that may be running on its own host thread:
// nothing writes its architectural state from outside. They post work and
// "kick" it; the hart's own thread picks the work up at its next block
// boundary (the dispatcher of either engine checks attention() there), and a
// kick also ends chained JIT execution and wakes a WFI sleep.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tern {

class HartControl {
  public:
    // --- from any thread ---

    // Asks the hart to come back to its dispatcher and look at its interrupt
    // lines and mailbox (device lines changed, an IPI, a pause or an exit).
    void kick();
    // What happened to a physical page that the hart must act on at its next block boundary.
    enum class PageEvent : uint8_t {
        Flagged, // the page gained a flag: drop cached store pointers to it (TLB)
        Written, // another hart or a device stored into code this hart has decoded from it
    };
    struct PagePost {
        uint64_t page;
        PageEvent event;
    };
    void post_page(uint64_t page, PageEvent event);

    // Hart::steps as of the hart's last slice (for --max-instructions).
    uint64_t published_steps() const { return published_steps_.load(std::memory_order_relaxed); }

    // --- from the hart's own thread ---

    void publish_steps(uint64_t steps) { published_steps_.store(steps, std::memory_order_relaxed); }

    bool attention() const { return attention_.load(std::memory_order_acquire); }
    // Clears attention and hands over the pages posted since the last call.
    std::vector<PagePost> take_pages();
    // Sleeps until kicked or until `deadline`; returns at once if already kicked.
    void sleep_until(std::chrono::steady_clock::time_point deadline);

    // The JIT's chaining limit of the running Engine::run (jit/run_context.hpp):
    // a kick stores 0 there so translated code returns to the dispatcher.
    void attach_limit(uint64_t* limit);
    void detach_limit() { attach_limit(nullptr); }
    // Sets the limit for the next block, unless a kick came first (then 0).
    void set_limit(uint64_t* limit, uint64_t value);

  private:
    std::atomic<bool> attention_{false};
    std::atomic<uint64_t> published_steps_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<PagePost> pages_;
    uint64_t* limit_ = nullptr;
};

} // namespace tern
