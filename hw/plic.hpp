#pragma once
// SiFive platform-level interrupt controller (RISC-V PLIC spec 1.0.0), laid
// out as on QEMU's virt: two contexts per hart, M-mode (2h) and S-mode (2h+1).
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/device.hpp"
#include "hw/irq.hpp"

namespace tern {

class Plic final : public Device, public InterruptController {
  public:
    static constexpr uint64_t kBase = 0x0c00'0000;
    static constexpr uint64_t kSize = 0x60'0000;
    static constexpr uint32_t kSources = 96; // riscv,ndev: sources 1..96; 0 means "none"
    static constexpr uint32_t kWords = (kSources + 1 + 31) / 32;

    // `on_change(hart)` runs whenever the M or S output line of that hart's contexts changed.
    using ChangeFn = std::function<void(unsigned hart)>;
    explicit Plic(unsigned harts, ChangeFn on_change = {});

    std::string_view name() const override { return "plic"; }
    std::span<const RegisterDecl> registers() const override { return registers_; }
    uint64_t read(const RegisterAccess& access) override;
    void write(const RegisterAccess& access, uint64_t value) override;
    void serialize(StateArchive& archive) override;

    void set_level(uint32_t source, bool level) override;

    // The external-interrupt line of a context: an enabled pending source above its threshold.
    // Harts read it from their own threads without the device lock.
    bool context_pending(unsigned context) const { return outputs_[context].load(std::memory_order_acquire); }
    unsigned contexts() const { return static_cast<unsigned>(contexts_.size()); }

  private:
    enum Reg { kPriority, kPending, kEnable, kThreshold, kClaim };
    struct Context {
        std::array<uint32_t, kWords> enable{};
        uint32_t threshold = 0;
    };
    static bool bit(const std::array<uint32_t, kWords>& words, uint32_t source) {
        return (words[source / 32] >> (source % 32)) & 1;
    }
    static void set_bit(std::array<uint32_t, kWords>& words, uint32_t source, bool value) {
        words[source / 32] = (words[source / 32] & ~(1u << (source % 32))) | (uint32_t{value} << (source % 32));
    }
    // Bits of source-bitmap word `word` that name sources (source 0 and those above kSources do not exist).
    static constexpr uint32_t source_bits(uint32_t word) {
        uint32_t valid = ~0u;
        if (word == 0) valid &= ~1u;
        if (word == kWords - 1) valid &= (2u << (kSources % 32)) - 1;
        return valid;
    }
    uint32_t claim(unsigned context);
    bool compute_output(unsigned context) const;
    // Recomputes every output line after a state change; tells on_change about those that moved.
    void changed() {
        for (unsigned c = 0; c < contexts_.size(); ++c) {
            const bool level = compute_output(c);
            if (outputs_[c].exchange(level, std::memory_order_acq_rel) != level && on_change_) on_change_(c / 2);
        }
    }
    void complete(unsigned context, uint32_t source, const RegisterAccess& access);

    ChangeFn on_change_;
    std::vector<RegisterDecl> registers_;
    std::array<uint32_t, kSources + 1> priority_{};
    std::array<uint32_t, kWords> pending_{};
    std::array<uint32_t, kWords> level_{};     // current input levels
    std::array<uint32_t, kWords> in_flight_{}; // claimed, not yet completed
    std::vector<Context> contexts_;
    std::vector<std::atomic<bool>> outputs_; // context_pending(), as of the last change
};

} // namespace tern
