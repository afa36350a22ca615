#include "core/machine.hpp"

#include <algorithm>
#include <stdexcept>
#include <cstdio>
#include <thread>

#include "core/console.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/interpreter.hpp"

namespace tern {

namespace {
using namespace csr_bits;
// Instructions a hart runs before the machine looks at timers, I/O and exits again.
constexpr uint64_t kSliceInstructions = 20'000;
} // namespace

Machine::Machine(const MachineConfig& cfg)
    : config(cfg), ram(MachineConfig::kRamBase, cfg.ram_size), bus(ram), code_cache(bus),
      clint(clock, cfg.harts, [this] { update_all_interrupt_lines(); }),
      plic(cfg.harts, [this] { update_all_interrupt_lines(); }), uart(IrqLine(&plic, Uart16550::kIrq), [this](uint8_t byte) { console_write(byte); }),
      test_device([this](SifiveTest::Request request, int status) {
          reset_requested_ = request == SifiveTest::Request::Reset;
          request_exit(status);
      }),
      rtc(IrqLine(&plic, GoldfishRtc::kIrq), clock) {
    if (cfg.deterministic) clock.make_deterministic([this] { return steps_taken(); });
    bus.attach({&guest_errors, &clock});
    bus.map(SifiveTest::kBase, SifiveTest::kSize, test_device);
    bus.map(GoldfishRtc::kBase, GoldfishRtc::kSize, rtc);
    bus.map(Clint::kBase, Clint::kSize, clint);
    bus.map(Plic::kBase, Plic::kSize, plic);
    bus.map(Uart16550::kBase, Uart16550::kSize, uart);
    attach_virtio();
    for (unsigned i = 0; i < cfg.harts; ++i) harts.push_back(std::make_unique<Hart>(i, bus, code_cache, clock));
    if (cfg.accel == Accel::Jit) jit = std::make_unique<jit::Engine>(code_cache);
    // A page that starts holding code must leave every TLB's store fast path.
    bus.on_page_flagged = [this](uint64_t paddr) {
        for (auto& hart : harts) hart->tlb.flush_physical(paddr & ~(Tlb::kPageSize - 1));
    };
}

void Machine::attach_virtio() {
    for (const MachineConfig::Drive& drive : config.drives) {
        std::string error;
        auto backend = FileBackend::open(drive.file, drive.read_only, error);
        if (!backend) throw std::runtime_error("cannot open disk image " + error);
        disks.push_back(std::make_unique<VirtioBlk>(std::move(backend)));
    }
    if (disks.size() > VirtioMmio::kCount) throw std::runtime_error("too many virtio drives (at most 8)");
    // As on QEMU's virt, the first device sits in the highest transport.
    for (unsigned slot = 0; slot < VirtioMmio::kCount; ++slot) {
        const unsigned from_top = VirtioMmio::kCount - 1 - slot;
        VirtioDevice* device = from_top < disks.size() ? disks[from_top].get() : nullptr;
        virtio.push_back(std::make_unique<VirtioMmio>(slot, IrqLine(&plic, 1 + slot), Dma(bus), device));
        bus.map(VirtioMmio::kFirstBase + slot * VirtioMmio::kSize, VirtioMmio::kSize, *virtio.back());
    }
}

void Machine::attach_htif(uint64_t tohost, std::optional<uint64_t> fromhost) {
    htif = std::make_unique<Htif>(bus, tohost, fromhost, [this](uint64_t code) {
        // A process exit status keeps only the low 8 bits; say so rather than let 256 look like a pass.
        if (code > 255)
            std::fprintf(stderr, "tern: guest exit code %llu is reported as %llu (exit statuses are 8 bits)\n",
                         static_cast<unsigned long long>(code), static_cast<unsigned long long>(code & 0xff));
        request_exit(static_cast<int>(code & 0xff));
    });
}

void Machine::install_boot_rom(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info) {
    boot_rom = std::make_unique<BootRom>(firmware_entry, fdt_address, info);
    bus.map(BootRom::kBase, BootRom::kSize, *boot_rom);
    for (auto& hart : harts) hart->state.pc = BootRom::kBase;
}

void Machine::console_write(uint8_t byte) {
    if (console_) console_->write(byte);
    else std::fputc(byte, stdout);
}

void Machine::update_interrupt_lines(Hart& hart) {
    CsrState& csr = hart.state.csr;
    const unsigned id = static_cast<unsigned>(csr.mhartid);
    uint64_t mip = csr.mip & ~(kMSIP | kMTIP | kMEIP | kSEIP);
    if (clint.software_pending(id)) mip |= kMSIP;
    if (clint.timer_pending(id)) mip |= kMTIP;
    if (plic.context_pending(2 * id)) mip |= kMEIP;
    csr.seip_external = plic.context_pending(2 * id + 1);
    if (csr.seip_external || csr.seip_software) mip |= kSEIP;
    // With Sstc enabled, STIP is driven by stimecmp alone (Sstc spec 3.1).
    if (csr.menvcfg & kSTCE) mip = (mip & ~kSTIP) | (clock.mtime() >= csr.stimecmp ? kSTIP : 0);
    csr.mip = mip;
}

uint64_t Machine::steps_taken() const {
    uint64_t steps = 0;
    for (const auto& hart : harts) steps += hart->steps;
    return steps;
}

void Machine::update_all_interrupt_lines() {
    for (auto& hart : harts) update_interrupt_lines(*hart);
}

void Machine::serve_host_io() {
    rtc.poll();
    if (!console_) return;
    while (uart.can_receive())
        if (auto byte = console_->poll_input()) uart.receive(*byte);
        else break;
    if (console_->quit_requested()) request_exit(0);
    console_->flush();
}

void Machine::sleep_until_interrupt() {
    // Every hart waits in WFI: sleep until the nearest timer deadline, but never
    // long, so console input and exits stay responsive. Only a future deadline of a
    // timer enabled in mie can end a WFI (a past, masked one would mean no sleep, ever).
    const uint64_t now = clock.mtime();
    uint64_t deadline = ~0ull;
    auto consider = [&](uint64_t when) {
        if (when > now) deadline = std::min(deadline, when);
    };
    for (auto& hart : harts) {
        const CsrState& csr = hart->state.csr;
        if (csr.mie & kMTIP) consider(clint.mtimecmp(static_cast<unsigned>(csr.mhartid)));
        if ((csr.menvcfg & kSTCE) && (csr.mie & kSTIP)) consider(csr.stimecmp);
    }
    if (clock.deterministic() && deadline != ~0ull) {
        // No host time passes in a deterministic run: jump to the deadline.
        clock.advance(deadline > now ? deadline - now : 0);
        return;
    }
    const uint64_t ticks = deadline > now ? std::min<uint64_t>(deadline - now, MachineClock::kFrequencyHz / 1000) : 0;
    std::this_thread::sleep_for(std::chrono::nanoseconds(ticks * 100));
}

int Machine::run() {
    while (!exit_requested()) {
        serve_host_io();
        bool all_waiting = true;
        for (auto& hart : harts) {
            update_interrupt_lines(*hart);
            if (hart->state.wfi && !(hart->state.csr.mip & hart->state.csr.mie)) continue;
            all_waiting = false;
            uint64_t slice = kSliceInstructions;
            if (config.max_instructions)
                slice = std::min(slice, config.max_instructions - std::min(config.max_instructions, steps_taken()));
            instructions_retired += jit ? jit->run(*hart, slice) : interpret(*hart, slice);
            if (exit_requested()) break;
        }
        if (config.max_instructions && steps_taken() >= config.max_instructions) return 124;
        if (all_waiting) sleep_until_interrupt();
    }
    if (console_) console_->flush();
    else std::fflush(stdout);
    return *exit_status_;
}

} // namespace tern
