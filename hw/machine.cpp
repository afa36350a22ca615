#include "hw/machine.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <utility>

#include <sys/eventfd.h>
#include <unistd.h>

#include "core/console.hpp"
#include "cpu/csr_bits.hpp"
#include "cpu/interpreter.hpp"

namespace tern {

namespace {
using namespace csr_bits;
// Instructions a hart runs before the machine looks at timers, I/O and exits
// again. One hart at a time (--deterministic), the slice is also how often
// the harts take turns, so spin-waits on another hart cost at most that.
// Harts on threads run side by side: anything urgent (an IPI, a device
// interrupt, a pause) kicks them, so the slice only bounds how late a timer
// interrupt is noticed, 200,000 instructions being 0.1 ms or less when
// translated; each slice costs the hart some 0.3 us (locks, a clock read),
// which at 20,000 was 3 % of a benchmark's time.
constexpr uint64_t kSliceInstructions = 20'000;
constexpr uint64_t kThreadedSliceInstructions = 200'000;
// A block is translated on its 65th run: a Linux boot runs most of its code a
// few times only (host CPU of a boot with 16 to 256 was the same within noise,
// 40 % below translating at once; bench/README.md, "Boot: tiered translation").
jit::EngineOptions jit_options(const MachineConfig& config) {
    jit::EngineOptions options;
    options.translate_after = 64;
    options.cache_bytes = config.jit_cache_bytes;
    return options;
}
} // namespace

Machine::Machine(const MachineConfig& cfg, std::vector<std::unique_ptr<BlockBackend>> backends)
    : config(cfg), ram(MachineConfig::kRamBase, cfg.ram_size), bus(ram),
      clint(clock, cfg.harts, [this](unsigned hart) { harts[hart]->control.kick(); }),
      plic(cfg.harts, [this](unsigned hart) { harts[hart]->control.kick(); }),
      uart(IrqLine(&plic, Uart16550::kIrq), [this](uint8_t byte) { console_write(byte); }),
      test_device([this](SifiveTest::Request request, int status) {
          reset_requested_ = request == SifiveTest::Request::Reset;
          request_exit(status);
      }),
      rtc(IrqLine(&plic, GoldfishRtc::kIrq), clock) {
    if (cfg.harts > kMaxCodeOwners) throw std::runtime_error("at most 32 harts are supported");
    if (cfg.deterministic) clock.make_deterministic([this] { return steps_taken(); });
    bus.attach({&guest_errors, &clock});
    bus.map(SifiveTest::kBase, SifiveTest::kSize, test_device);
    bus.map(GoldfishRtc::kBase, GoldfishRtc::kSize, rtc);
    bus.map(Clint::kBase, Clint::kSize, clint);
    bus.map(Plic::kBase, Plic::kSize, plic);
    bus.map(Uart16550::kBase, Uart16550::kSize, uart);
    bus.map(BootRom::kBase, BootRom::kSize, boot_rom);
    attach_virtio(std::move(backends));
    for (unsigned i = 0; i < cfg.harts; ++i) {
        code_caches.push_back(std::make_unique<CodeCache>(bus, i));
        harts.push_back(std::make_unique<Hart>(i, bus, *code_caches.back(), clock));
        Hart* hart = harts.back().get();
        code_caches.back()->on_remote_store = [hart](uint64_t page) {
            hart->control.post_page(page, HartControl::PageEvent::Written);
        };
        if (cfg.accel == Accel::Jit)
            jits.push_back(std::make_unique<jit::Engine>(*code_caches.back(), jit_options(cfg)));
    }
    // A page that starts holding code must leave every TLB's store fast path:
    // at once for the thread's own hart, at their next block boundary for the others.
    skip_breakpoint_.assign(cfg.harts, 0);
    bus.on_page_flagged = [this](uint64_t paddr, int own) {
        const uint64_t page = paddr & ~(Tlb::kPageSize - 1);
        for (auto& hart : harts)
            if (hart->id() == own)
                hart->tlb.flush_physical(page);
            else
                hart->control.post_page(page, HartControl::PageEvent::Flagged);
    };
    // Last, so that nothing after it can throw and leak it.
    io_wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (io_wake_fd_ < 0) throw std::runtime_error("cannot create an eventfd for the host I/O thread");
}

Machine::~Machine() { ::close(io_wake_fd_); }

void Machine::attach_virtio(std::vector<std::unique_ptr<BlockBackend>> backends) {
    if (!backends.empty() && backends.size() != config.drives.size())
        throw std::logic_error("one backend per drive, or none");
    for (size_t i = 0; i < config.drives.size(); ++i) {
        const MachineConfig::Drive& drive = config.drives[i];
        std::string error;
        std::unique_ptr<BlockBackend> backend =
            backends.empty() ? FileBackend::open(drive.file, drive.read_only, error) : std::move(backends[i]);
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
            std::fprintf(stderr,
                         "tern: guest exit code %llu is reported as %llu (exit statuses are 8 bits)\n",
                         static_cast<unsigned long long>(code), static_cast<unsigned long long>(code & 0xff));
        request_exit(static_cast<int>(code & 0xff));
    });
}

