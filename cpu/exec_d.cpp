// D: double-precision semantics. PLACEHOLDER until the FP work lands: every op is illegal.
#include "cpu/exec_helpers.hpp"
namespace tern::exec {
SEMANTICS(fld) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsd) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmadd_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmsub_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fnmsub_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fnmadd_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fadd_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsub_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmul_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fdiv_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsqrt_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsgnj_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsgnjn_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fsgnjx_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmin_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmax_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(feq_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(flt_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fle_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fclass_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_w_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_d_w) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_wu_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_d_wu) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_l_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_d_l) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_lu_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_d_lu) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmv_x_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fmv_d_x) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_s_d) { hart.illegal_instruction(insn.raw); }
SEMANTICS(fcvt_d_s) { hart.illegal_instruction(insn.raw); }
} // namespace tern::exec
