#include "cpu/hart_control.hpp"

namespace tern {

void HartControl::kick() {
    std::lock_guard lock(mutex_);
    // Attention first: set_limit reads it after writing the limit, so either
    // it sees the kick or the zero below lands after its own store.
    attention_.store(true, std::memory_order_seq_cst);
    if (limit_) std::atomic_ref<uint64_t>(*limit_).store(0, std::memory_order_seq_cst);
    wake_.notify_one();
}

void HartControl::post_page(uint64_t page, PageEvent event) {
    {
        std::lock_guard lock(mutex_);
        pages_.push_back({page, event});
    }
    kick();
}

std::vector<HartControl::PagePost> HartControl::take_pages() {
    std::lock_guard lock(mutex_);
    attention_.store(false, std::memory_order_seq_cst);
    std::vector<PagePost> pages;
    pages.swap(pages_);
    return pages;
}

void HartControl::sleep_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, deadline, [this] { return attention_.load(std::memory_order_acquire); });
}

void HartControl::attach_limit(uint64_t* limit) {
    std::lock_guard lock(mutex_);
    limit_ = limit;
}

void HartControl::set_limit(uint64_t* limit, uint64_t value) {
    std::atomic_ref<uint64_t> current(*limit);
    // Already the value (the dispatcher's usual case): storing nothing cannot
    // overwrite a kick's zero, so the fenced store and re-check are not needed.
    if (current.load(std::memory_order_relaxed) == value) return;
    current.store(value, std::memory_order_seq_cst);
    if (attention_.load(std::memory_order_seq_cst)) current.store(0, std::memory_order_seq_cst);
}

} // namespace tern
