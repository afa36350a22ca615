#pragma once
// The machine owns every piece of emulated state: RAM, the bus and its
// devices, the harts. There is no global mutable state outside it.
//
// Threads (docs/architecture.md, "Threads"): by default every hart runs on a
// host thread of its own and the thread that called run() serves host I/O;
// with --deterministic all harts take turns on the calling thread. A hart's
// state is touched only by its own thread, except while pause_all() holds it.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <chrono>
#include <exception>
#include <functional>
#include <unordered_set>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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
#include "jit/engine.hpp"

namespace tern {

// Why the harts stopped under the debugger.
struct DebugStop {
    enum class Reason : uint8_t { Interrupted, Breakpoint, Watchpoint, Step, Exited };
    Reason reason = Reason::Interrupted;
    unsigned hart = 0;
    uint64_t address = 0; // the breakpoint's pc, or the watched access's address
    bool write = false;   // a watchpoint hit by a store
    int exit_status = 0;  // Reason::Exited
};

class Console;
enum class ConsoleCommand;

class Machine {
  public:
    // Throws std::runtime_error with a one-line reason when the configuration cannot be built
    // (e.g. a disk image that cannot be opened). `backends`, when given, are the disks
    // (one per config.drives entry, a savestate's embedded disks) instead of opening the files.
    explicit Machine(const MachineConfig& config, std::vector<std::unique_ptr<BlockBackend>> backends = {});
    ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Runs the harts until something requests an exit; returns the exit status
    // (124 when --max-instructions ran out). Rethrows an error a hart thread hit.
    int run();

    // Called by devices (HTIF, the test device) and the host (console quit) to
    // end the run after the current block; from any thread. The first status wins.
    void request_exit(int status);
    bool exit_requested() const { return exit_status_.load(std::memory_order_acquire) != kRunning; }
    // The guest asked for a reset (sifive,test 0x7777): the caller builds and boots a fresh machine.
    bool reset_requested() const { return reset_requested_.load(); }

    // Stops every hart at an instruction boundary and returns once all have
    // stopped (at once if run() is not running). Until resume_all(), the caller
    // may read and write all machine state. For the debugger and savestates;
    // one pauser at a time, and never from a hart's own thread.
    void pause_all();
    void resume_all();

    // Runs `inspect` with every hart stopped at an instruction boundary: from the host I/O
    // thread of a threaded run (pause_all), or between turns of a round-robin one.
    void with_harts_paused(const std::function<void()>& inspect);

    // One line per hart (privilege, pc, minstret, WFI), taken while the harts are paused.
    std::string hart_status();

    // Console commands the machine does not serve itself (Ctrl-A s and l: savestates), run on
    // the host I/O thread outside the device lock; what they return is printed on the console.
    std::function<std::string(ConsoleCommand)> on_console_command;

    // ---- The debug interface: breakpoints, watchpoints, stopping and stepping (docs/architecture.md,
    // "Debugging"). One controlling thread (the GDB stub, the debugger window) calls these, never a
    // hart's own thread. While a breakpoint or watchpoint is set, or a hart steps, harts run one
    // instruction at a time through the interpreter's semantics, on either engine.

    // Every hart stops at an instruction boundary (before run(): they start stopped, as with -S).
    // Returns once all have; the stop (Interrupted, unless a hart stopped first) waits in debug_wait.
    void debug_stop();
    // Every hart runs on until a breakpoint, a watchpoint or the guest's exit stops them all.
    void debug_continue();
    // Only `hart` runs: one instruction, or the trap it takes; the others stay stopped.
    void debug_step(unsigned hart);
    // Only `hart` runs, until a breakpoint, a watchpoint or the guest's exit stops it; the others stay
    // stopped (GDB's vCont;c:N, which its software single-step on RISC-V sends with a breakpoint on the
    // next instruction).
    void debug_continue_hart(unsigned hart);
    // Waits until the harts have stopped (every run loop parked) or `timeout` passes; returns the
    // stop once, or nullopt. An exit is a stop too (Reason::Exited).
    std::optional<DebugStop> debug_wait(std::chrono::milliseconds timeout);
    bool debug_stopped() const { return debug_stopped_.load(std::memory_order_acquire); }
    // Execute breakpoints at a virtual pc (of any hart), and watchpoints; set and cleared with the
    // harts stopped or paused for it. remove_* return false when there was no such point.
    void add_breakpoint(uint64_t pc);
    bool remove_breakpoint(uint64_t pc);
    // For the controlling thread (the only one that changes them).
    bool has_breakpoint(uint64_t pc) const { return breakpoints_.count(pc) != 0; }
    const std::unordered_set<uint64_t>& breakpoints() const { return breakpoints_; }
    const std::vector<Watchpoint>& watchpoints() const { return watchpoints_.list(); }
    bool add_watchpoint(const Watchpoint& watchpoint);
    bool remove_watchpoint(const Watchpoint& watchpoint);