void Machine::install_boot_rom(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info) {
    boot_rom.configure(firmware_entry, fdt_address, info);
    for (auto& hart : harts)
        hart->state.pc = BootRom::kBase;
}

void Machine::console_write(uint8_t byte) {
    if (!console_) {
        std::fputc(byte, stdout);
        return;
    }
    console_->write(byte);
    // The I/O thread flushes what is left of a line (a shell prompt) once per burst.
    if (!io_wake_pending_.exchange(true, std::memory_order_acq_rel)) wake_host_io();
}

void Machine::wake_host_io() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(io_wake_fd_, &one, sizeof one);
}

// The host I/O thread's idle wait: console input, a wake-up (exit, output) or
// 10 ms, whichever comes first (the RTC alarm is polled at that pace).
void Machine::wait_for_host_io() {
    constexpr int kPollMs = 10;
    if (console_)
        console_->wait_for_input(io_wake_fd_, kPollMs);
    else
        wait_readable(io_wake_fd_, -1, kPollMs);
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
    for (const auto& hart : harts)
        steps += config.deterministic ? hart->steps : hart->control.published_steps();
    return steps;
}

void Machine::update_all_interrupt_lines() {
    for (auto& hart : harts)
        update_interrupt_lines(*hart);
}

void Machine::kick_all() {
    for (auto& hart : harts)
        hart->control.kick();
}

void Machine::request_exit(int status) {
    int running = kRunning;
    exit_status_.compare_exchange_strong(running, status);
    kick_all();
    wake_host_io();
    {
        // Under the lock: a loop parked for the debugger (or one about to park) sees the exit.
        std::lock_guard lock(pause_mutex_);
        if (!debug_stop_) debug_stop_ = DebugStop{DebugStop::Reason::Exited, 0, 0, false, exit_status_.load()};
    }
    pause_changed_.notify_all();
}

void Machine::print_jit_stats(std::FILE* out) const {
    if (jits.empty()) return;
    jit::Stats total;
    size_t used = 0, capacity = 0;
    for (const auto& engine : jits) {
        total += engine->stats();
        used += engine->code_bytes_used();
        capacity += engine->code_bytes_capacity();
    }
    jit::print_stats(out, total, used, capacity);
}

void Machine::set_jit_listing(std::FILE* out) {
    for (auto& engine : jits)
        engine->set_listing(out);
}

void Machine::serve_host_io() {
    ConsoleCommand command = ConsoleCommand::None;
    {
        auto lock = bus.lock_devices();
        io_wake_pending_.store(false, std::memory_order_release);
        rtc.poll();
        if (!console_) return;
        while (uart.can_receive())
            if (auto byte = console_->poll_input())
                uart.receive(*byte);
            else
                break;
        if (console_->quit_requested()) request_exit(0);
        command = console_->take_command();
        console_->flush();
    }
    // Not under the device lock: a hart waiting for it could never reach its pause point.
    if (command != ConsoleCommand::None) {
        std::string text = command == ConsoleCommand::HartStatus ? hart_status()
                           : on_console_command                ? on_console_command(command)
                                                               : "\r\ntern: savestates are not available here\r\n";
        auto lock = bus.lock_devices();
        for (char c : text)
            console_->write(static_cast<uint8_t>(c));
        console_->flush();
    }
}

