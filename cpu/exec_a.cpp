// A: load-reserved/store-conditional and AMOs (unprivileged spec, chapter 14).
// AMOs are host atomic operations on guest RAM, ready for harts on threads.
#include <algorithm>

#include "cpu/exec_helpers.hpp"

namespace tern::exec {

namespace {
template <class T> uint64_t paddr_of(Hart& hart, const uint8_t* host) {
    return hart.bus.ram().base() + static_cast<uint64_t>(host - hart.bus.ram().host(hart.bus.ram().base()));
}

// Result register value: words are sign-extended (spec 14.4).
template <class T> uint64_t extend(T v) {
    if constexpr (sizeof(T) == 4)
        return sext32(v);
    else
        return v;
}

template <class T> void load_reserved(Hart& hart, const DecodedInsn& insn) {
    uint8_t* host = hart.atomic_pointer(RS1, sizeof(T), AccessType::Load);
    if (!host) return;
    T value = __atomic_load_n(reinterpret_cast<T*>(host), __ATOMIC_ACQUIRE);
    hart.state.reservation = {true, paddr_of<T>(hart, host), value};
    WRITE_RD(extend(value));
}

template <class T> void store_conditional(Hart& hart, const DecodedInsn& insn) {
    uint8_t* host = hart.atomic_pointer(RS1, sizeof(T), AccessType::Store);
    if (!host) return;
    const uint64_t paddr = paddr_of<T>(hart, host);
    const bool success = hart.state.reservation.valid && hart.state.reservation.paddr == paddr;
    hart.state.reservation.valid = false; // every SC clears the reservation (spec 14.2)
    // Harts on other threads may have written the location since the LR: a
    // compare-and-swap against the LR's value keeps their store from being lost.
    // (Interim: a store of the same value is not noticed yet.)
    T expected = static_cast<T>(hart.state.reservation.value);
    const bool stored = success && __atomic_compare_exchange_n(reinterpret_cast<T*>(host), &expected, static_cast<T>(RS2), false,
                                                               __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    if (stored) hart.bus.notify_store(paddr, sizeof(T), hart.id());
    WRITE_RD(stored ? 0 : 1);
}

// Applies `op(old, rs2)` atomically with a compare-and-swap loop.
template <class T, class F> void amo(Hart& hart, const DecodedInsn& insn, F op) {
    uint8_t* host = hart.atomic_pointer(RS1, sizeof(T), AccessType::Store);
    if (!host) return;
    T* p = reinterpret_cast<T*>(host);
    const T operand = static_cast<T>(RS2);
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, static_cast<T>(op(old, operand)), true, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED)) {
    }
    hart.bus.notify_store(paddr_of<T>(hart, host), sizeof(T), hart.id());
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
