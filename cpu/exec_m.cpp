// M: integer multiplication and division (unprivileged spec, chapter 13).
#include <limits>

#include "cpu/exec_helpers.hpp"

namespace tern::exec {

namespace {
using i128 = __int128;
using u128 = unsigned __int128;

// Division by zero and signed overflow do not trap (spec table 13.1).
template <class S> S div_signed(S a, S b) {
    if (b == 0) return -1;
    if (a == std::numeric_limits<S>::min() && b == -1) return a;
    return a / b;
}
template <class S> S rem_signed(S a, S b) {
    if (b == 0) return a;
    if (a == std::numeric_limits<S>::min() && b == -1) return 0;
    return a % b;
}
template <class U> U div_unsigned(U a, U b) { return b == 0 ? static_cast<U>(~U{0}) : a / b; }
template <class U> U rem_unsigned(U a, U b) { return b == 0 ? a : a % b; }
} // namespace

SEMANTICS(mul) { WRITE_RD(RS1 * RS2); }
SEMANTICS(mulh) { WRITE_RD(static_cast<uint64_t>((i128{as_signed(RS1)} * i128{as_signed(RS2)}) >> 64)); }
SEMANTICS(mulhsu) {
    WRITE_RD(static_cast<uint64_t>((i128{as_signed(RS1)} * static_cast<i128>(u128{RS2})) >> 64));
}
SEMANTICS(mulhu) { WRITE_RD(static_cast<uint64_t>((u128{RS1} * u128{RS2}) >> 64)); }
SEMANTICS(div) { WRITE_RD(div_signed(as_signed(RS1), as_signed(RS2))); }
SEMANTICS(divu) { WRITE_RD(div_unsigned(RS1, RS2)); }
SEMANTICS(rem) { WRITE_RD(rem_signed(as_signed(RS1), as_signed(RS2))); }
SEMANTICS(remu) { WRITE_RD(rem_unsigned(RS1, RS2)); }
SEMANTICS(mulw) { WRITE_RD(sext32(RS1 * RS2)); }
SEMANTICS(divw) { WRITE_RD(div_signed(static_cast<int32_t>(RS1), static_cast<int32_t>(RS2))); }
SEMANTICS(divuw) { WRITE_RD(sext32(div_unsigned(static_cast<uint32_t>(RS1), static_cast<uint32_t>(RS2)))); }
SEMANTICS(remw) { WRITE_RD(rem_signed(static_cast<int32_t>(RS1), static_cast<int32_t>(RS2))); }
SEMANTICS(remuw) { WRITE_RD(sext32(rem_unsigned(static_cast<uint32_t>(RS1), static_cast<uint32_t>(RS2)))); }

} // namespace tern::exec
