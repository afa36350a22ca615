#pragma once
// LR/SC reservations of all harts, correct with every hart on its own host
// thread (unprivileged spec 14.2; RVWMO atomicity axiom, A.3.3).
//
// Each hart's reservation lives in its HartState; the table knows them all.
// The table is part of the memory system (core/), below the harts (cpu/).
// A store by any hart, an AMO, an SC or a device's DMA write ends every
// reservation whose granule it overlaps, so an SC fails after another hart
// wrote the location between LR and SC, even with the value it held.
//
// Cost: `active` counts the valid reservations. While it is zero (no LR
// outstanding anywhere) a hart's store costs two byte stores, a relaxed load
// of `active` and a branch more than a plain store; only while it is non-zero
// do stores take the lock.
//
// Why that is enough, with no fence on the store path: a hart's store opens
// its StoreWindow, reads `active`, stores and closes the window. A store that
// read `active` as zero may still be in flight when an LR registers (on x86 a
// load overtakes an earlier store still in the store buffer). So an LR, after
// registering, makes every other thread of the process pass a full barrier
// (membarrier(2), core/process_barrier.hpp) and waits until no other hart's
// window is open, and only then loads. For each other hart, its barrier fell
// either before its read of `active`, which then saw the LR and takes the
// lock (ending the reservation), or after it, when its window-open store and
// everything before it had left the store buffer: the LR sees the window open
// and waits until the data store, which precedes the window-close store in
// x86's store order, is visible to the LR's load. Either way no store can land
// between the LR's load and its SC unnoticed, not even an A-B-A or a store of
// the same value. Stores with no window (devices' DMA, HTIF) always take the
// lock, which orders them against the LR's registration.
//
// The barrier interrupts every other thread of the process, which is most of
// the cost of LR in a 4-hart Linux boot, whose other harts mostly sleep in
// WFI. So an LR whose registration finds every other hart asleep skips it: a
// hart marks itself asleep (StoreWindow::awake, a release store after its
// last store) before sleeping and awake with an xchg after. The LR's
// registration is a locked RMW too, so of the two, one comes first in x86's
// total order of locked instructions: either the sleeper's wake-up, and the
// LR, whose load of `awake` follows its RMW, sees it awake and runs the
// barrier; or the registration, and the woken hart's later check of
// `active`, which follows its xchg, sees the LR and takes the lock.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "core/process_barrier.hpp"

namespace tern {

// An LR's reservation (14.2). Other harts end it from their threads:
// ReservationTable is the only code that touches it.
struct Reservation {
    bool valid = false;
    uint8_t size = 0;   // 4 (LR.W) or 8 (LR.D): an SC must match it
    uint64_t paddr = 0; // physical address of the LR's word/doubleword
};

// The host's spin-wait hint.
inline void cpu_pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// Waits while `busy()` holds, for waits of a few instructions: polls with the
// pause hint, and yields every 64 polls in case the thread waited for is
// descheduled (more harts than host cores).
template <class Busy> void spin_while(Busy busy) {
    for (unsigned spins = 0; busy();) {
        if (++spins % 64 == 0)
            std::this_thread::yield();
        else
            cpu_pause();
    }
}

// A test-and-test-and-set lock: the critical sections are a few instructions,
// shorter than a futex round trip.
class SpinLock {
  public:
    void lock() {
        while (held_.exchange(true, std::memory_order_acquire))
            spin_while([this] { return held_.load(std::memory_order_relaxed); });
    }
    void unlock() { held_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> held_{false};
};

// A hart's marks "between my check of `active` and the end of my store"
// (open) and "I may be storing at all" (awake: cleared while the hart sleeps
// in WFI). Only its hart writes them; an LR reads them (see the top of this
// file). A cache line of their own, so the owner's stores do not contend with
// other threads.
struct alignas(64) StoreWindow {
    std::atomic<uint8_t> open{0};
    std::atomic<uint8_t> awake{1};
    // Around a sleep: asleep, the hart makes no stores. Waking is a full
    // barrier (x86 xchg) before the hart's next check of `active`.
    void fall_asleep() { awake.store(0, std::memory_order_release); }
    void wake_up() { awake.exchange(1, std::memory_order_seq_cst); }
};

class ReservationTable {
  public:
    // The reservation set of an LR is the naturally aligned doubleword that
    // holds the accessed word or doubleword (14.2 allows any superset of the
    // accessed bytes): a store to either word of it ends the reservation.
    static constexpr uint64_t kGranule = 8;

    ReservationTable() = default;
    ReservationTable(const ReservationTable&) = delete;
    ReservationTable& operator=(const ReservationTable&) = delete;

    // Every hart registers its reservation and store window once, before any
    // hart runs, and detaches after all have stopped.
    void attach(int hart, Reservation& reservation, StoreWindow& window);
    void detach(int hart);

    // Whether harts run on several host threads: only then does an LR need
    // the process-wide barrier (set while no hart runs).
    void set_concurrent(bool concurrent);

