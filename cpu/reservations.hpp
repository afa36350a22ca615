#pragma once
// LR/SC reservations of all harts, correct with every hart on its own host
// thread (unprivileged spec 14.2; RVWMO atomicity axiom, A.3.3).
//
// Each hart's reservation lives in its HartState; the table knows them all.
// A store by any hart, an AMO, an SC or a device's DMA write ends every
// reservation whose granule it overlaps, so an SC fails after another hart
// wrote the location between LR and SC, even with the value it held.
//
// Cost: `active` counts the valid reservations. While it is zero (no LR
// outstanding anywhere) a store is a relaxed load of `active` and a branch
// more than before; only while it is non-zero do stores take the lock.
//
// The window this leaves, and why the SC compares values: a store that read
// `active` as zero just before an LR bumped it is not seen by the LR, yet may
// land after the LR's load (on x86 a store waits in the store buffer while
// later loads go ahead). So the SC writes with a compare-and-swap that expects
// the value the LR loaded: a racing store that changed the value fails the SC.
// A racing store of the same value leaves no trace in the location, and it
// read the count before the LR's increment, so it can be ordered before the
// LR: the SC's success is then correct. What stays undetected, inside that
// window of a few host instructions (the store's check to its store leaving
// the store buffer): an A-B-A by two racing stores, and a same-value store
// that its hart orders after an earlier store (fence w,w) which the LR's hart
// has not seen yet. Closing it would cost a fence on every guest store.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "cpu/hart_state.hpp"

namespace tern {

// A test-and-test-and-set lock: the critical sections are a few instructions,
// shorter than a futex round trip. It yields when the holder seems descheduled
// (more harts than host cores).
class SpinLock {
  public:
    void lock() {
        for (unsigned spins = 0; held_.exchange(true, std::memory_order_acquire);)
            while (held_.load(std::memory_order_relaxed))
                if (++spins % 64 == 0) std::this_thread::yield();
                else pause();
    }
    void unlock() { held_.store(false, std::memory_order_release); }

  private:
    static void pause() {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    std::atomic<bool> held_{false};
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

    // Every hart registers its reservation once, before it runs.
    void attach(Reservation& reservation);
    void detach(Reservation& reservation);

    // True while some reservation is valid: a store must then go through store_breaking.
    bool any() const { return active_.load(std::memory_order_relaxed) != 0; }
    // The counter behind any(), for generated code that tests it inline.
    const std::atomic<uint32_t>& active() const { return active_; }

    // LR: reserves `paddr` and loads it (acquire; an x86 load is one anyway).
    template <class T> T load_reserved(Reservation& own, uint64_t paddr, const T* host) {
        std::lock_guard guard(lock_);
        // The count goes up before the load (seq_cst: a locked add), so any
        // store issued after our load is certain to see it and break us.
        if (!own.valid) active_.fetch_add(1, std::memory_order_seq_cst);
        const T value = __atomic_load_n(host, __ATOMIC_ACQUIRE);
        own.paddr = paddr;
        own.size = sizeof(T);
        own.value = value;
        __atomic_store_n(&own.valid, true, __ATOMIC_RELAXED);
        return value;
    }

    // SC: stores `value` if `own` still reserves exactly this word or
    // doubleword and nobody changed it since the LR; ends `own` either way
    // (every SC clears the reservation, 14.2). True on success.
    template <class T> bool store_conditional(Reservation& own, uint64_t paddr, T* host, T value) {
        std::lock_guard guard(lock_);
        const bool reserved = own.valid && own.paddr == paddr && own.size == sizeof(T);
        if (own.valid) end(own);
        if (!reserved) return false;
        T expected = static_cast<T>(own.value);
        if (!__atomic_compare_exchange_n(host, &expected, value, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            return false; // a store raced past our LR (see the top of this file)
        break_overlapping(paddr, sizeof(T));
        return true;
    }

    // Runs `write`, a store of `size` bytes at `paddr`: at once while no
    // reservation is valid, else through store_breaking.
    template <class F> void store(uint64_t paddr, uint64_t size, F&& write) {
        if (any()) [[unlikely]]
            store_breaking(paddr, size, write);
        else
            write();
    }

    // Ends every reservation (the storing hart's own included) overlapping
    // [paddr, paddr + size), then runs `write` under the same lock, so a store
    // and an SC to the same granule never interleave.
    template <class F> void store_breaking(uint64_t paddr, uint64_t size, F&& write) {
        std::lock_guard guard(lock_);
        break_overlapping(paddr, size);
        write();
    }

    // Drops `own` (xRET): allowed at any time, an SC may always fail.
    // Costs one load when there is nothing to drop.
    void clear(Reservation& own) {
        if (!__atomic_load_n(&own.valid, __ATOMIC_RELAXED)) return;
        std::lock_guard guard(lock_);
        if (own.valid) end(own);
    }

  private:
    // Both with the lock held.
    void break_overlapping(uint64_t paddr, uint64_t size);
    void end(Reservation& reservation) {
        __atomic_store_n(&reservation.valid, false, __ATOMIC_RELAXED);
        active_.fetch_sub(1, std::memory_order_relaxed);
    }

    SpinLock lock_;
    std::vector<Reservation*> harts_; // guarded by lock_
    std::atomic<uint32_t> active_{0};
};

} // namespace tern
