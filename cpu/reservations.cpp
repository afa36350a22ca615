#include "cpu/reservations.hpp"

#include <algorithm>

namespace tern {

void ReservationTable::attach(Reservation& reservation) {
    std::lock_guard guard(lock_);
    harts_.push_back(&reservation);
}

void ReservationTable::detach(Reservation& reservation) {
    std::lock_guard guard(lock_);
    if (reservation.valid) end(reservation);
    harts_.erase(std::remove(harts_.begin(), harts_.end(), &reservation), harts_.end());
}

void ReservationTable::break_overlapping(uint64_t paddr, uint64_t size) {
    for (Reservation* r : harts_) {
        const uint64_t granule = r->paddr & ~(kGranule - 1);
        if (r->valid && paddr < granule + kGranule && granule < paddr + size) end(*r);
    }
}

} // namespace tern
