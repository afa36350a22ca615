#include "hw/uart16550.hpp"

namespace tern {

namespace {
// IER bits
constexpr uint8_t kIerRda = 0x01, kIerThre = 0x02, kIerRls = 0x04;
// LSR bits
constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrThre = 0x20, kLsrTemt = 0x40;
// IIR interrupt identifications, highest priority first
constexpr uint8_t kIirNone = 0x01, kIirRls = 0x06, kIirRda = 0x04, kIirThre = 0x02;
constexpr uint8_t kMcrLoop = 0x10;
} // namespace

uint8_t Uart16550::lsr() const {
    // Output is transmitted instantly, so the transmitter is always empty.
    return (rx_.empty() ? 0 : kLsrDr) | (overrun_ ? kLsrOe : 0) | kLsrThre | kLsrTemt;
}

uint8_t Uart16550::iir() const {
    const uint8_t fifo_bits = fifo_enabled() ? 0xc0 : 0;
    if ((ier_ & kIerRls) && overrun_) return fifo_bits | kIirRls;
    if ((ier_ & kIerRda) && !rx_.empty()) return fifo_bits | kIirRda;
    if ((ier_ & kIerThre) && thre_pending_) return fifo_bits | kIirThre;
    return fifo_bits | kIirNone;
}

void Uart16550::update_irq() { irq_.set((iir() & 1) == 0); }

bool Uart16550::receive(uint8_t byte) {
    if (!can_receive()) return false;
    rx_.push_back(byte);
    update_irq();
    return true;
}

uint64_t Uart16550::read(const RegisterAccess& a) {
    switch (a.id) {
    case kRbrThr: {
        if (dlab()) return dll_;
        if (rx_.empty()) return 0;
        const uint8_t byte = rx_.front();
        rx_.pop_front();
        update_irq();
        return byte;
    }
    case kIer: return dlab() ? dlm_ : ier_;
    case kIirFcr: {
        const uint8_t value = iir();
        // Reading IIR while it reports THR-empty acknowledges that interrupt (16550 datasheet).
        if ((value & 0x0f) == kIirThre) thre_pending_ = false;
        update_irq();
        return value;
    }
    case kLcr: return lcr_;
    case kMcr: return mcr_;
    case kLsr: {
        const uint8_t value = lsr();
        overrun_ = false; // reading LSR clears the error bits
        update_irq();
        return value;
    }
    case kMsr:
        // Loopback wires OUT2/OUT1/RTS/DTR back to DCD/RI/CTS/DSR; otherwise report a connected modem.
        return (mcr_ & kMcrLoop) ? ((mcr_ & 0x0c) << 4 | (mcr_ & 0x01) << 5 | (mcr_ & 0x02) << 3) : 0xb0;
    default: return scr_;
    }
}

void Uart16550::write(const RegisterAccess& a, uint64_t value) {
    const uint8_t v = static_cast<uint8_t>(value);
    switch (a.id) {
    case kRbrThr:
        if (dlab()) {
            dll_ = v;
            break;
        }
        if (mcr_ & kMcrLoop) {
            if (!receive(v)) overrun_ = true;
        } else {
            transmit_(v);
        }
        thre_pending_ = true; // the byte left at once: THR is empty again
        break;
    case kIer:
        if (dlab()) {
            dlm_ = v;
            break;
        }
        // Enabling the THR-empty interrupt while THR is empty raises it at once.
        if ((v & kIerThre) && !(ier_ & kIerThre)) thre_pending_ = true;
        ier_ = v & 0x0f;
        break;
    case kIirFcr:
        if ((v & 1) != (fcr_ & 1)) rx_.clear(); // changing FIFO mode resets the FIFOs
        if (v & 0x02) rx_.clear();              // receive FIFO reset
        fcr_ = v & 0xc9;                        // the reset bits are self-clearing
        break;
    case kLcr: lcr_ = v; break;
    case kMcr: mcr_ = v & 0x1f; break;
    default: scr_ = v; break;
    }
    update_irq();
}

void Uart16550::serialize(StateArchive& archive) {
    // The writable bits of each register, as write() keeps them.
    auto reg = [&](std::string_view name, uint8_t& value, uint8_t writable) {
        archive(name, value);
        archive.require(!(value & ~writable), name, "= " + std::to_string(value) + " has bits the register lacks");
    };
    reg("ier", ier_, 0x0f);
    reg("fcr", fcr_, 0xc9);
    reg("lcr", lcr_, 0xff);
    reg("mcr", mcr_, 0x1f);
    reg("scr", scr_, 0xff);
    reg("dll", dll_, 0xff);
    reg("dlm", dlm_, 0xff);
    archive("overrun", overrun_);
    archive("thre_pending", thre_pending_);
    // The receive FIFO: at most what it holds in the saved FIFO mode.
    std::vector<uint8_t> rx(rx_.begin(), rx_.end());
    rx.resize(archive.count("rx_count", rx.size(), rx_capacity()));
    archive.bytes("rx", rx);
    rx_.assign(rx.begin(), rx.end());
    // The line follows the registers; the PLIC loads its side from its own fields.
    if (archive.loading()) irq_.restore((iir() & 1) == 0);
}

} // namespace tern
