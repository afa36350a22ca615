#pragma once
// One hart: its architectural state plus the per-hart machinery (TLB) and the
// load/store/fetch paths that instruction semantics use. Memory accesses
// return false after having taken the trap, so semantics simply `return`.
#include <chrono>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "core/ram_access.hpp"
#include "core/state_archive.hpp"
#include "cpu/hart_control.hpp"
#include "cpu/hart_state.hpp"
#include "cpu/pmp_memo.hpp"
#include "cpu/tlb.hpp"
#include "cpu/watchpoints.hpp"

namespace tern {

class CodeCache;

class Hart {
  public:
    Hart(uint64_t hartid, Bus& bus, CodeCache& code_cache, MachineClock& clock);
    ~Hart();
    // The bus's reservation table keeps pointers to state.reservation and store_window.
    Hart(const Hart&) = delete;
    Hart& operator=(const Hart&) = delete;

    HartState state;
    Tlb tlb;
    Bus& bus;
    CodeCache& code_cache;
    MachineClock& clock;

    // Set to pc + length before each instruction; jumps, branches and traps change it.
    uint64_t next_pc = 0;
    // Set by take_exception/take_pending_interrupt; stops the current block.
    bool trapped = false;
    // Instructions attempted (retired or trapped): the engines' budget, and
    // the clock of a deterministic run.
    uint64_t steps = 0;
    // The only door other threads have to this hart (see hart_control.hpp).
    HartControl control;
    // Runs on a host thread of its own (not round-robin with other harts).
    bool on_own_thread = false;
    // Open while this hart's store is in flight (core/reservations.hpp).
    StoreWindow store_window;
    // Sleeps (in WFI) until `deadline` or a kick, marked asleep meanwhile, so
    // an LR on another hart need not wait for stores this one cannot make.
    void sleep_until(std::chrono::steady_clock::time_point deadline) {
        store_window.fall_asleep();
        control.sleep_until(deadline);
        store_window.wake_up();
    }
    // The last PMP decision (pmp.cpp); checked against the PMP registers on each use.
    mutable PmpMemo pmp_memo;
    // WFIs in a row that found an interrupt pending (exec_system.cpp); traps and xRETs reset it.
    unsigned wfi_spins = 0;
    // The debugger's watchpoints (shared by all harts, changed only while they are stopped), or
    // nullptr; the first access that hit one since the debug run loop last looked.
    const Watchpoints* watchpoints = nullptr;
    std::optional<WatchHit> watch_hit;

    template <class T> bool load(uint64_t vaddr, T& out) {
        static_assert(std::is_unsigned_v<T>);
        const TlbEntry& e = tlb.load[Tlb::index(vaddr)];
        if (e.tag == (vaddr >> Tlb::kPageBits)) [[likely]] { // a hit has a host page
            const uint8_t* host = e.host + (vaddr & (Tlb::kPageSize - 1));
            if (aligned(vaddr, sizeof(T))) [[likely]] {
                out = ram_access::load<T>(host);
                return true;
            }
            if (fits_in_page(vaddr, sizeof(T))) {
                out = static_cast<T>(ram_access::read(host, sizeof(T)));
                return true;
            }
        }
        uint64_t value;
        if (!access_slow(vaddr, sizeof(T), AccessType::Load, value)) return false;
        out = static_cast<T>(value);
        return true;
    }

    template <class T> bool store(uint64_t vaddr, T value) {
        static_assert(std::is_unsigned_v<T>);
        const TlbEntry& e = tlb.store[Tlb::index(vaddr)];
        if (e.tag == (vaddr >> Tlb::kPageBits)) [[likely]] { // a hit has a host page
            uint8_t* host = e.host + (vaddr & (Tlb::kPageSize - 1));
            if (!aligned(vaddr, sizeof(T))) [[unlikely]]
                return store_misaligned(vaddr, host, value);
            // While any LR reservation is outstanding, stores must end the ones they overlap.
            bus.reservations.store(&store_window, bus.ram().paddr(host), sizeof(T),
                                   [&] { ram_access::store<T>(host, value); });
            return true;
        }
        uint64_t v = value;
        return access_slow(vaddr, sizeof(T), AccessType::Store, v);
    }

    // Translates an aligned address for an atomic read-modify-write of `size`
    // bytes and returns its host pointer, or nullptr after taking the trap
    // (misaligned, page/access fault, or not RAM: AMOs need main memory here).
    uint8_t* atomic_pointer(uint64_t vaddr, unsigned size, AccessType type);

    // Fetches the (up to) 32 instruction bits at vaddr; false after a fetch trap.
    bool fetch(uint64_t vaddr, uint32_t& raw);

    void illegal_instruction(uint32_t raw);

    // The savestate fields: architectural state plus the step count (a deterministic run's clock).
    // A loaded value the hart could not hold is refused (StateError). Call between blocks only.
    void serialize(StateArchive& archive);

    // Writes x[rd], keeping x0 zero.
    void set_x(unsigned rd, uint64_t value) {
        state.x[rd] = value;
        state.x[0] = 0;
    }

    // Identifies this hart and instruction in guest-error entries.
    AccessOrigin origin() const { return {id(), state.pc}; }
    int id() const { return static_cast<int>(state.csr.mhartid); }

  private:
    // Records the access if it hits a watchpoint (fetches never do).
    void check_watch(uint64_t vaddr, uint64_t paddr, unsigned size, AccessType type) {
        if (watchpoints && type != AccessType::Fetch && !watch_hit)
            watch_hit = watchpoints->matches(vaddr, paddr, size, type == AccessType::Store);
    }
    static bool aligned(uint64_t vaddr, unsigned size) { return (vaddr & (size - 1)) == 0; }
    // A misaligned TLB-hit store.
    template <class T> [[gnu::noinline]] bool store_misaligned(uint64_t vaddr, uint8_t* host, T value) {
        if (!fits_in_page(vaddr, sizeof(T))) {
            uint64_t v = value;
            return access_slow(vaddr, sizeof(T), AccessType::Store, v);
        }
        bus.reservations.store(&store_window, bus.ram().paddr(host), sizeof(T),
                               [&] { ram_access::write(host, sizeof(T), value); });
        return true;
    }
    static bool fits_in_page(uint64_t vaddr, unsigned size) {
        return (vaddr & (Tlb::kPageSize - 1)) + size <= Tlb::kPageSize;
    }
    // Any access the fast path declined: TLB misses, MMIO, page-crossing and
    // misaligned accesses (emulated byte by byte), flagged pages.
    bool access_slow(uint64_t vaddr, unsigned size, AccessType type, uint64_t& value);
};

} // namespace tern
