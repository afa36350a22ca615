#pragma once
// The machine owns every piece of emulated state: RAM, the bus and its
// devices, the harts. There is no global mutable state outside it.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "core/machine_config.hpp"
#include "core/ram.hpp"
#include "cpu/code_cache.hpp"
#include "cpu/hart.hpp"
#include "hw/clint.hpp"
#include "hw/htif.hpp"

namespace tern {

class Machine {
  public:
    explicit Machine(const MachineConfig &config);
    Machine(const Machine &) = delete;
    Machine &operator=(const Machine &) = delete;

    // Runs the harts until something requests an exit; returns the exit status.
    int run();

    // Called by devices (HTIF, the test device) to end the run after the current block.
    void request_exit(int status) { exit_status_ = status; }
    bool exit_requested() const { return exit_status_.has_value(); }

    // Watches tohost (and answers through fromhost) for a bare program that speaks HTIF.
    void attach_htif(uint64_t tohost, std::optional<uint64_t> fromhost);

    // Mirrors the CLINT's and Sstc's timer and software interrupt lines into mip.
    void update_interrupt_lines(Hart &hart);

    const MachineConfig config;
    MachineClock clock;
    Ram ram;
    Bus bus;
    CodeCache code_cache;
    Clint clint;
    std::vector<std::unique_ptr<Hart>> harts;
    std::unique_ptr<Htif> htif; // only when the -kernel ELF defines tohost
    uint64_t instructions_retired = 0;

  private:
    void sleep_until_interrupt();
    std::optional<int> exit_status_;
};

} // namespace tern
