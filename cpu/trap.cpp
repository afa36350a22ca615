// PLACEHOLDER: machine-mode-only trap entry until the privileged work lands.
#include "cpu/trap.hpp"

#include "cpu/hart.hpp"

namespace tern {

void take_exception(Hart& hart, Exception cause, uint64_t tval) {
    CsrState& csr = hart.state.csr;
    csr.mepc = hart.state.pc;
    csr.mcause = static_cast<uint64_t>(cause);
    csr.mtval = tval;
    hart.next_pc = csr.mtvec & ~3ull;
    hart.trapped = true;
}

bool take_pending_interrupt(Hart&) { return false; }

} // namespace tern
