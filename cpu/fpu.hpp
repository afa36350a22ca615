#pragma once
// IEEE 754 arithmetic exactly as the F and D extensions define it (unprivileged spec, chapters "F" and "D"):
// five rounding modes, exactly accrued flags, canonical NaNs, NaN-boxing of singles. Values travel as raw
// bits (uint32_t for binary32, uint64_t for binary64), so callers never do host floating point themselves:
// every host FP operation lives in fpu.cpp, the one file compiled with -frounding-math.
#include <cstdint>
#include <type_traits>

#include "cpu/csr_bits.hpp"
#include "cpu/hart_state.hpp"

namespace tern {

// mstatus.FS (privileged spec, "Extension Context Status"): Off makes every F/D instruction illegal; any
// instruction that writes an f register or fflags makes it Dirty, which also sets the summary bit SD.
inline bool fp_enabled(const HartState& s) { return (s.csr.mstatus & csr_bits::kFS) != 0; }
inline void mark_fs_dirty(HartState& s) { s.csr.mstatus |= csr_bits::kFSDirty | csr_bits::kSD; }

namespace fpu {

// fcsr: frm in bits 7:5, fflags (accrued exceptions) in bits 4:0.
inline constexpr uint32_t kNX = 1, kUF = 2, kOF = 4, kDZ = 8, kNV = 16;
inline constexpr uint32_t kFflagsMask = 0x1f;
inline constexpr unsigned kFrmShift = 5;
inline constexpr uint32_t kFrmMask = 7;

// Rounding modes (the rm field and frm). 5 and 6 are reserved; 7 in rm selects frm.
inline constexpr unsigned kRNE = 0, kRTZ = 1, kRDN = 2, kRUP = 3, kRMM = 4, kDYN = 7;

// The bit pattern type of a format: uint32_t for float, uint64_t for double.
template <class T> using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;

template <class T> inline constexpr int kWidth = sizeof(T) * 8;
template <class T> inline constexpr int kMantissaBits = sizeof(T) == 4 ? 23 : 52; // stored fraction bits
template <class T> inline constexpr Bits<T> kSignBit = Bits<T>{1} << (kWidth<T> - 1);
template <class T>
inline constexpr Bits<T> kInfBits = (kSignBit<T> - 1) & ~((Bits<T>{1} << kMantissaBits<T>)-1);
template <class T> inline constexpr Bits<T> kQuietBit = Bits<T>{1} << (kMantissaBits<T> - 1);
template <class T> inline constexpr Bits<T> kMinNormalBits = Bits<T>{1} << kMantissaBits<T>;
// The canonical NaN: positive, quiet, zero payload (spec, "NaN Generation and Propagation").
template <class T> inline constexpr Bits<T> kCanonicalNaN = kInfBits<T> | kQuietBit<T>;

template <class T> constexpr bool is_nan(Bits<T> b) { return (b & ~kSignBit<T>) > kInfBits<T>; }
template <class T> constexpr bool is_snan(Bits<T> b) { return is_nan<T>(b) && !(b & kQuietBit<T>); }

// NaN-boxing (spec, "NaN Boxing of Narrower Values"): a single lives in the low half with the upper 32 bits
// all ones; reading one that is not properly boxed gives the canonical NaN.
constexpr uint64_t box(uint32_t single) { return 0xffffffff00000000ull | single; }
constexpr uint32_t unbox(uint64_t reg) {
    return (reg >> 32) == 0xffffffffu ? static_cast<uint32_t>(reg) : kCanonicalNaN<float>;
}

// Sign injection works on raw bits and never canonicalises a NaN.
template <class T> constexpr Bits<T> sgnj(Bits<T> a, Bits<T> b) {
    return (a & ~kSignBit<T>) | (b & kSignBit<T>);
}
template <class T> constexpr Bits<T> sgnjn(Bits<T> a, Bits<T> b) {
    return (a & ~kSignBit<T>) | (~b & kSignBit<T>);
}
template <class T> constexpr Bits<T> sgnjx(Bits<T> a, Bits<T> b) { return a ^ (b & kSignBit<T>); }

// FCLASS: one bit set out of ten (spec table "Format of result of FCLASS instruction").
template <class T> constexpr uint64_t classify(Bits<T> a) {
    const bool neg = (a & kSignBit<T>) != 0;
    const Bits<T> mag = a & ~kSignBit<T>;
    unsigned bit;
    if (mag == kInfBits<T>)
        bit = neg ? 0 : 7;
    else if (mag > kInfBits<T>)
        bit = is_snan<T>(a) ? 8 : 9;
    else if (mag == 0)
        bit = neg ? 3 : 4;
    else if (mag < kMinNormalBits<T>)
        bit = neg ? 2 : 5;
    else
        bit = neg ? 1 : 6;
    return uint64_t{1} << bit;
}

// The operations that round or compare. `rm` is a resolved mode (0..4). Raised flags are ORed into `flags`;
// its value on entry says which flags are already accrued, and those may or may not be reported again (pass 0
// to learn exactly which flags an operation raises).
template <class T> struct Ieee {
    using B = Bits<T>;
    static B add(B a, B b, unsigned rm, uint32_t& flags) noexcept;
    static B sub(B a, B b, unsigned rm, uint32_t& flags) noexcept;
    static B mul(B a, B b, unsigned rm, uint32_t& flags) noexcept;
    static B div(B a, B b, unsigned rm, uint32_t& flags) noexcept;
    static B sqrt(B a, unsigned rm, uint32_t& flags) noexcept;
    // a×b+c with a single rounding (FMADD; the other three negate a and/or c first).
    static B fma(B a, B b, B c, unsigned rm, uint32_t& flags) noexcept;
    static B min(B a, B b, uint32_t& flags) noexcept;
    static B max(B a, B b, uint32_t& flags) noexcept;
    static bool eq(B a, B b, uint32_t& flags) noexcept; // quiet: NV only for a signalling NaN
    static bool lt(B a, B b, uint32_t& flags) noexcept; // signalling: NV for any NaN
    static bool le(B a, B b, uint32_t& flags) noexcept;
};
extern template struct Ieee<float>;
extern template struct Ieee<double>;

// FCVT between a format and an integer type I (int32_t, uint32_t, int64_t, uint64_t).
template <class T, class I> struct IntConvert {
    // Rounds to an integer and saturates out of range (NaN gives the maximum), raising NV instead of NX then.
    static I to_int(Bits<T> a, unsigned rm, uint32_t& flags) noexcept;
    static Bits<T> from_int(I v, unsigned rm, uint32_t& flags) noexcept;
};
extern template struct IntConvert<float, int32_t>;
extern template struct IntConvert<float, uint32_t>;
extern template struct IntConvert<float, int64_t>;
extern template struct IntConvert<float, uint64_t>;
extern template struct IntConvert<double, int32_t>;
extern template struct IntConvert<double, uint32_t>;
extern template struct IntConvert<double, int64_t>;
extern template struct IntConvert<double, uint64_t>;

// FCVT.S.D rounds; FCVT.D.S is exact. Both canonicalise NaNs and raise NV for a signalling NaN.
uint32_t narrow(uint64_t a, unsigned rm, uint32_t& flags) noexcept;
uint64_t widen(uint32_t a, unsigned rm, uint32_t& flags) noexcept; // rm is unused: the result is exact

} // namespace fpu
} // namespace tern