    // True while some reservation is valid: a store must then go through store_breaking.
    bool any() const { return active_.load(std::memory_order_relaxed) != 0; }
    // How often an LR ran the process-wide barrier (for tests and measurements).
    uint64_t barriers_run() const { return barriers_run_.load(std::memory_order_relaxed); }
    // The counter behind any(), for generated code that tests it inline.
    const std::atomic<uint32_t>& active() const { return active_; }

    // The store window of hart `hart`, or nullptr for a device (AccessOrigin::hart -1).
    StoreWindow* window_of(int hart) const {
        return hart >= 0 && static_cast<size_t>(hart) < harts_.size() ? harts_[hart].window : nullptr;
    }

    // LR: reserves `paddr` and loads it (acquire; an x86 load is one anyway).
    template <class T> T load_reserved(Reservation& own, uint64_t paddr, const T* host) {
        bool fresh;
        {
            std::lock_guard guard(lock_);
            fresh = !own.valid;
            if (fresh) active_.fetch_add(1, std::memory_order_seq_cst);
            own.paddr = paddr;
            own.size = sizeof(T);
            __atomic_store_n(&own.valid, true, __ATOMIC_RELAXED);
        }
        // A reservation that stayed valid kept `active` non-zero since its own
        // LR waited: every store since then has taken the lock.
        if (fresh && concurrent_) wait_for_stores_in_flight(own);
        return __atomic_load_n(host, __ATOMIC_ACQUIRE);
    }

    // SC: stores `value` if `own` still reserves exactly this word or
    // doubleword; ends `own` either way (every SC clears the reservation,
    // 14.2). True on success. Every other store to the granule since the LR
    // ended the reservation under this lock (see the top of this file).
    template <class T> bool store_conditional(Reservation& own, uint64_t paddr, T* host, T value) {
        std::lock_guard guard(lock_);
        const bool reserved = own.valid && own.paddr == paddr && own.size == sizeof(T);
        if (!reserved) {
            if (own.valid) end(own);
            return false;
        }
        // Stores first, ends the reservations (our own too) after: until then
        // `active` stays non-zero, so no other store or AMO can take the fast
        // path and land unseen between our LR's load and this store.
        __atomic_store_n(host, value, __ATOMIC_SEQ_CST);
        break_overlapping(paddr, sizeof(T));
        return true;
    }

    // Runs `write`, a store of `size` bytes at `paddr` by the hart owning
    // `window` (nullptr: a device): at once while no reservation is valid,
    // else through store_breaking.
    template <class F> void store(StoreWindow* window, uint64_t paddr, uint64_t size, F&& write) {
        if (!window) return store_breaking(paddr, size, write);
        window->open.store(1, std::memory_order_relaxed);
        // Keeps the compiler from reading `active` before opening the window;
        // the hardware may, which the LR's barrier covers.
        std::atomic_signal_fence(std::memory_order_seq_cst);
        if (any()) [[unlikely]] {
            window->open.store(0, std::memory_order_relaxed);
            store_breaking(paddr, size, write);
            return;
        }
        write();
        window->open.store(0, std::memory_order_release);
    }

    // Ends every reservation (the storing hart's own included) overlapping
    // [paddr, paddr + size), then runs `write` under the same lock, so a store
    // and an SC to the same granule never interleave.
    template <class F> void store_breaking(uint64_t paddr, uint64_t size, F&& write) {
        std::lock_guard guard(lock_);
        break_overlapping(paddr, size);
        write();
    }

    // Savestate load, before any hart runs: `own` reserves [paddr, paddr + size) as an LR left it.
    void restore(Reservation& own, uint64_t paddr, uint8_t size) {
        std::lock_guard guard(lock_);
        if (!own.valid) active_.fetch_add(1, std::memory_order_relaxed);
        own = {true, size, paddr};
    }

    // Drops `own` (xRET): allowed at any time, an SC may always fail.
    // Costs one load when there is nothing to drop.
    void clear(Reservation& own) {
        if (!__atomic_load_n(&own.valid, __ATOMIC_RELAXED)) return;
        std::lock_guard guard(lock_);
        if (own.valid) end(own);
    }

  private:
    struct Participant {
        Reservation* reservation = nullptr;
        StoreWindow* window = nullptr;
    };

    // The LR's half of the protocol at the top of this file.
    void wait_for_stores_in_flight(const Reservation& own);

    // Both with the lock held.
    void break_overlapping(uint64_t paddr, uint64_t size);
    void end(Reservation& reservation) {
        __atomic_store_n(&reservation.valid, false, __ATOMIC_RELAXED);
        active_.fetch_sub(1, std::memory_order_relaxed);
    }

    SpinLock lock_;
    // Indexed by hart id; written only by attach/detach, while no hart runs.
    std::vector<Participant> harts_;
    std::atomic<uint32_t> active_{0};
    bool concurrent_ = false;
    bool warned_ = false;
    ProcessBarrier barrier_;
    std::atomic<uint64_t> barriers_run_{0};
};

} // namespace tern