void Machine::with_harts_paused(const std::function<void()>& inspect) {
    // Round-robin harts are all stopped whenever host I/O is served.
    const bool threaded = !config.deterministic;
    if (threaded) pause_all();
    try {
        inspect();
    } catch (...) {
        if (threaded) resume_all();
        throw;
    }
    if (threaded) resume_all();
}

std::string Machine::hart_status() {
    std::string text = "\r\n";
    with_harts_paused([&] {
    for (const auto& hart : harts) {
        const HartState& s = hart->state;
        static constexpr const char* kPrivilege[] = {"U", "S", "?", "M"};
        char line[200];
        std::snprintf(line, sizeof line,
                      "hart %d: %s-mode pc=0x%016llx mip=0x%llx mie=0x%llx minstret=%llu%s\r\n", hart->id(),
                      kPrivilege[static_cast<unsigned>(s.priv) & 3], static_cast<unsigned long long>(s.pc),
                      static_cast<unsigned long long>(s.csr.mip), static_cast<unsigned long long>(s.csr.mie),
                      static_cast<unsigned long long>(s.csr.minstret), s.wfi ? " (wfi)" : "");
        text += line;
        // The S-mode trap state: what a kernel stuck in a trap loop shows.
        std::snprintf(
            line, sizeof line,
            "  satp=0x%llx stvec=0x%llx sscratch=0x%llx scause=0x%llx sepc=0x%llx stval=0x%llx\r\n",
            static_cast<unsigned long long>(s.csr.satp), static_cast<unsigned long long>(s.csr.stvec),
            static_cast<unsigned long long>(s.csr.sscratch), static_cast<unsigned long long>(s.csr.scause),
            static_cast<unsigned long long>(s.csr.sepc), static_cast<unsigned long long>(s.csr.stval));
        text += line;
    }
    });
    return text;
}

// Timer deadlines (mtime ticks) that can end this hart's WFI: only timers
// enabled in mie count (a past, masked one would mean no sleep, ever).
uint64_t Machine::next_timer_deadline(const Hart& hart) const {
    const CsrState& csr = hart.state.csr;
    const uint64_t now = clock.mtime();
    uint64_t deadline = ~0ull;
    auto consider = [&](uint64_t when) {
        if (when > now) deadline = std::min(deadline, when);
    };
    if (csr.mie & kMTIP) consider(clint.mtimecmp(static_cast<unsigned>(csr.mhartid)));
    if ((csr.menvcfg & kSTCE) && (csr.mie & kSTIP)) consider(csr.stimecmp);
    return deadline;
}

void Machine::sleep_until_interrupt() {
    // Every hart waits in WFI: sleep until the nearest timer deadline, but never
    // long, so console input and exits stay responsive.
    const uint64_t now = clock.mtime();
    uint64_t deadline = ~0ull;
    for (auto& hart : harts)
        deadline = std::min(deadline, next_timer_deadline(*hart));
    if (clock.deterministic() && deadline != ~0ull) {
        // No host time passes in a deterministic run: jump to the deadline.
        clock.advance(deadline > now ? deadline - now : 0);
        return;
    }
    const uint64_t ticks =
        deadline > now ? std::min<uint64_t>(deadline - now, MachineClock::kFrequencyHz / 1000) : 0;
    std::this_thread::sleep_for(std::chrono::nanoseconds(ticks * 100));
}

bool Machine::waiting_for_interrupt(const Hart& hart) const {
    return hart.state.wfi && !(hart.state.csr.mip & hart.state.csr.mie);
}

// Everything other threads asked of the hart since it last looked, on its own thread.
void Machine::serve_attention(Hart& hart) {
    if (hart.control.attention()) {
        CodeCache& cache = *code_caches[hart.id()];
        for (const HartControl::PagePost& post : hart.control.take_pages())
            if (post.event == HartControl::PageEvent::Flagged)
                hart.tlb.flush_physical(post.page);
            else
                cache.invalidate_page(post.page);
        // Harts on threads park one by one; the round-robin loop parks once all are held, and
        // otherwise skips the held ones (the debugger steps another).
        park_if_held(config.deterministic ? kNoHart : hart.id());
    }
    update_interrupt_lines(hart);
}

