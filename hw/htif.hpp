#pragma once
// HTIF, the Berkeley host-target interface: the guest writes commands to a
// RAM doubleword named `tohost` and reads replies from `fromhost`. Tern
// implements the subset the RISC-V test suites, riscv-pk and QEMU's spike
// machine agree on (see handle_tohost in hw/htif.cpp).
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>

#include "core/bus.hpp"

namespace tern {

class Htif {
  public:
    // tohost/fromhost are physical RAM addresses (from the ELF symbol table).
    // on_exit receives the guest's exit code; console output goes to `console`.
    Htif(Bus& bus, uint64_t tohost, std::optional<uint64_t> fromhost, std::function<void(uint64_t)> on_exit,
         std::FILE* console = stdout);
    Htif(const Htif&) = delete;
    Htif& operator=(const Htif&) = delete;

    // tohost encoding: device in bits 63:56, command in 55:48, payload in 47:0.
    static constexpr uint64_t command(uint8_t device, uint8_t cmd, uint64_t payload) {
        return uint64_t{device} << 56 | uint64_t{cmd} << 48 | (payload & kPayloadMask);
    }
    static constexpr uint64_t kPayloadMask = (1ull << 48) - 1;
    static constexpr uint64_t kSysWrite = 64; // riscv-pk / Linux syscall number
    static constexpr uint64_t kSyscallBlockSize = 8 * sizeof(uint64_t);

    uint64_t tohost() const { return tohost_; }
    std::optional<uint64_t> fromhost() const { return fromhost_; }
    // The savestate field: whether the guest has already exited through tohost.
    void serialize(StateArchive& archive) { archive("exited", exited_); }

  private:
    void on_store(uint64_t paddr, unsigned size);
    void handle_tohost(uint64_t value);
    // The "magic memory" syscall proxy: 8 doublewords (number, arguments); the result replaces the number.
    void syscall(uint64_t block_paddr);
    void respond(uint8_t device, uint8_t cmd, uint64_t payload);
    uint64_t read_u64(uint64_t paddr);
    void write_u64(uint64_t paddr, uint64_t value);

    Bus& bus_;
    uint64_t tohost_;
    std::optional<uint64_t> fromhost_;
    std::function<void(uint64_t)> on_exit_;
    std::FILE* console_;
    bool exited_ = false;
};

} // namespace tern
