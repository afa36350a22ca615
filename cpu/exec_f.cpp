// F: single-precision semantics. PLACEHOLDER until the FP work lands: every op is illegal.
#include "cpu/exec_helpers.hpp"
namespace tern::exec {
SEMANTICS(flw) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsw) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmadd_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmsub_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fnmsub_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fnmadd_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fadd_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsub_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmul_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fdiv_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsqrt_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsgnj_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsgnjn_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsgnjx_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmin_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmax_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(feq_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(flt_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fle_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fclass_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_w_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_s_w) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_wu_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_s_wu) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_l_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_s_l) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_lu_s) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_s_lu) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmv_x_w) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmv_w_x) { hart.illegal_instruction(insn.raw); }
} // namespace tern::exec
