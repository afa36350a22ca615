#pragma once
// The machine owns every piece of emulated state: RAM, the bus and its
// devices, the harts. There is no global mutable state outside it.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "core/guest_error_log.hpp"
#include "core/machine_config.hpp"
#include "core/ram.hpp"
#include "cpu/code_cache.hpp"
#include "cpu/hart.hpp"
#include "hw/boot_rom.hpp"
#include "hw/clint.hpp"
#include "hw/goldfish_rtc.hpp"
#include "hw/htif.hpp"
#include "hw/plic.hpp"
#include "hw/sifive_test.hpp"
#include "hw/uart16550.hpp"
#include "hw/virtio_blk.hpp"
#include "hw/virtio_mmio.hpp"

namespace tern {

class Console;

class Machine {
  public:
    // Throws std::runtime_error with a one-line reason when the configuration cannot be built
    // (e.g. a disk image that cannot be opened).
    explicit Machine(const MachineConfig& config);
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Runs the harts until something requests an exit; returns the exit status.
    int run();

    // Called by devices (HTIF, the test device) to end the run after the current block.
    void request_exit(int status) { exit_status_ = status; }
    bool exit_requested() const { return exit_status_.has_value(); }
    // The guest asked for a reset (sifive,test 0x7777): the caller builds and boots a fresh machine.
    bool reset_requested() const { return reset_requested_; }

    // The host side of the serial console; without one, output goes to stdout.
    void attach_console(Console* console) { console_ = console; }

    // Watches tohost (and answers through fromhost) for a bare program that speaks HTIF.
    void attach_htif(uint64_t tohost, std::optional<uint64_t> fromhost);

    // Installs the reset vector ROM that starts every hart at the firmware.
    void install_boot_rom(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info);

    // Mirrors the CLINT, PLIC and Sstc interrupt lines into mip.
    void update_interrupt_lines(Hart& hart);
    void update_all_interrupt_lines();
    // Instructions attempted by all harts, retired or trapped (what --max-instructions limits).
    uint64_t steps_taken() const;

    const MachineConfig config;
    MachineClock clock;
    GuestErrorLog guest_errors;
    Ram ram;
    Bus bus;
    CodeCache code_cache;
    Clint clint;
    Plic plic;
    Uart16550 uart;
    SifiveTest test_device;
    GoldfishRtc rtc;
    std::vector<std::unique_ptr<VirtioBlk>> disks;
    std::vector<std::unique_ptr<VirtioMmio>> virtio; // all transports, in address order
    std::unique_ptr<BootRom> boot_rom;
    std::vector<std::unique_ptr<Hart>> harts;
    std::unique_ptr<Htif> htif; // only when the -kernel ELF defines tohost
    uint64_t instructions_retired = 0;

  private:
    void attach_virtio();
    void serve_host_io();
    void sleep_until_interrupt();
    void console_write(uint8_t byte);

    Console* console_ = nullptr;
    std::optional<int> exit_status_;
    bool reset_requested_ = false;
};

} // namespace tern