    // Deterministic runs: calls `event` once, when steps_taken() first reaches `steps` at a
    // block boundary (where --max-instructions would stop), with every hart between blocks.
    // The run goes on afterwards exactly as it would have without the event.
    void at_steps(uint64_t steps, std::function<void()> event);
    bool at_steps_pending() const { return static_cast<bool>(event_); }

    // The machine's own savestate fields: the clock, the round-robin position, HTIF.
    // Load after the harts (the deterministic clock counts their steps).
    void serialize(StateArchive& archive);
    // After a savestate load: every hart's published steps as loaded.
    void finish_load();

    // The host side of the serial console; without one, output goes to stdout.
    void attach_console(Console* console) { console_ = console; }

    // Watches tohost (and answers through fromhost) for a bare program that speaks HTIF.
    void attach_htif(uint64_t tohost, std::optional<uint64_t> fromhost);

    // Installs the reset vector ROM that starts every hart at the firmware.
    void install_boot_rom(uint64_t firmware_entry, uint64_t fdt_address, const FwDynamicInfo& info);

    // Mirrors the CLINT, PLIC and Sstc interrupt lines into mip (on the hart's own thread).
    void update_interrupt_lines(Hart& hart);
    void update_all_interrupt_lines();
    // Instructions attempted by all harts, retired or trapped (what --max-instructions limits).
    // Exact in a deterministic run; with threads, as of each hart's last slice.
    uint64_t steps_taken() const;

    // -d jit: the translation counters of all harts' engines, summed.
    void print_jit_stats(std::FILE* out) const;
    // -d out_asm: every engine lists its new translations to `out`.
    void set_jit_listing(std::FILE* out);

    const MachineConfig config;
    MachineClock clock;
    GuestErrorLog guest_errors;
    Ram ram;
    Bus bus;
    Clint clint;
    Plic plic;
    Uart16550 uart;
    SifiveTest test_device;
    GoldfishRtc rtc;
    std::vector<std::unique_ptr<VirtioBlk>> disks;
    std::vector<std::unique_ptr<VirtioMmio>> virtio; // all transports, in address order
    BootRom boot_rom{0, 0, {}}; // filled by install_boot_rom
    std::unique_ptr<Htif> htif; // only when the -kernel ELF defines tohost
    // Per hart, indexed by mhartid (each used only by that hart's thread);
    // declared in this order so engines go before the harts and caches they use.
    std::vector<std::unique_ptr<CodeCache>> code_caches;
    std::vector<std::unique_ptr<Hart>> harts;
    std::vector<std::unique_ptr<jit::Engine>> jits; // empty unless config.accel is Accel::Jit
    std::atomic<uint64_t> instructions_retired{0};

  private:
    static constexpr int kRunning = -1; // exit_status_ before any exit request

    // A hart's turn: up to `left` steps, served between engine calls; `engine_left` is
    // what is left of the engine call in progress (0: none), split only by at_steps events.
    struct Turn {
        uint64_t left = 0;
        uint64_t engine_left = 0;
    };
    // Where the round-robin scheduler stands, saved so that a resumed deterministic run
    // takes the same turns as one that never stopped.
    struct RoundRobinPosition {
        uint32_t hart = 0;       // whose turn it is
        bool in_turn = false;    // that turn has begun (else it starts with serve_attention)
        bool all_waiting = true; // every hart so far this round waited in WFI
        Turn turn;
    };

