// Zicsr and privileged instructions. PLACEHOLDER until the CSR work lands.
#include "cpu/exec_helpers.hpp"
namespace tern::exec {
SEMANTICS(csrrw) { hart.illegal_instruction(insn.raw); }
SEMANTICS(csrrs) { hart.illegal_instruction(insn.raw); }
SEMANTICS(csrrc) { hart.illegal_instruction(insn.raw); }
SEMANTICS(csrrwi) { hart.illegal_instruction(insn.raw); }
SEMANTICS(csrrsi) { hart.illegal_instruction(insn.raw); }
SEMANTICS(csrrci) { hart.illegal_instruction(insn.raw); }
SEMANTICS(sret) { hart.illegal_instruction(insn.raw); }
SEMANTICS(mret) { hart.illegal_instruction(insn.raw); }
SEMANTICS(wfi) { hart.illegal_instruction(insn.raw); }
SEMANTICS(sfence_vma) { hart.illegal_instruction(insn.raw); }
} // namespace tern::exec