uint64_t Machine::slice_budget() {
    const uint64_t slice = config.deterministic ? kSliceInstructions : kThreadedSliceInstructions;
    if (!config.max_instructions) return slice;
    const uint64_t taken = steps_taken();
    if (taken >= config.max_instructions) {
        request_exit(124);
        return 0;
    }
    return std::min(slice, config.max_instructions - taken);
}

void Machine::run_turn(Hart& hart, Turn& turn) {
    while (turn.left > 0 && !exit_requested()) {
        if (turn.engine_left == 0) {
            serve_attention(hart);
            if (held(hart.id()) || waiting_for_interrupt(hart)) break;
            turn.engine_left = turn.left;
        }
        const uint64_t start = hart.steps;
        const bool cut = run_engine(hart, turn.engine_left);
        const uint64_t done = std::min(hart.steps - start, turn.left);
        turn.left -= done;
        // An engine call cut by the at_steps event goes on as if uncut; any other has ended.
        turn.engine_left = cut ? turn.engine_left - std::min(done, turn.engine_left) : 0;
        // Fired with the turn up to date: a savestate taken here records where the turn stands.
        if (cut) std::exchange(event_, nullptr)();
    }
    turn = {};
}

bool Machine::run_engine(Hart& hart, uint64_t budget) {
    const bool event = static_cast<bool>(event_);
    if (event) budget = std::min(budget, event_steps_ > steps_taken() ? event_steps_ - steps_taken() : 0);
    if (budget > 0) {
        const uint64_t retired = debugging()        ? run_debug(hart, budget)
                                 : jits.empty()     ? interpret(hart, budget)
                                                    : jits[hart.id()]->run(hart, budget);
        instructions_retired.fetch_add(retired, std::memory_order_relaxed);
        hart.control.publish_steps(hart.steps);
    }
    return event && steps_taken() >= event_steps_;
}

void Machine::at_steps(uint64_t steps, std::function<void()> event) {
    event_steps_ = steps;
    event_ = std::move(event);
}

void Machine::run_round_robin() {
    while (!exit_requested()) {
        if (!std::exchange(resumed_, false)) {
            position_ = {};
            serve_host_io();
            park_if_held(kNoHart);
        }
        for (; position_.hart < harts.size() && !exit_requested(); ++position_.hart) {
            Hart& hart = *harts[position_.hart];
            if (held(hart.id())) continue; // the debugger steps another hart
            if (!position_.in_turn) {
                serve_attention(hart);
                if (waiting_for_interrupt(hart)) continue;
                position_.all_waiting = false;
                position_.in_turn = true;
                position_.turn = {slice_budget(), 0};
            }
            run_turn(hart, position_.turn);
            position_.in_turn = false;
        }
        if (config.max_instructions) slice_budget(); // requests the exit once the budget is spent
        if (position_.all_waiting && !exit_requested()) sleep_until_interrupt();
    }
}

void Machine::hart_thread(Hart& hart) {
    hart.on_own_thread = true;
    try {
        while (!exit_requested()) {
            serve_attention(hart);
            if (exit_requested()) break;
            if (waiting_for_interrupt(hart)) {
                hart.sleep_until(clock.host_time_of(next_timer_deadline(hart)));
                continue;
            }
            Turn turn{slice_budget(), 0};
            run_turn(hart, turn);
        }
    } catch (...) {
        std::lock_guard lock(pause_mutex_);
        if (!hart_failure_) hart_failure_ = std::current_exception();
    }
    if (!exit_requested()) request_exit(1);
    std::lock_guard lock(pause_mutex_);
    --loops_running_;
    pause_changed_.notify_all();
}

