#include "core/reservations.hpp"

#include <cstdio>
#include <stdexcept>

namespace tern {

void ReservationTable::attach(int hart, Reservation& reservation, StoreWindow& window) {
    std::lock_guard guard(lock_);
    if (harts_.size() <= static_cast<size_t>(hart)) harts_.resize(hart + 1);
    if (harts_[hart].reservation) throw std::logic_error("two harts with one hart id on one bus");
    harts_[hart] = {&reservation, &window};
}

void ReservationTable::detach(int hart) {
    std::lock_guard guard(lock_);
    Participant& p = harts_.at(hart);
    if (p.reservation && p.reservation->valid) end(*p.reservation);
    p = {};
}

void ReservationTable::set_concurrent(bool concurrent) {
    if (concurrent && !barrier_.reaches_other_threads() && !warned_) {
        warned_ = true;
        std::fprintf(stderr, "tern: membarrier(2) is unavailable: with harts on threads an SC may succeed "
                             "after a racing store of another hart (--deterministic avoids it)\n");
    }
    concurrent_ = concurrent;
}

void ReservationTable::wait_for_stores_in_flight(const Reservation& own) {
    auto for_other_windows = [&](auto f) {
        for (const Participant& p : harts_)
            if (p.window && p.reservation != &own) f(*p.window);
    };
    bool any_awake = false;
    for_other_windows(
        [&](const StoreWindow& w) { any_awake |= w.awake.load(std::memory_order_seq_cst) != 0; });
    if (!any_awake) return; // every other hart asleep: none can be storing
    barrier_.run();
    barriers_run_.fetch_add(1, std::memory_order_relaxed);
    // A window closes a few instructions after it opened.
    for_other_windows([](const StoreWindow& w) {
        spin_while([&w] { return w.open.load(std::memory_order_acquire) != 0; });
    });
}

void ReservationTable::break_overlapping(uint64_t paddr, uint64_t size) {
    for (const Participant& p : harts_) {
        Reservation* r = p.reservation;
        if (!r) continue;
        const uint64_t granule = r->paddr & ~(kGranule - 1);
        if (r->valid && paddr < granule + kGranule && granule < paddr + size) end(*r);
    }
}

} // namespace tern
