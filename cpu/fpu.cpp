// F and D arithmetic on the host SSE unit with the guest rounding mode installed. x86 SSE agrees with RISC-V
// on the results and flags of +, -, ×, ÷, √, fma (double) and double→float in RNE/RTZ/RDN/RUP, including
// tininess after rounding (Intel SDM 4.9.1.5); what differs is fixed up here:
//  - NaN results are replaced by the canonical NaN (x86 propagates payloads);
//  - x86 has no round-to-nearest-ties-to-max-magnitude (RMM), and a single-precision fma computed in double
//    and rounded again is not correctly rounded. Both go through round-to-odd in a wider format (double for
//    binary32, x87 extended for binary64 RMM) and then one more rounding (by hand for RMM): rounding to odd
//    with at least two extra bits and then rounding once more gives the correctly rounded result in any mode
//    (Boldo & Melquiond, "When double rounding is odd");
//  - ∞×0+qNaN raises NV (the spec requires it; IEEE leaves it to the implementation);
//  - conversions to and from integers, min/max and comparisons are done by hand.
#include "cpu/fpu.hpp"

#include <bit>
#include <cfenv>
#include <cmath>
#include <math.h> // roundeven, roundevenf
#include <cstring>
#include <limits>
#include <tuple>
#include <xmmintrin.h>

namespace tern::fpu {

namespace {

template <class T> T value(Bits<T> b) { return std::bit_cast<T>(b); }
template <class T> Bits<T> canonical_bits(T v) {
    return std::isnan(v) ? kCanonicalNaN<T> : std::bit_cast<Bits<T>>(v);
}

// MXCSR and the x87 status word share the flag layout: IE, DE, ZE, OE, UE, PE in bits 0..5.
static_assert(FE_INVALID == 0x01 && FE_DIVBYZERO == 0x04 && FE_OVERFLOW == 0x08 && FE_UNDERFLOW == 0x10 &&
              FE_INEXACT == 0x20);
constexpr uint32_t to_fflags(uint32_t host) {
    // DE (an input was subnormal) has no RISC-V counterpart and is dropped.
    return ((host & 0x01) ? kNV : 0) | ((host & 0x04) ? kDZ : 0) | ((host & 0x08) ? kOF : 0) |
           ((host & 0x10) ? kUF : 0) | ((host & 0x20) ? kNX : 0);
}

constexpr uint32_t kMxcsrDefault = 0x1f80; // all exceptions masked, round to nearest, no FTZ/DAZ
constexpr uint32_t kMxcsrRoundingMask = 3u << 13;
constexpr uint32_t kMxcsrDenormalFlag = 0x02;
// x86 rounding control for RNE, RTZ, RDN, RUP.
constexpr uint32_t kMxcsrRoundingControl[4] = {0u << 13, 3u << 13, 1u << 13, 2u << 13};
constexpr uint32_t to_host_flags(uint32_t fflags) {
    return ((fflags & kNV) ? 0x01 : 0) | ((fflags & kDZ) ? 0x04 : 0) | ((fflags & kOF) ? 0x08 : 0) |
           ((fflags & kUF) ? 0x10 : 0) | ((fflags & kNX) ? 0x20 : 0);
}

// Installs a rounding mode on the SSE unit for one operation and collects its flags. The rounding mode is
// restored afterwards, so the rest of the emulator computes as usual. Writing MXCSR and then raising a flag
// again is slow, so host flags are left sticky and only cleared when they matter: a flag the guest has
// already accrued (`accrued`) cannot change fflags, so it may stay set (the caller passes 0 when it needs to
// know exactly, e.g. to mark FS dirty). In the common case (RNE, NX already accrued) MXCSR is only read.
class SseRounding {
  public:
    SseRounding(unsigned rm, uint32_t accrued)
        : mode_(kMxcsrDefault | kMxcsrRoundingControl[rm]),
          sticky_ok_(to_host_flags(accrued) | kMxcsrDenormalFlag) {
        const uint32_t csr = _mm_getcsr();
        if ((csr & ~sticky_ok_) != mode_) _mm_setcsr(mode_ | (csr & sticky_ok_));
    }
    uint32_t fflags() const {
        const uint32_t csr = _mm_getcsr();
        if (csr & kMxcsrRoundingMask) _mm_setcsr(csr & ~kMxcsrRoundingMask);
        return to_fflags(csr); // may include flags in `accrued`: ORing them again changes nothing
    }

