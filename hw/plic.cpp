#include "hw/plic.hpp"

namespace tern {

namespace {
constexpr uint32_t kPriorityMask = 7; // 3 priority bits, as QEMU's virt (WARL)
}

Plic::Plic(unsigned harts, ChangeFn on_change)
    : on_change_(std::move(on_change)), contexts_(2 * harts), outputs_(2 * harts) {
    const uint32_t n = static_cast<uint32_t>(contexts_.size());
    // Order matches enum Reg. Source 0 does not exist, so priority starts at source 1's slot.
    registers_ = {
        {"priority", 0x4, 4, W32, RegAccess::RW, kSources, 4, 0},
        {"pending", 0x1000, 4, W32, RegAccess::RO, kWords, 4, 0},
        {"enable", 0x2000, 4, W32, RegAccess::RW, n * 0x20, 4, 0}, // 0x80 bytes per context; only kWords used
        {"threshold", 0x20'0000, 4, W32, RegAccess::RW, n, 0x1000, 0},
        {"claim_complete", 0x20'0004, 4, W32, RegAccess::RW, n, 0x1000, 0},
    };
}

void Plic::set_level(uint32_t source, bool level) {
    if (source == 0 || source > kSources) return;
    set_bit(level_, source, level);
    // Level-triggered gateway: a high line is pending unless already claimed.
    if (level && !bit(in_flight_, source)) set_bit(pending_, source, true);
    if (!level) set_bit(pending_, source, false);
    changed();
}

bool Plic::compute_output(unsigned context) const {
    const Context& c = contexts_[context];
    for (uint32_t s = 1; s <= kSources; ++s)
        if (bit(pending_, s) && bit(c.enable, s) && priority_[s] > c.threshold) return true;
    return false;
}

uint32_t Plic::claim(unsigned context) {
    const Context& c = contexts_[context];
    uint32_t best = 0;
    for (uint32_t s = 1; s <= kSources; ++s)
        if (bit(pending_, s) && bit(c.enable, s) && priority_[s] > c.threshold &&
            (best == 0 || priority_[s] > priority_[best]))
            best = s; // ties go to the lowest source number
    if (best) {
        set_bit(pending_, best, false);
        set_bit(in_flight_, best, true);
    }
    return best;
}

void Plic::complete(unsigned context, uint32_t source, const RegisterAccess& access) {
    // Spec: a completion for a source not enabled for the context is ignored.
    if (source == 0 || source > kSources || !bit(contexts_[context].enable, source)) {
        guest_error("completion of a source that is not enabled for this context", &access, source);
        return;
    }
    if (!bit(in_flight_, source)) {
        guest_error("completion of a source that was not claimed", &access, source);
        return;
    }
    set_bit(in_flight_, source, false);
    if (bit(level_, source)) set_bit(pending_, source, true);
}

uint64_t Plic::read(const RegisterAccess& a) {
    switch (a.id) {
    case kPriority: return priority_[a.index + 1];
    case kPending: return pending_[a.index];
    case kEnable: {
        const uint32_t word = a.index % 0x20;
        return word < kWords ? contexts_[a.index / 0x20].enable[word] : 0;
    }
    case kThreshold: return contexts_[a.index].threshold;
    default: {
        const uint32_t source = claim(a.index);
        changed();
        return source;
    }
    }
}

void Plic::write(const RegisterAccess& a, uint64_t value) {
    const uint32_t v = static_cast<uint32_t>(value);
    switch (a.id) {
    case kPriority: priority_[a.index + 1] = v & kPriorityMask; break;
    case kPending: break;
    case kEnable: {
        const uint32_t word = a.index % 0x20;
        if (word >= kWords) {
            guest_error("enable bits for sources that do not exist", &a, value);
            break;
        }
        // Source 0 and sources above kSources are hard-wired off (WARL).
        contexts_[a.index / 0x20].enable[word] = v & source_bits(word);
        break;
    }
    case kThreshold: contexts_[a.index].threshold = v & kPriorityMask; break;
    default: complete(a.index, v, a); break;
    }
    changed();
}

void Plic::serialize(StateArchive& archive) {
    auto priority_field = [&](std::string_view name, uint32_t& value) {
        archive(name, value);
        archive.require(value <= kPriorityMask, name, "= " + std::to_string(value) + " has more than 3 bits");
    };
    auto source_words = [&](std::string_view name, std::array<uint32_t, kWords>& words) {
        for (uint32_t w = 0; w < kWords; ++w) {
            archive(name, words[w]);
            archive.require(!(words[w] & ~source_bits(w)), name,
                            "word " + std::to_string(w) + " names sources that do not exist");
        }
    };
    archive.require(priority_[0] == 0, "priority", "of source 0 is set");
    for (uint32_t s = 1; s <= kSources; ++s)
        priority_field("priority", priority_[s]);
    source_words("pending", pending_);
    source_words("level", level_);
    source_words("in_flight", in_flight_);
    for (Context& c : contexts_) {
        source_words("enable", c.enable);
        priority_field("threshold", c.threshold);
    }
    if (archive.loading()) changed();
}

} // namespace tern
