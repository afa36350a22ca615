// The machine's debug interface (hw/machine.hpp): the one mechanism behind the GDB stub and the
// debugger window. The harts are held by the same parking as pause_all (Machine::held), so a
// stopped machine can be inspected and changed like a paused one.
#include <algorithm>
#include <utility>

#include "cpu/interpreter.hpp"
#include "hw/machine.hpp"

namespace tern {

uint64_t Machine::run_debug(Hart& hart, uint64_t budget) {
    const int id = hart.id();
    uint64_t retired = 0;
    for (uint64_t taken = 0; taken < budget && !exit_requested();) {
        if (hart.control.attention() || held(id)) break;
        const bool skip = skip_breakpoint_[static_cast<size_t>(id)] != 0;
        skip_breakpoint_[static_cast<size_t>(id)] = 0;
        if (!skip && breakpoints_.count(hart.state.pc)) {
            debug_report({DebugStop::Reason::Breakpoint, static_cast<unsigned>(id), hart.state.pc});
            break;
        }
        const bool was_waiting = hart.state.wfi;
        hart.watch_hit.reset();
        const uint64_t n = interpret_one(hart);
        if (n == 0 && was_waiting && hart.state.wfi) break; // still waiting for an interrupt: no step
        hart.steps += std::max<uint64_t>(1, n);
        taken += std::max<uint64_t>(1, n);
        retired += n;
        if (hart.watch_hit) {
            const WatchHit hit = *std::exchange(hart.watch_hit, std::nullopt);
            debug_report({DebugStop::Reason::Watchpoint, static_cast<unsigned>(id), hit.address, hit.write});
            break;
        }
        if (step_hart_.load(std::memory_order_acquire) == id && !run_alone_.load(std::memory_order_acquire)) {
            debug_report({DebugStop::Reason::Step, static_cast<unsigned>(id), hart.state.pc});
            break;
        }
        if (hart.state.wfi) break;
    }
    return retired;
}

void Machine::debug_report(const DebugStop& stop) {
    {
        std::lock_guard lock(pause_mutex_);
        if (!debug_stop_) {
            debug_stop_ = stop;
            resume_over_ = static_cast<int>(stop.hart);
        }
        step_hart_.store(kNoHart, std::memory_order_release);
        debug_stopped_.store(true, std::memory_order_release);
    }
    kick_all();
    pause_changed_.notify_all();
}

void Machine::debug_stop() {
    {
        std::lock_guard lock(pause_mutex_);
        debug_stopped_.store(true, std::memory_order_release);
        // A step still pending ends here: its hart may wait in WFI for an interrupt that never comes.
        step_hart_.store(kNoHart, std::memory_order_release);
    }
    kick_all();
    std::unique_lock lock(pause_mutex_);
    pause_changed_.wait(lock, [this] { return loops_parked_ == loops_running_ || exit_requested(); });
    if (!debug_stop_) {
        debug_stop_ = DebugStop{DebugStop::Reason::Interrupted};
        resume_over_ = kNoHart;
    }
}

void Machine::debug_continue() {
    {
        std::lock_guard lock(pause_mutex_);
        debug_stop_.reset();
        skip_reported_breakpoint();
        step_hart_.store(kNoHart, std::memory_order_release);
        debug_stopped_.store(false, std::memory_order_release);
    }
    pause_changed_.notify_all();
}

void Machine::skip_reported_breakpoint() {
    // The hart whose stop was reported executes its instruction first, even at a breakpoint, as GDB
    // expects of continue. Any other hart at a breakpoint has not reported it: it stops there.
    std::fill(skip_breakpoint_.begin(), skip_breakpoint_.end(), uint8_t{0});
    if (resume_over_ != kNoHart) skip_breakpoint_[static_cast<size_t>(resume_over_)] = 1;
}

void Machine::debug_continue_hart(unsigned hart) {
    {
        std::lock_guard lock(pause_mutex_);
        debug_stop_.reset();
        skip_reported_breakpoint();
        run_alone_.store(true, std::memory_order_release);
        debug_stopped_.store(true, std::memory_order_release);
        step_hart_.store(static_cast<int>(hart), std::memory_order_release);
    }
    harts[hart]->control.kick(); // out of a WFI sleep, into the debug loop
    pause_changed_.notify_all();
}

void Machine::debug_step(unsigned hart) {
    {
        std::lock_guard lock(pause_mutex_);
        debug_stop_.reset();
        run_alone_.store(false, std::memory_order_release);
        skip_breakpoint_[hart] = 1;
        debug_stopped_.store(true, std::memory_order_release);
        step_hart_.store(static_cast<int>(hart), std::memory_order_release);
    }
    harts[hart]->control.kick(); // out of a WFI sleep, into the debug loop
    pause_changed_.notify_all();
}

std::optional<DebugStop> Machine::debug_wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(pause_mutex_);
    const bool stopped = pause_changed_.wait_for(lock, timeout, [this] {
        return exit_requested() ||
               (debug_stop_ && debug_stopped_.load() && step_hart_.load() == kNoHart && loops_parked_ == loops_running_);
    });
    if (!stopped || !debug_stop_) return std::nullopt;
    return std::exchange(debug_stop_, std::nullopt);
}

template <class Change> auto Machine::change_debug_points(Change change) {
    // Held harts read none of this; running ones are paused for the change (no run loop yet: none to pause).
    pause_all();
    auto result = change();
    const bool any = !breakpoints_.empty() || !watchpoints_.empty();
    for (auto& hart : harts) {
        hart->watchpoints = watchpoints_.empty() ? nullptr : &watchpoints_;
        hart->tlb.flush(); // watched pages leave the fast path, unwatched ones may return
    }
    debug_points_.store(any, std::memory_order_release);
    resume_all();
    return result;
}

void Machine::add_breakpoint(uint64_t pc) {
    change_debug_points([&] { return breakpoints_.insert(pc).second; });
}

bool Machine::remove_breakpoint(uint64_t pc) {
    return change_debug_points([&] { return breakpoints_.erase(pc) != 0; });
}

bool Machine::add_watchpoint(const Watchpoint& watchpoint) {
    return change_debug_points([&] { return watchpoints_.add(watchpoint); });
}

bool Machine::remove_watchpoint(const Watchpoint& watchpoint) {
    return change_debug_points([&] { return watchpoints_.remove(watchpoint); });
}

} // namespace tern
