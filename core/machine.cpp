#include "core/machine.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "cpu/csr_bits.hpp"
#include "cpu/interpreter.hpp"

namespace tern {

namespace {
using namespace csr_bits;
// Instructions a hart runs before the machine looks at timers and exits again.
constexpr uint64_t kSliceInstructions = 20'000;
} // namespace

Machine::Machine(const MachineConfig &cfg)
    : config(cfg), ram(MachineConfig::kRamBase, cfg.ram_size), bus(ram), code_cache(bus),
      clint(clock, cfg.harts) {
    bus.map(Clint::kBase, Clint::kSize, clint);
    for (unsigned i = 0; i < cfg.harts; ++i)
        harts.push_back(std::make_unique<Hart>(i, bus, code_cache, clock));
    // A page that starts holding code must leave every TLB's store fast path.
    bus.on_page_flagged = [this](uint64_t paddr) {
        for (auto &hart : harts)
            hart->tlb.flush_physical(paddr & ~(Tlb::kPageSize - 1));
    };
}

void Machine::attach_htif(uint64_t tohost, std::optional<uint64_t> fromhost) {
    htif = std::make_unique<Htif>(bus, tohost, fromhost, [this](uint64_t code) {
        // A process exit status keeps only the low 8 bits; say so rather than let 256 look like a pass.
        if (code > 255)
            std::fprintf(stderr,
                         "tern: guest exit code %llu is reported as %llu (exit statuses are 8 bits)\n",
                         static_cast<unsigned long long>(code), static_cast<unsigned long long>(code & 0xff));
        request_exit(static_cast<int>(code & 0xff));
    });
}

void Machine::update_interrupt_lines(Hart &hart) {
    CsrState &csr = hart.state.csr;
    const unsigned id = static_cast<unsigned>(csr.mhartid);
    uint64_t mip = csr.mip & ~(kMSIP | kMTIP);
    if (clint.software_pending(id)) mip |= kMSIP;
    if (clint.timer_pending(id)) mip |= kMTIP;
    // With Sstc enabled, STIP is driven by stimecmp alone (Sstc spec 3.1).
    if (csr.menvcfg & kSTCE) mip = (mip & ~kSTIP) | (clock.mtime() >= csr.stimecmp ? kSTIP : 0);
    csr.mip = mip;
}

void Machine::sleep_until_interrupt() {
    // Every hart waits in WFI: sleep until the nearest timer deadline, but
    // never long, so console input and exits stay responsive.
    uint64_t deadline = ~0ull;
    for (auto &hart : harts) {
        deadline = std::min(deadline, clint.mtimecmp(static_cast<unsigned>(hart->state.csr.mhartid)));
        if (hart->state.csr.menvcfg & kSTCE) deadline = std::min(deadline, hart->state.csr.stimecmp);
    }
    const uint64_t now = clock.mtime();
    const uint64_t ticks =
        deadline > now ? std::min<uint64_t>(deadline - now, MachineClock::kFrequencyHz / 1000) : 0;
    std::this_thread::sleep_for(std::chrono::nanoseconds(ticks * 100));
}

int Machine::run() {
    while (!exit_requested()) {
        bool all_waiting = true;
        for (auto &hart : harts) {
            update_interrupt_lines(*hart);
            if (hart->state.wfi && !(hart->state.csr.mip & hart->state.csr.mie)) continue;
            all_waiting = false;
            uint64_t slice = kSliceInstructions;
            if (config.max_instructions)
                slice = std::min(slice, config.max_instructions -
                                            std::min(config.max_instructions, instructions_retired));
            instructions_retired += interpret(*hart, slice);
            if (exit_requested()) break;
        }
        if (config.max_instructions && instructions_retired >= config.max_instructions) return 124;
        if (all_waiting) sleep_until_interrupt();
    }
    return *exit_status_;
}

} // namespace tern