void Machine::run_threaded() {
    {
        std::lock_guard lock(pause_mutex_);
        loops_running_ = static_cast<unsigned>(harts.size());
    }
    bus.reservations.set_concurrent(harts.size() > 1);
    std::vector<std::thread> threads;
    for (auto& hart : harts)
        threads.emplace_back([this, h = hart.get()] { hart_thread(*h); });
    // This thread serves the console, the RTC's alarm and exits while the harts run.
    while (!exit_requested()) {
        serve_host_io();
        wait_for_host_io();
    }
    for (auto& thread : threads)
        thread.join();
    bus.reservations.set_concurrent(false);
}

bool Machine::held(int hart) const {
    if (pause_requested_.load(std::memory_order_acquire)) return true;
    if (!debug_stopped_.load(std::memory_order_acquire)) return false;
    const int step = step_hart_.load(std::memory_order_acquire);
    return hart == kNoHart ? step == kNoHart : step != hart;
}

void Machine::park_if_held(int hart) {
    if (!held(hart)) return;
    std::unique_lock lock(pause_mutex_);
    ++loops_parked_;
    pause_changed_.notify_all();
    pause_changed_.wait(lock, [this, hart] { return !held(hart) || exit_requested(); });
    --loops_parked_;
}

void Machine::pause_all() {
    pauser_mutex_.lock();
    std::unique_lock lock(pause_mutex_);
    pause_requested_.store(true);
    kick_all();
    pause_changed_.wait(lock, [this] { return loops_parked_ == loops_running_; });
}

void Machine::resume_all() {
    {
        std::lock_guard lock(pause_mutex_);
        pause_requested_.store(false);
    }
    pause_changed_.notify_all();
    pauser_mutex_.unlock();
}

void Machine::serialize(StateArchive& archive) {
    uint64_t mtime = clock.mtime();
    archive("mtime", mtime);
    if (archive.loading()) clock.set_mtime(mtime);

    RoundRobinPosition& p = position_;
    archive("rr_hart", p.hart);
    archive("rr_in_turn", p.in_turn);
    archive("rr_all_waiting", p.all_waiting);
    archive("rr_turn_left", p.turn.left);
    archive("rr_engine_left", p.turn.engine_left);
    archive.require(p.hart < harts.size() || (p.hart == harts.size() && !p.in_turn), "rr_hart",
                    "= " + std::to_string(p.hart) + " is not a hart of this machine");
    archive.require(p.turn.left <= kSliceInstructions && p.turn.engine_left <= p.turn.left, "rr_turn_left",
                    "is more than a turn's budget");
    if (archive.loading()) resumed_ = true;

    // HTIF is what boot() attached for a -kernel ELF with tohost; it is rebuilt from its fields.
    bool has_htif = htif != nullptr;
    archive("htif", has_htif);
    if (!has_htif) return;
    uint64_t tohost = htif ? htif->tohost() : 0, fromhost = htif ? htif->fromhost().value_or(0) : 0;
    bool has_fromhost = htif && htif->fromhost();
    archive("htif_tohost", tohost);
    archive("htif_has_fromhost", has_fromhost);
    archive("htif_fromhost", fromhost);
    if (archive.loading()) {
        for (uint64_t address : {tohost, has_fromhost ? fromhost : tohost})
            archive.require(!(address & 7) && ram.contains(address, 8), "htif_tohost",
                            "or htif_fromhost is not an aligned RAM doubleword");
        if (htif) throw StateError("htif: loaded twice");
        attach_htif(tohost, has_fromhost ? std::optional(fromhost) : std::nullopt);
    }
    htif->serialize(archive);
}

void Machine::finish_load() {
    // Not the interrupt lines: each hart's mip is loaded as it was, and is recomputed at its next
    // serve_attention, exactly when the run that never stopped would have recomputed it.
    for (auto& hart : harts)
        hart->control.publish_steps(hart->steps);
}

int Machine::run() {
    if (config.deterministic) {
        {
            std::lock_guard lock(pause_mutex_);
            loops_running_ = 1;
        }
        run_round_robin();
        std::lock_guard lock(pause_mutex_);
        loops_running_ = 0;
        pause_changed_.notify_all();
    } else {
        run_threaded();
    }
    if (console_)
        console_->flush();
    else
        std::fflush(stdout);
    if (hart_failure_) std::rethrow_exception(hart_failure_);
    return exit_status_.load();
}

} // namespace tern
