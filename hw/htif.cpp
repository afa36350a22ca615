#include "hw/htif.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/ram_access.hpp"

namespace tern {

namespace {
// Devices and commands of the HTIF convention (riscv-isa-sim fesvr, riscv-pk machine/htif.c).
constexpr uint8_t kDeviceSyscall = 0, kDeviceConsole = 1;
constexpr uint8_t kCmdSyscall = 0, kCmdGetchar = 0, kCmdPutchar = 1;
} // namespace

Htif::Htif(Bus& bus, uint64_t tohost, std::optional<uint64_t> fromhost, std::function<void(uint64_t)> on_exit,
           std::FILE* console)
    : bus_(bus), tohost_(tohost), fromhost_(fromhost), on_exit_(std::move(on_exit)), console_(console) {
    // Flagged pages keep stores off the TLB fast path, so every store to tohost reaches on_store.
    bus_.set_page_flag(tohost_, kPageWatched);
    bus_.add_store_observer([this](uint64_t paddr, unsigned size, PageFlags flags, int) {
        if (flags & kPageWatched) on_store(paddr, size);
    });
}

// The mailboxes are guest RAM that harts on other threads touch: accessed as
// a hart would (core/ram_access.hpp), and a write ends overlapping reservations.
uint64_t Htif::read_u64(uint64_t paddr) {
    return bus_.ram().contains(paddr, 8) ? ram_access::read(bus_.ram().host(paddr), 8) : 0;
}

void Htif::write_u64(uint64_t paddr, uint64_t value) {
    if (bus_.ram().contains(paddr, 8))
        bus_.reservations.store_breaking(paddr, 8, [&] { ram_access::write(bus_.ram().host(paddr), 8, value); });
}

void Htif::on_store(uint64_t paddr, unsigned size) {
    // A command is complete once its upper word is written: an RV64 `sd`, or the
    // second of two `sw` (the order QEMU's spike HTIF expects as well).
    if (paddr + size <= tohost_ + 4 || paddr >= tohost_ + 8) return;
    const uint64_t value = read_u64(tohost_);
    if (value != 0 && !exited_) handle_tohost(value);
}

void Htif::respond(uint8_t device, uint8_t cmd, uint64_t payload) {
    // The host acknowledges by clearing tohost; replies go to fromhost.
    write_u64(tohost_, 0);
    if (fromhost_) write_u64(*fromhost_, command(device, cmd, payload));
}

void Htif::handle_tohost(uint64_t value) {
    const uint8_t device = static_cast<uint8_t>(value >> 56), cmd = static_cast<uint8_t>(value >> 48);
    const uint64_t payload = value & kPayloadMask;
    if (device == kDeviceSyscall && cmd == kCmdSyscall) {
        if (payload & 1) {
            // (code << 1) | 1 ends the run: the riscv-tests pass/fail convention.
            write_u64(tohost_, 0);
            exited_ = true;
            on_exit_(payload >> 1);
            return;
        }
        syscall(payload);
        // riscv-pk's frontend answers a syscall with fromhost = 1 once the block holds the result.
        respond(kDeviceSyscall, kCmdSyscall, 1);
        return;
    }
    if (device == kDeviceConsole && cmd == kCmdPutchar) {
        const char ch = static_cast<char>(payload & 0xff);
        std::fputc(ch, console_);
        if (ch == '\n') std::fflush(console_);
        // Replying 0x100 | ch matches QEMU's spike HTIF; riscv-pk accepts and ignores it.
        respond(kDeviceConsole, kCmdPutchar, 0x100 | (payload & 0xff));
        return;
    }
    if (device == kDeviceConsole && cmd == kCmdGetchar) {
        // No console input yet: the read is taken but never completes, as when no key is pressed.
        write_u64(tohost_, 0);
        return;
    }
    std::fprintf(stderr, "tern: htif: unsupported device %u command %u (tohost %#llx)\n", device, cmd,
                 static_cast<unsigned long long>(value));
    write_u64(tohost_, 0);
}

void Htif::syscall(uint64_t block) {
    Ram& ram = bus_.ram();
    if (!ram.contains(block, kSyscallBlockSize)) {
        std::fprintf(stderr, "tern: htif: syscall block %#llx lies outside RAM\n",
                     static_cast<unsigned long long>(block));
        return;
    }
    uint64_t args[8];
    std::memcpy(args, ram.host(block), sizeof args);
    int64_t result;
    if (args[0] == kSysWrite) {
        const uint64_t fd = args[1], buffer = args[2], length = args[3];
        std::FILE* out = fd == 1 ? console_ : fd == 2 ? stderr : nullptr;
        if (!out) {
            result = -EBADF;
        } else if (!ram.contains(buffer, length)) {
            result = -EFAULT; // never trust a guest length: the whole buffer must be RAM
        } else {
            std::fwrite(ram.host(buffer), 1, length, out);
            std::fflush(out);
            result = static_cast<int64_t>(length);
        }
    } else {
        std::fprintf(stderr, "tern: htif: unsupported syscall %llu\n",
                     static_cast<unsigned long long>(args[0]));
        result = -ENOSYS;
    }
    write_u64(block, static_cast<uint64_t>(result));
}

} // namespace tern
