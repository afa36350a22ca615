#pragma once
// What every F and D instruction does around its arithmetic: the mstatus.FS check, rounding-mode resolution,
// NaN-boxed register access, fflags accrual and FS dirtying. The format follows from the bit type of the
// operation passed in (uint32_t: binary32, NaN-boxed; uint64_t: binary64), so exec_f.cpp and exec_d.cpp
// share every line of this.
#include <type_traits>

#include "cpu/exec_helpers.hpp"
#include "cpu/fpu.hpp"

namespace tern::exec::fp {

using fpu::Bits;

// Every F/D instruction is illegal while mstatus.FS is Off.
inline bool enabled(Hart& hart, const DecodedInsn& insn) {
    if (fp_enabled(hart.state)) [[likely]]
        return true;
    hart.illegal_instruction(insn.raw);
    return false;
}

// The rm field, or frm when it says DYN; reserved modes (5, 6, or frm >= 5) are illegal (spec,
// "Floating-Point Control and Status Register"). Also checks FS, so a caller needs only this.
inline bool rounding_mode(Hart& hart, const DecodedInsn& insn, unsigned& rm) {
    if (!enabled(hart, insn)) return false;
    rm = insn.rm == fpu::kDYN ? (hart.state.csr.fcsr >> fpu::kFrmShift) & fpu::kFrmMask : insn.rm;
    if (rm <= fpu::kRMM) [[likely]]
        return true;
    hart.illegal_instruction(insn.raw);
    return false;
}

template <class B> B read(const HartState& s, unsigned r) {
    if constexpr (std::is_same_v<B, uint32_t>)
        return fpu::unbox(s.f[r]);
    else
        return s.f[r];
}
template <class B> void write(HartState& s, unsigned rd, B v) {
    if constexpr (std::is_same_v<B, uint32_t>)
        s.f[rd] = fpu::box(v);
    else
        s.f[rd] = v;
    mark_fs_dirty(s);
}
// Accrues an operation's flags. Operations start from the flags already accrued when FS is Dirty (letting the
// host skip work for flags that cannot change anything), and from zero otherwise, so that any flag raised is
// seen and marks FS Dirty.
inline uint32_t accrued(const HartState& s) {
    return (s.csr.mstatus & csr_bits::kFS) == csr_bits::kFSDirty ? s.csr.fcsr & fpu::kFflagsMask : 0;
}
inline void accrue(HartState& s, uint32_t before, uint32_t flags) {
    if (flags == before) [[likely]]
        return;
    s.csr.fcsr |= flags;
    mark_fs_dirty(s);
}

#define FP_READ(r) read<B>(hart.state, insn.r)

// fd = op(fs1, fs2) rounded (FADD, FSUB, FMUL, FDIV).
template <class B> void rounded(Hart& hart, const DecodedInsn& insn, B (*op)(B, B, unsigned, uint32_t&)) {
    unsigned rm;
    if (!rounding_mode(hart, insn, rm)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const B result = op(FP_READ(rs1), FP_READ(rs2), rm, flags);
    accrue(hart.state, before, flags);
    write<B>(hart.state, insn.rd, result);
}
// fd = op(fs1) rounded (FSQRT).
template <class B> void rounded(Hart& hart, const DecodedInsn& insn, B (*op)(B, unsigned, uint32_t&)) {
    unsigned rm;
    if (!rounding_mode(hart, insn, rm)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const B result = op(FP_READ(rs1), rm, flags);
    accrue(hart.state, before, flags);
    write<B>(hart.state, insn.rd, result);
}
// fd = (±fs1)×fs2 ± fs3 with one rounding; negating an input flips its sign bit exactly as the spec's
// formulas.
template <class B>
void fused(Hart& hart, const DecodedInsn& insn, B (*op)(B, B, B, unsigned, uint32_t&), bool negate_product,
           bool negate_addend) {
    constexpr B kSign = B{1} << (sizeof(B) * 8 - 1);
    unsigned rm;
    if (!rounding_mode(hart, insn, rm)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const B result = op(FP_READ(rs1) ^ (negate_product ? kSign : 0), FP_READ(rs2),
                        FP_READ(rs3) ^ (negate_addend ? kSign : 0), rm, flags);
    accrue(hart.state, before, flags);
    write<B>(hart.state, insn.rd, result);
}
// fd = op(fs1, fs2), not rounded (FMIN, FMAX).
template <class B> void unrounded(Hart& hart, const DecodedInsn& insn, B (*op)(B, B, uint32_t&)) {
    if (!enabled(hart, insn)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const B result = op(FP_READ(rs1), FP_READ(rs2), flags);
    accrue(hart.state, before, flags);
    write<B>(hart.state, insn.rd, result);
}
// fd = op(fs1, fs2), bits only (FSGNJ*).
template <class B> void sign_inject(Hart& hart, const DecodedInsn& insn, B (*op)(B, B)) {
    if (!enabled(hart, insn)) return;
    write<B>(hart.state, insn.rd, op(FP_READ(rs1), FP_READ(rs2)));
}
// xd = op(fs1, fs2) (FEQ, FLT, FLE).
template <class B> void compare(Hart& hart, const DecodedInsn& insn, bool (*op)(B, B, uint32_t&)) {
    if (!enabled(hart, insn)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const bool result = op(FP_READ(rs1), FP_READ(rs2), flags);
    accrue(hart.state, before, flags);
    WRITE_RD(result);
}
// xd = op(fs1) (FCLASS).
template <class B> void classify(Hart& hart, const DecodedInsn& insn, uint64_t (*op)(B)) {
    if (!enabled(hart, insn)) return;
    WRITE_RD(op(FP_READ(rs1)));
}
// xd = integer(fs1); 32-bit results are sign-extended, whatever their signedness (spec, FCVT.W[U]).
template <class B, class I>
void to_int(Hart& hart, const DecodedInsn& insn, I (*op)(B, unsigned, uint32_t&)) {
    unsigned rm;
    if (!rounding_mode(hart, insn, rm)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const I result = op(FP_READ(rs1), rm, flags);
    accrue(hart.state, before, flags);
    if constexpr (sizeof(I) == 4)
        WRITE_RD(sext32(static_cast<uint32_t>(result)));
    else
        WRITE_RD(result);
}
// fd = float(xs1), from the low 32 bits for the W forms.
template <class B, class I>
void from_int(Hart& hart, const DecodedInsn& insn, B (*op)(I, unsigned, uint32_t&)) {
    unsigned rm;
    if (!rounding_mode(hart, insn, rm)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const B result = op(static_cast<I>(RS1), rm, flags);
    accrue(hart.state, before, flags);
    write<B>(hart.state, insn.rd, result);
}
// FCVT.S.D and FCVT.D.S.
template <class To, class From>
void convert(Hart& hart, const DecodedInsn& insn, To (*op)(From, unsigned, uint32_t&)) {
    unsigned rm;
    if (!rounding_mode(hart, insn, rm)) return;
    const uint32_t before = accrued(hart.state);
    uint32_t flags = before;
    const To result = op(read<From>(hart.state, insn.rs1), rm, flags);
    accrue(hart.state, before, flags);
    write<To>(hart.state, insn.rd, result);
}

// FLW/FLD: a loaded single is NaN-boxed.
template <class B> void load(Hart& hart, const DecodedInsn& insn) {
    if (!enabled(hart, insn)) return;
    B v;
    if (hart.load<B>(RS1 + IMM, v)) write<B>(hart.state, insn.rd, v);
}
// FSW/FSD and FMV.X.*: the raw low bits move unchanged, boxed or not (spec, "NaN Boxing of Narrower Values").
template <class B> void store(Hart& hart, const DecodedInsn& insn) {
    if (!enabled(hart, insn)) return;
    hart.store<B>(RS1 + IMM, static_cast<B>(hart.state.f[insn.rs2]));
}
template <class B> void move_to_x(Hart& hart, const DecodedInsn& insn) {
    if (!enabled(hart, insn)) return;
    if constexpr (sizeof(B) == 4)
        WRITE_RD(sext32(hart.state.f[insn.rs1]));
    else
        WRITE_RD(hart.state.f[insn.rs1]);
}
template <class B> void move_from_x(Hart& hart, const DecodedInsn& insn) {
    if (!enabled(hart, insn)) return;
    write<B>(hart.state, insn.rd, static_cast<B>(RS1));
}

#undef FP_READ

} // namespace tern::exec::fp
