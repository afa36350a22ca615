#pragma once
// NS16550A UART (as on QEMU's virt: byte registers, no register shift), with
// 16-byte FIFOs, the IER/IIR/LSR interrupt logic and loopback.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>

#include "core/device.hpp"
#include "hw/irq.hpp"

namespace tern {

class Uart16550 final : public Device {
  public:
    static constexpr uint64_t kBase = 0x1000'0000;
    static constexpr uint64_t kSize = 0x100;
    static constexpr uint32_t kIrq = 10;
    static constexpr uint32_t kClockHz = 3'686'400;
    static constexpr size_t kFifoSize = 16;

    Uart16550(IrqLine irq, std::function<void(uint8_t)> transmit) : irq_(irq), transmit_(std::move(transmit)) {}

    std::string_view name() const override { return "uart0"; }
    std::span<const RegisterDecl> registers() const override { return kRegisters; }
    uint64_t read(const RegisterAccess& access) override;
    void write(const RegisterAccess& access, uint64_t value) override;
    void serialize(StateArchive& archive) override;

    // A byte from the host terminal; false when the receive FIFO is full (the caller keeps it).
    bool receive(uint8_t byte);
    bool can_receive() const { return rx_.size() < rx_capacity(); }

  private:
    enum Reg { kRbrThr, kIer, kIirFcr, kLcr, kMcr, kLsr, kMsr, kScr };
    static constexpr std::array<RegisterDecl, 8> kRegisters{{
        {"rbr_thr_dll", 0, 1, W8, RegAccess::RW},
        {"ier_dlm", 1, 1, W8, RegAccess::RW},
        {"iir_fcr", 2, 1, W8, RegAccess::RW, 1, 0, 0x01},
        {"lcr", 3, 1, W8, RegAccess::RW},
        {"mcr", 4, 1, W8, RegAccess::RW},
        {"lsr", 5, 1, W8, RegAccess::RO, 1, 0, 0x60},
        {"msr", 6, 1, W8, RegAccess::RO},
        {"scr", 7, 1, W8, RegAccess::RW},
    }};

    size_t rx_capacity() const { return fifo_enabled() ? kFifoSize : 1; }
    bool fifo_enabled() const { return fcr_ & 1; }
    bool dlab() const { return lcr_ & 0x80; }
    uint8_t lsr() const;
    uint8_t iir() const;
    void update_irq();

    IrqLine irq_;
    std::function<void(uint8_t)> transmit_;
    std::deque<uint8_t> rx_;
    uint8_t ier_ = 0, fcr_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
    bool overrun_ = false;
    bool thre_pending_ = false; // the THR-empty interrupt condition, cleared by reading IIR or writing THR
};

} // namespace tern
