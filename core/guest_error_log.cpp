#include "core/guest_error_log.hpp"

#include <cinttypes>

namespace tern {

std::string_view log_class_name(LogClass cls) {
    switch (cls) {
    case LogClass::GuestError: return "guest_error";
    case LogClass::Unimplemented: return "unimp";
    case LogClass::InvalidAccess: return "invalid_mem";
    }
    return "?";
}

GuestErrorLog::SiteState& GuestErrorLog::site_of(const GuestErrorEntry& entry) {
    SiteKey key{entry.device, entry.reg, entry.message};
    if (auto it = sites_.find(key); it != sites_.end()) return it->second;
    // Pruning walks every site, so it is done at most once per window.
    const bool window_passed = entry.time - last_prune_ >= kWindowTicks || entry.time < last_prune_;
    if (sites_.size() >= kMaxSites && window_passed) {
        last_prune_ = entry.time;
        std::erase_if(sites_, [&](const auto& site) {
            return entry.time - site.second.window_start >= kWindowTicks ||
                   entry.time < site.second.window_start;
        });
    }
    if (sites_.size() >= kMaxSites) return overflow_site_;
    return sites_[std::move(key)];
}

void GuestErrorLog::record(GuestErrorEntry entry) {
    std::lock_guard lock(mutex_);
    SiteState& site = site_of(entry);
    if (entry.time - site.window_start >= kWindowTicks || entry.time < site.window_start) {
        site.window_start = entry.time;
        site.in_window = 0;
    }
    if (site.in_window >= kBurstPerSite) {
        ++site.suppressed;
        return;
    }
    ++site.in_window;
    entry.suppressed_before = site.suppressed;
    site.suppressed = 0;
    ++total_;
    if (mirror_ && (mirror_mask_ & static_cast<uint8_t>(entry.cls))) {
        std::fputs(format(entry).c_str(), mirror_);
        std::fputc('\n', mirror_);
        std::fflush(mirror_);
    }
    entries_.push_back(std::move(entry));
    if (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<GuestErrorEntry> GuestErrorLog::snapshot() const {
    std::lock_guard lock(mutex_);
    return {entries_.begin(), entries_.end()};
}

std::string GuestErrorLog::format(const GuestErrorEntry& e) {
    char head[160];
    if (e.origin.hart >= 0)
        std::snprintf(head, sizeof head, "[%" PRIu64 "] %s hart%d pc=0x%" PRIx64 " ", e.time,
                      log_class_name(e.cls).data(), e.origin.hart, e.origin.pc);
    else
        std::snprintf(head, sizeof head, "[%" PRIu64 "] %s ", e.time, log_class_name(e.cls).data());
    char where[96];
    std::snprintf(where, sizeof where, " addr=0x%" PRIx64 " value=0x%" PRIx64 ": ", e.address, e.value);
    std::string line = head;
    line += e.device;
    if (!e.reg.empty()) line += "." + e.reg;
    line += where;
    line += e.message;
    if (e.suppressed_before) line += " (" + std::to_string(e.suppressed_before) + " similar entries suppressed)";
    return line;
}

} // namespace tern
