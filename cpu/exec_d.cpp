// D: double-precision floating point (unprivileged spec, chapter "D"). The arithmetic is in fpu.cpp, the
// register/flag handling shared with F in exec_fp.hpp.
#include "cpu/exec_fp.hpp"

namespace tern::exec {

namespace {
using D = fpu::Ieee<double>;
template <class I> using DI = fpu::IntConvert<double, I>;
} // namespace

SEMANTICS(fld) { fp::load<uint64_t>(hart, insn); }
SEMANTICS(fsd) { fp::store<uint64_t>(hart, insn); }
SEMANTICS(fmadd_d) { fp::fused(hart, insn, D::fma, false, false); }
SEMANTICS(fmsub_d) { fp::fused(hart, insn, D::fma, false, true); }
SEMANTICS(fnmsub_d) { fp::fused(hart, insn, D::fma, true, false); }
SEMANTICS(fnmadd_d) { fp::fused(hart, insn, D::fma, true, true); }
SEMANTICS(fadd_d) { fp::rounded(hart, insn, D::add); }
SEMANTICS(fsub_d) { fp::rounded(hart, insn, D::sub); }
SEMANTICS(fmul_d) { fp::rounded(hart, insn, D::mul); }
SEMANTICS(fdiv_d) { fp::rounded(hart, insn, D::div); }
SEMANTICS(fsqrt_d) { fp::rounded(hart, insn, D::sqrt); }
SEMANTICS(fsgnj_d) { fp::sign_inject(hart, insn, fpu::sgnj<double>); }
SEMANTICS(fsgnjn_d) { fp::sign_inject(hart, insn, fpu::sgnjn<double>); }
SEMANTICS(fsgnjx_d) { fp::sign_inject(hart, insn, fpu::sgnjx<double>); }
SEMANTICS(fmin_d) { fp::unrounded(hart, insn, D::min); }
SEMANTICS(fmax_d) { fp::unrounded(hart, insn, D::max); }
SEMANTICS(feq_d) { fp::compare(hart, insn, D::eq); }
SEMANTICS(flt_d) { fp::compare(hart, insn, D::lt); }
SEMANTICS(fle_d) { fp::compare(hart, insn, D::le); }
SEMANTICS(fclass_d) { fp::classify(hart, insn, fpu::classify<double>); }
SEMANTICS(fcvt_w_d) { fp::to_int(hart, insn, DI<int32_t>::to_int); }
SEMANTICS(fcvt_d_w) { fp::from_int(hart, insn, DI<int32_t>::from_int); }
SEMANTICS(fcvt_wu_d) { fp::to_int(hart, insn, DI<uint32_t>::to_int); }
SEMANTICS(fcvt_d_wu) { fp::from_int(hart, insn, DI<uint32_t>::from_int); }
SEMANTICS(fcvt_l_d) { fp::to_int(hart, insn, DI<int64_t>::to_int); }
SEMANTICS(fcvt_d_l) { fp::from_int(hart, insn, DI<int64_t>::from_int); }
SEMANTICS(fcvt_lu_d) { fp::to_int(hart, insn, DI<uint64_t>::to_int); }
SEMANTICS(fcvt_d_lu) { fp::from_int(hart, insn, DI<uint64_t>::from_int); }
SEMANTICS(fmv_x_d) { fp::move_to_x<uint64_t>(hart, insn); }
SEMANTICS(fmv_d_x) { fp::move_from_x<uint64_t>(hart, insn); }
SEMANTICS(fcvt_s_d) { fp::convert(hart, insn, fpu::narrow); }
SEMANTICS(fcvt_d_s) { fp::convert(hart, insn, fpu::widen); }

} // namespace tern::exec