  private:
    uint32_t mode_, sticky_ok_;
};
struct SseTowardZero : SseRounding {
    SseTowardZero() : SseRounding(kRTZ, 0) {} // round to odd needs the exact inexact flag
};

// The same for x87 extended precision (used only for binary64 RMM), through <cfenv>.
class X87TowardZero {
  public:
    X87TowardZero() {
        std::fegetenv(&saved_);
        std::fesetround(FE_TOWARDZERO);
        std::feclearexcept(FE_ALL_EXCEPT);
    }
    uint32_t fflags() {
        const int raised = std::fetestexcept(FE_ALL_EXCEPT);
        std::fesetenv(&saved_);
        return to_fflags(static_cast<uint32_t>(raised));
    }

  private:
    std::fenv_t saved_;
};

// GCC does not model the rounding mode or the flags as inputs/outputs of arithmetic, even with
// -frounding-math, so each operand and result is pinned inside the window where the mode is installed.
template <class V> inline void pin_one(V& v) {
    if constexpr (sizeof(V) <= 8)
        asm volatile("" : "+x"(v));
    else
        asm volatile("" : "+m"(v)::"memory");
}
template <class... V> inline void pin(V&... v) { (pin_one(v), ...); }

// --- Exact software rounding ---

// Rounds sign × sig × 2^exp (sig != 0, exact) to T in mode rm. RISC-V detects tininess after rounding: the
// result is tiny if rounding to T's precision with an unbounded exponent gives a magnitude below the smallest
// normal (spec, "Accrued exception flags"; IEEE 754-2008 7.5).
template <class T> Bits<T> round_pack(bool sign, int exp, uint64_t sig, unsigned rm, uint32_t& flags) {
    using B = Bits<T>;
    constexpr int P = kMantissaBits<T> + 1;                         // precision: 24 or 53
    constexpr int kEmin = std::numeric_limits<T>::min_exponent - 1; // -126 or -1022
    constexpr int kEmax = std::numeric_limits<T>::max_exponent - 1; // 127 or 1023
    const int msb = 63 - std::countl_zero(sig);
    const int e = exp + msb; // the value lies in [2^e, 2^(e+1))

    // Keeps sig >> shift, rounded in mode rm; reports inexactness.
    auto round_at = [&](int shift, bool& inexact) -> uint64_t {
        if (shift <= 0) {
            inexact = false;
            return sig << -shift;
        }
        const unsigned __int128 wide = sig;
        const int s = shift > 127 ? 127 : shift; // sig < 2^64, so beyond 127 nothing changes
        const uint64_t q = static_cast<uint64_t>(wide >> s);
        const unsigned __int128 rem = wide & ((static_cast<unsigned __int128>(1) << s) - 1);
        const unsigned __int128 half = static_cast<unsigned __int128>(1) << (s - 1);
        inexact = rem != 0;
        bool up = false;
        switch (rm) {
        case kRNE: up = rem > half || (rem == half && (q & 1)); break;
        case kRTZ: break;
        case kRDN: up = sign && inexact; break;
        case kRUP: up = !sign && inexact; break;
        default: up = rem >= half; break; // RMM: ties away from zero
        }
        return q + up;
    };

    bool inexact;
    const uint64_t unbounded = round_at(msb - (P - 1), inexact);
    const bool tiny = e + (unbounded >> P ? 1 : 0) < kEmin;

    const int shift = msb - (P - 1) + (e < kEmin ? kEmin - e : 0);
    const uint64_t q = round_at(shift, inexact);
    // q carries the hidden bit for normal results, so adding the exponent field minus one composes the
    // encoding (and a carry out of the significand bumps the exponent); subnormal results have an exponent
    // field of zero.
    const uint64_t composed =
        e > kEmax ? kInfBits<T> : (static_cast<uint64_t>((e < kEmin ? kEmin : e) - kEmin) << (P - 1)) + q;
    B result = static_cast<B>(composed);
    if (inexact) flags |= kNX;
    if (tiny && inexact) flags |= kUF;
    if (composed >= kInfBits<T>) {
        flags |= kOF | kNX;
        const bool to_inf = rm == kRNE || rm == kRMM || (rm == kRDN && sign) || (rm == kRUP && !sign);
        result = to_inf ? kInfBits<T> : kInfBits<T> - 1;
    }
    return sign ? (result | kSignBit<T>) : result;
}

// A finite nonzero double or x87 extended value as sign × sig × 2^exp.
struct Exact {
    bool sign;
    int exp;
    uint64_t sig;
};
Exact decompose(double w) {
    const uint64_t b = std::bit_cast<uint64_t>(w);
    const int field = static_cast<int>((b >> 52) & 0x7ff);
    const uint64_t frac = b & ((uint64_t{1} << 52) - 1);
    return {(b >> 63) != 0, (field ? field : 1) - 1075, field ? frac | (uint64_t{1} << 52) : frac};
}
Exact decompose(long double w) { // x87 extended: explicit 64-bit significand, 15-bit exponent, sign
    unsigned char bytes[sizeof(long double)];
    std::memcpy(bytes, &w, sizeof w);
    uint64_t sig;
    uint16_t sign_exp;
    std::memcpy(&sig, bytes, 8);
    std::memcpy(&sign_exp, bytes + 8, 2);
    const int field = sign_exp & 0x7fff;
    return {(sign_exp >> 15) != 0, (field ? field : 1) - 16383 - 63, sig};
}

// Rounds a wider value to T in any mode, by hand. NaNs become the canonical NaN (flags are the caller's).
template <class T, class W> Bits<T> narrow_exact(W w, unsigned rm, uint32_t& flags) {
    const Bits<T> sign = std::signbit(w) ? kSignBit<T> : 0;
    if (std::isnan(w)) return kCanonicalNaN<T>;
    if (std::isinf(w)) return sign | kInfBits<T>;
    if (w == 0) return sign;
    const Exact x = decompose(w);
    return round_pack<T>(x.sign, x.exp, x.sig, rm, flags);
}

// Sets the least significant bit of the significand: together with rounding toward zero this rounds to odd.
template <class W> W jam(W w) {
    unsigned char bytes[sizeof(W)];
    std::memcpy(bytes, &w, sizeof w);
    bytes[0] |= 1; // little-endian: byte 0 holds the lowest significand bits of double and x87 extended
    std::memcpy(&w, bytes, sizeof w);
    return w;
}

template <class T> using Wider = std::conditional_t<std::is_same_v<T, float>, double, long double>;

// --- The two evaluation paths ---

// f evaluated on the host in mode rm (RNE, RTZ, RDN or RUP: x86 has no RMM).
template <class T, class F, class... A> Bits<T> on_host(unsigned rm, uint32_t& flags, F f, A... args) {
    SseRounding env(rm, flags);
    pin(args...);
    T r = static_cast<T>(f(args...));
    pin(r);
    flags |= env.fflags();
    return canonical_bits(r);
}

// f evaluated in RMM: in a wider format rounded to odd, then rounded once to T by hand. The wider format has
// at least two more significand bits and enough exponent range that T's operands never overflow or underflow
// in it, so NV and DZ come from the wide step and OF, UF, NX from the final rounding (which is inexact
// whenever the wide step was, as its last bit is then set below T's precision). An exact zero gets the same
// sign in RTZ as in RMM.
template <class T, class F, class... A> Bits<T> rmm_via_round_to_odd(uint32_t& flags, F f, A... args) {
    using W = Wider<T>;
    using Env = std::conditional_t<std::is_same_v<W, double>, SseTowardZero, X87TowardZero>;
    Env env;
    pin(args...); // the conversions below raise NV for a signalling NaN: keep them inside the window
    auto wide = std::make_tuple(static_cast<W>(args)...);
    std::apply([](auto&... v) { pin(v...); }, wide);
    W w = std::apply(f, wide);
    pin(w);
    const uint32_t wide_flags = env.fflags();
    if (wide_flags & kNX) w = jam(w);
    flags |= wide_flags & (kNV | kDZ);
    return narrow_exact<T>(w, kRMM, flags);
}

template <class T, class F, class... A> Bits<T> rounded(unsigned rm, uint32_t& flags, F f, A... args) {
    if (rm == kRMM) [[unlikely]]
        return rmm_via_round_to_odd<T>(flags, f, args...);
    return on_host<T>(rm, flags, f, args...);
}

template <class T> bool is_inf(Bits<T> b) { return (b & ~kSignBit<T>) == kInfBits<T>; }
template <class T> bool is_zero(Bits<T> b) { return (b & ~kSignBit<T>) == 0; }

template <class T> T round_to_integral(T x, unsigned rm) {
    switch (rm) {
    case kRNE:
        // glibc's roundeven (C23; GNU extension before), available to gcc and clang alike.
        if constexpr (std::is_same_v<T, float>)
            return ::roundevenf(x);
        else
            return ::roundeven(x);
    case kRTZ: return std::trunc(x);
    case kRDN: return std::floor(x);
    case kRUP: return std::ceil(x);
    default: return std::round(x); // RMM: halfway cases away from zero
    }
}

} // namespace

// --- Ieee<T> ---

template <class T> Bits<T> Ieee<T>::add(B a, B b, unsigned rm, uint32_t& flags) noexcept {
    return rounded<T>(
        rm, flags, [](auto x, auto y) { return x + y; }, value<T>(a), value<T>(b));
}
template <class T> Bits<T> Ieee<T>::sub(B a, B b, unsigned rm, uint32_t& flags) noexcept {
    return rounded<T>(
        rm, flags, [](auto x, auto y) { return x - y; }, value<T>(a), value<T>(b));
}
template <class T> Bits<T> Ieee<T>::mul(B a, B b, unsigned rm, uint32_t& flags) noexcept {
    return rounded<T>(
        rm, flags, [](auto x, auto y) { return x * y; }, value<T>(a), value<T>(b));
}
template <class T> Bits<T> Ieee<T>::div(B a, B b, unsigned rm, uint32_t& flags) noexcept {
    return rounded<T>(
        rm, flags, [](auto x, auto y) { return x / y; }, value<T>(a), value<T>(b));
}
template <class T> Bits<T> Ieee<T>::sqrt(B a, unsigned rm, uint32_t& flags) noexcept {
    return rounded<T>(
        rm, flags, [](auto x) { return std::sqrt(x); }, value<T>(a));
}
// binary32 fma. Rounding a double fma to float again can be off by one ulp, so the double result must be
// rounded to odd first; that is done without touching MXCSR (writing it is slow): a×b of two singles is exact
// in double, so a×b+c is a sum of two doubles, which TwoSum (Knuth; exact in RNE) gives exactly as r + e. The
// round-to-odd double is r, or its neighbour toward zero when e points that way, with the last bit set when
// e is not zero.
Bits<float> fma_single(float a, float b, float c, unsigned rm, uint32_t& flags) {
    double p, addend, r, e;
    {
        SseRounding host(kRNE, kFflagsMask); // normally only reads MXCSR; the flags are computed below
        pin(a, b, c);
        p = static_cast<double>(a) * static_cast<double>(b);
        addend = c;
        r = p + addend;
        const double bb = r - p;
        e = (p - (r - bb)) + (addend - bb);
        pin(r, e);
        host.fflags();
    }
    if (!std::isfinite(r)) { // an infinite or NaN operand (a finite sum cannot overflow in double)
        if (std::isnan(r)) {
            // Invalid (∞-∞, ∞×0) unless a quiet NaN operand made it NaN; a signalling NaN is always invalid.
            const uint32_t ab[3] = {std::bit_cast<uint32_t>(a), std::bit_cast<uint32_t>(b),
                                    std::bit_cast<uint32_t>(c)};
            const bool any_nan = is_nan<float>(ab[0]) || is_nan<float>(ab[1]) || is_nan<float>(ab[2]);
            if (!any_nan || is_snan<float>(ab[0]) || is_snan<float>(ab[1]) || is_snan<float>(ab[2]))
                flags |= kNV;
            return kCanonicalNaN<float>;
        }
        return std::signbit(r) ? kSignBit<float> | kInfBits<float> : kInfBits<float>;
    }
    auto sum = [](auto x, auto y) { return x + y; };
    // An exact zero's sign depends on the mode (IEEE 754 6.3: -0 in RDN, or from -0 + -0); RMM acts as RNE.
    if (r == 0) return on_host<float>(rm == kRMM ? kRNE : rm, flags, sum, p, addend);
    uint64_t odd = std::bit_cast<uint64_t>(r);
    if (e != 0) {
        if (std::signbit(e) != std::signbit(r)) odd -= 1; // r was rounded away from zero
        odd |= 1;
    }
    const double w = std::bit_cast<double>(odd);
    if (rm == kRMM) return narrow_exact<float>(w, rm, flags);
    return on_host<float>(
        rm, flags, [](double x) { return x; }, w);
}

template <class T> Bits<T> Ieee<T>::fma(B a, B b, B c, unsigned rm, uint32_t& flags) noexcept {
    // ∞×0 is invalid even when the addend is a quiet NaN (spec, FMADD description).
    if ((is_inf<T>(a) && is_zero<T>(b)) || (is_zero<T>(a) && is_inf<T>(b))) flags |= kNV;
    if constexpr (std::is_same_v<T, float>)
        return fma_single(value<T>(a), value<T>(b), value<T>(c), rm, flags);
    else
        return rounded<T>(
            rm, flags, [](auto x, auto y, auto z) { return std::fma(x, y, z); }, value<T>(a), value<T>(b),
            value<T>(c));
}

// minimumNumber/maximumNumber (spec, FMIN/FMAX): -0.0 < +0.0; a single NaN operand yields the other operand.
template <class T> static Bits<T> min_max(Bits<T> a, Bits<T> b, bool want_max, uint32_t& flags) {
    if (is_snan<T>(a) || is_snan<T>(b)) flags |= kNV;
    const bool a_nan = is_nan<T>(a), b_nan = is_nan<T>(b);
    if (a_nan && b_nan) return kCanonicalNaN<T>;
    if (a_nan) return b;
    if (b_nan) return a;
    const T x = value<T>(a), y = value<T>(b);
    const bool a_less = x < y || (x == y && (a & kSignBit<T>));
    return a_less != want_max ? a : b;
}
template <class T> Bits<T> Ieee<T>::min(B a, B b, uint32_t& flags) noexcept {
    return min_max<T>(a, b, false, flags);
}
template <class T> Bits<T> Ieee<T>::max(B a, B b, uint32_t& flags) noexcept {
    return min_max<T>(a, b, true, flags);
}

template <class T> bool Ieee<T>::eq(B a, B b, uint32_t& flags) noexcept {
    if (is_snan<T>(a) || is_snan<T>(b)) flags |= kNV;
    return value<T>(a) == value<T>(b);
}
template <class T> bool Ieee<T>::lt(B a, B b, uint32_t& flags) noexcept {
    if (is_nan<T>(a) || is_nan<T>(b)) flags |= kNV;
    return value<T>(a) < value<T>(b);
}
template <class T> bool Ieee<T>::le(B a, B b, uint32_t& flags) noexcept {
    if (is_nan<T>(a) || is_nan<T>(b)) flags |= kNV;
    return value<T>(a) <= value<T>(b);
}

template struct Ieee<float>;
template struct Ieee<double>;

// --- Integer conversions ---

template <class T, class I> I IntConvert<T, I>::to_int(Bits<T> a, unsigned rm, uint32_t& flags) noexcept {
    constexpr I kMin = std::numeric_limits<I>::min(), kMax = std::numeric_limits<I>::max();
    if (is_nan<T>(a)) { // spec table "Domains of float-to-integer conversions": NaN converts to the maximum
        flags |= kNV;
        return kMax;
    }
    const T x = value<T>(a);
    const T r = round_to_integral(x, rm);
    const T lo = static_cast<T>(kMin);                             // 0 or -2^(N-1): exact
    const T hi = std::ldexp(T{1}, std::numeric_limits<I>::digits); // kMax + 1: exact
    if (!(r >= lo && r < hi)) {
        flags |= kNV; // out of range after rounding: invalid, not inexact
        return x < 0 ? kMin : kMax;
    }
    if (r != x) flags |= kNX;
    return static_cast<I>(r);
}

template <class T, class I> Bits<T> IntConvert<T, I>::from_int(I v, unsigned rm, uint32_t& flags) noexcept {
    if (v == 0) return 0;
    bool negative = false;
    if constexpr (std::is_signed_v<I>) negative = v < 0;
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    return round_pack<T>(negative, 0, magnitude, rm, flags);
}

template struct IntConvert<float, int32_t>;
template struct IntConvert<float, uint32_t>;
template struct IntConvert<float, int64_t>;
template struct IntConvert<float, uint64_t>;
template struct IntConvert<double, int32_t>;
template struct IntConvert<double, uint32_t>;
template struct IntConvert<double, int64_t>;
template struct IntConvert<double, uint64_t>;

// --- Conversions between formats ---

uint32_t narrow(uint64_t a, unsigned rm, uint32_t& flags) noexcept {
    if (is_snan<double>(a)) flags |= kNV;
    return rounded<float>(
        rm, flags, [](auto x) { return x; }, value<double>(a));
}

uint64_t widen(uint32_t a, unsigned, uint32_t& flags) noexcept {
    if (is_nan<float>(a)) {
        if (is_snan<float>(a)) flags |= kNV;
        return kCanonicalNaN<double>;
    }
    return std::bit_cast<uint64_t>(static_cast<double>(value<float>(a))); // exact
}

} // namespace tern::fpu
