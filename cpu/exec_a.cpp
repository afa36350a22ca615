// A: load-reserved/store-conditional and AMOs (unprivileged spec, chapter 14).
// AMOs are host atomic operations on guest RAM, ready for harts on threads.
#include <algorithm>

#include "cpu/exec_helpers.hpp"

namespace tern::exec {

namespace {
uint64_t paddr_of(Hart& hart, const uint8_t* host) { return hart.bus.ram().paddr(host); }

// Result register value: words are sign-extended (spec 14.4).
template <class T> uint64_t extend(T v) {
    if constexpr (sizeof(T) == 4)
        return sext32(v);
    else
        return v;
}

// LR and SC go through the bus's ReservationTable, which sees every hart's
// stores (core/reservations.hpp has the reasoning).
template <class T> void load_reserved(Hart& hart, const DecodedInsn& insn) {
    uint8_t* host = hart.atomic_pointer(RS1, sizeof(T), AccessType::Load);
    if (!host) return;
    const T value = hart.bus.reservations.load_reserved(hart.state.reservation, paddr_of(hart, host),
                                                        reinterpret_cast<const T*>(host));
    WRITE_RD(extend(value));
}

template <class T> void store_conditional(Hart& hart, const DecodedInsn& insn) {
    uint8_t* host = hart.atomic_pointer(RS1, sizeof(T), AccessType::Store);
    if (!host) return;
    const uint64_t paddr = paddr_of(hart, host);
    const bool success = hart.bus.reservations.store_conditional(hart.state.reservation, paddr,
                                                                 reinterpret_cast<T*>(host), static_cast<T>(RS2));
    if (success) hart.bus.notify_store(paddr, sizeof(T), hart.id());
    WRITE_RD(success ? 0 : 1);
}

// Applies `op(old, rs2)` atomically with a compare-and-swap loop (seq_cst:
// enough for every aq/rl combination). Like any store, it ends the
// reservations it overlaps.
template <class T, class F> void amo(Hart& hart, const DecodedInsn& insn, F op) {
    uint8_t* host = hart.atomic_pointer(RS1, sizeof(T), AccessType::Store);
    if (!host) return;
    T* p = reinterpret_cast<T*>(host);
    const T operand = static_cast<T>(RS2);
    const uint64_t paddr = paddr_of(hart, host);
    T old;
    hart.bus.reservations.store(&hart.store_window, paddr, sizeof(T), [&] {
        old = __atomic_load_n(p, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(p, &old, static_cast<T>(op(old, operand)), true, __ATOMIC_SEQ_CST,
                                            __ATOMIC_RELAXED)) {
        }
    });
    hart.bus.notify_store(paddr, sizeof(T), hart.id());
    WRITE_RD(extend(old));
}

template <class T> using S = std::make_signed_t<T>;
template <class T> T smin(T a, T b) { return static_cast<S<T>>(a) < static_cast<S<T>>(b) ? a : b; }
template <class T> T smax(T a, T b) { return static_cast<S<T>>(a) > static_cast<S<T>>(b) ? a : b; }
} // namespace

#define AMO_PAIR(name, expr)                                                                                 \
    SEMANTICS(name##_w) {                                                                                    \
        amo<uint32_t>(hart, insn, [](uint32_t a, uint32_t b) -> uint32_t { return expr; });                  \
    }                                                                                                        \
    SEMANTICS(name##_d) {                                                                                    \
        amo<uint64_t>(hart, insn, [](uint64_t a, uint64_t b) -> uint64_t { return expr; });                  \
    }

SEMANTICS(lr_w) { load_reserved<uint32_t>(hart, insn); }
SEMANTICS(lr_d) { load_reserved<uint64_t>(hart, insn); }
SEMANTICS(sc_w) { store_conditional<uint32_t>(hart, insn); }
SEMANTICS(sc_d) { store_conditional<uint64_t>(hart, insn); }
AMO_PAIR(amoswap, ((void)a, b))
AMO_PAIR(amoadd, a + b)
AMO_PAIR(amoxor, a ^ b)
AMO_PAIR(amoand, a& b)
AMO_PAIR(amoor, a | b)
AMO_PAIR(amomin, smin(a, b))
AMO_PAIR(amomax, smax(a, b))
AMO_PAIR(amominu, std::min(a, b))
AMO_PAIR(amomaxu, std::max(a, b))

} // namespace tern::exec
