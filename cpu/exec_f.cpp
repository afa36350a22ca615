// F: single-precision floating point (unprivileged spec, chapter "F"). The arithmetic is in fpu.cpp, the
// register/flag handling shared with D in exec_fp.hpp.
#include "cpu/exec_fp.hpp"

namespace tern::exec {

namespace {
using S = fpu::Ieee<float>;
template <class I> using SI = fpu::IntConvert<float, I>;
} // namespace

SEMANTICS(flw) { fp::load<uint32_t>(hart, insn); }
SEMANTICS(fsw) { fp::store<uint32_t>(hart, insn); }
SEMANTICS(fmadd_s) { fp::fused(hart, insn, S::fma, false, false); }
SEMANTICS(fmsub_s) { fp::fused(hart, insn, S::fma, false, true); }
SEMANTICS(fnmsub_s) { fp::fused(hart, insn, S::fma, true, false); }
SEMANTICS(fnmadd_s) { fp::fused(hart, insn, S::fma, true, true); }
SEMANTICS(fadd_s) { fp::rounded(hart, insn, S::add); }
SEMANTICS(fsub_s) { fp::rounded(hart, insn, S::sub); }
SEMANTICS(fmul_s) { fp::rounded(hart, insn, S::mul); }
SEMANTICS(fdiv_s) { fp::rounded(hart, insn, S::div); }
SEMANTICS(fsqrt_s) { fp::rounded(hart, insn, S::sqrt); }
SEMANTICS(fsgnj_s) { fp::sign_inject(hart, insn, fpu::sgnj<float>); }
SEMANTICS(fsgnjn_s) { fp::sign_inject(hart, insn, fpu::sgnjn<float>); }
SEMANTICS(fsgnjx_s) { fp::sign_inject(hart, insn, fpu::sgnjx<float>); }
SEMANTICS(fmin_s) { fp::unrounded(hart, insn, S::min); }
SEMANTICS(fmax_s) { fp::unrounded(hart, insn, S::max); }
SEMANTICS(feq_s) { fp::compare(hart, insn, S::eq); }
SEMANTICS(flt_s) { fp::compare(hart, insn, S::lt); }
SEMANTICS(fle_s) { fp::compare(hart, insn, S::le); }
SEMANTICS(fclass_s) { fp::classify(hart, insn, fpu::classify<float>); }
SEMANTICS(fcvt_w_s) { fp::to_int(hart, insn, SI<int32_t>::to_int); }
SEMANTICS(fcvt_s_w) { fp::from_int(hart, insn, SI<int32_t>::from_int); }
SEMANTICS(fcvt_wu_s) { fp::to_int(hart, insn, SI<uint32_t>::to_int); }
SEMANTICS(fcvt_s_wu) { fp::from_int(hart, insn, SI<uint32_t>::from_int); }
SEMANTICS(fcvt_l_s) { fp::to_int(hart, insn, SI<int64_t>::to_int); }
SEMANTICS(fcvt_s_l) { fp::from_int(hart, insn, SI<int64_t>::from_int); }
SEMANTICS(fcvt_lu_s) { fp::to_int(hart, insn, SI<uint64_t>::to_int); }
SEMANTICS(fcvt_s_lu) { fp::from_int(hart, insn, SI<uint64_t>::from_int); }
SEMANTICS(fmv_x_w) { fp::move_to_x<uint32_t>(hart, insn); }
SEMANTICS(fmv_w_x) { fp::move_from_x<uint32_t>(hart, insn); }

} // namespace tern::exec
