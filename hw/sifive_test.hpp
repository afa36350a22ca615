#pragma once
// The "sifive,test" finisher at 0x100000: the guest writes 0x5555 to pass
// (power off, exit 0), 0x3333 | code << 16 to fail (exit code), 0x7777 to reset.
#include <array>
#include <cstdint>
#include <functional>

#include "core/device.hpp"

namespace tern {

class SifiveTest final : public Device {
  public:
    static constexpr uint64_t kBase = 0x0010'0000;
    static constexpr uint64_t kSize = 0x1000;

    enum class Request { PowerOff, Reset };
    // Called with the request and the exit status.
    using Handler = std::function<void(Request, int status)>;
    explicit SifiveTest(Handler handler) : handler_(std::move(handler)) {}

    std::string_view name() const override { return "test"; }
    std::span<const RegisterDecl> registers() const override { return kRegisters; }
    uint64_t read(const RegisterAccess&) override { return 0; }
    void write(const RegisterAccess& access, uint64_t value) override;
    void serialize(StateArchive&) override {} // no state: every write acts at once

  private:
    static constexpr std::array<RegisterDecl, 1> kRegisters{{
        {"finisher", 0, 4, W16 | W32, RegAccess::RW},
    }};
    Handler handler_;
};

} // namespace tern