    void attach_virtio(std::vector<std::unique_ptr<BlockBackend>> backends);
    void kick_all();
    void serve_host_io();
    void run_round_robin();
    void run_threaded();
    void hart_thread(Hart& hart);
    // Runs `hart` for up to `budget` steps, serving kicks (mailbox, interrupt
    // lines, pauses) between blocks; stops early in WFI or on exit.
    void run_turn(Hart& hart, Turn& turn);
    // The debug run loop: one instruction at a time, checking breakpoints, watchpoints and steps.
    uint64_t run_debug(Hart& hart, uint64_t budget);
    bool debugging() const {
        return debug_points_.load(std::memory_order_acquire) || step_hart_.load(std::memory_order_acquire) != kNoHart;
    }
    // A hart stopped the machine: records why (the first stop wins) and holds every hart.
    void debug_report(const DebugStop& stop);
    // Runs `change` on the breakpoints and watchpoints with every hart held.
    template <class Change> auto change_debug_points(Change change);
    // One engine call of up to `budget` steps, cut short at the at_steps event; true when the
    // event is due (run_turn fires it).
    bool run_engine(Hart& hart, uint64_t budget);
    void serve_attention(Hart& hart);
    bool waiting_for_interrupt(const Hart& hart) const;
    uint64_t slice_budget();
    uint64_t next_timer_deadline(const Hart& hart) const;
    void sleep_until_interrupt();
    // Whether a run loop must stop: a pause, or the debugger holds the harts (all but `hart`,
    // the one it steps; kNoHart: the round-robin loop between turns).
    static constexpr int kNoHart = -1;
    bool held(int hart) const;
    void park_if_held(int hart);
    void console_write(uint8_t byte);
    // Wakes the host I/O thread (an exit, or console output to flush).
    void wake_host_io();
    void wait_for_host_io();

    Console* console_ = nullptr;
    RoundRobinPosition position_;
    bool resumed_ = false; // loaded from a savestate: the first round continues at position_
    uint64_t event_steps_ = 0;
    std::function<void()> event_;
    // The host I/O thread sleeps in poll() on stdin and this eventfd (threaded runs only).
    int io_wake_fd_ = -1; // set once in the constructor
    std::atomic<bool> io_wake_pending_{false};
    std::atomic<int> exit_status_{kRunning};
    std::atomic<bool> reset_requested_{false};
    std::exception_ptr hart_failure_; // the first exception a hart thread threw (guarded by pause_mutex_)

    // pause_all(): loops_running_ counts the run loops (hart threads, or the
    // one round-robin loop), loops_parked_ those stopped for the pauser.
    std::mutex pauser_mutex_;
    std::mutex pause_mutex_;
    std::condition_variable pause_changed_;
    std::atomic<bool> pause_requested_{false};
    unsigned loops_running_ = 0;
    unsigned loops_parked_ = 0;

    // The debug interface's state: written under pause_mutex_, read by the run loops.
    std::atomic<bool> debug_stopped_{false};
    std::atomic<int> step_hart_{kNoHart};
    std::atomic<bool> debug_points_{false}; // a breakpoint or watchpoint is set
    std::optional<DebugStop> debug_stop_;   // not yet taken by debug_wait
    std::unordered_set<uint64_t> breakpoints_;
    Watchpoints watchpoints_;
    // Per hart: its next instruction runs even at a breakpoint. Bytes, not vector<bool>'s shared bits:
    // each hart thread clears its own while the others clear theirs.
    std::vector<uint8_t> skip_breakpoint_;
    int resume_over_ = kNoHart; // the hart of the last reported breakpoint, watchpoint or step stop
    std::atomic<bool> run_alone_{false}; // step_hart_ runs on until a point stops it (debug_continue_hart)
    void skip_reported_breakpoint(); // under pause_mutex_: only resume_over_ runs past a breakpoint
};

} // namespace tern
