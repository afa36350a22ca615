// Zicsr (unprivileged spec, chapter 7) and the privileged instructions: trap
// return, WFI and SFENCE.VMA (privileged spec 3.3.2, 3.3.3, 4.2.1).
#include <algorithm>
#include <chrono>

#include "cpu/csr_bits.hpp"
#include "cpu/csr_file.hpp"
#include "cpu/exec_helpers.hpp"

namespace tern::exec {

namespace {

using namespace csr_bits;

enum class CsrOp { Write, Set, Clear };

// One CSR instruction. csrrw with rd=x0 does not read the CSR; csrrs/csrrc
// with rs1=x0 (or zimm=0) do not write it, so reading a read-only CSR that way is legal.
void csr_instruction(Hart& hart, const DecodedInsn& insn, CsrOp op, uint64_t operand) {
    const auto addr = static_cast<uint16_t>(insn.imm);
    const bool reads = op != CsrOp::Write || insn.rd != 0;
    const bool writes = op == CsrOp::Write || insn.rs1 != 0;
    if (!csr_accessible(hart, addr, writes)) return hart.illegal_instruction(insn.raw);
    const uint64_t old = reads ? csr_read(hart, addr) : 0;
    if (writes) {
        const uint64_t base = op == CsrOp::Write ? 0 : csr_read_for_update(hart, addr);
        const uint64_t value = op == CsrOp::Write ? operand
                               : op == CsrOp::Set ? base | operand
                                                  : base & ~operand;
        csr_write(hart, addr, value);
    }
    if (reads) WRITE_RD(old);
}

// Privilege change on xRET: the TLB holds translations checked for one privilege.
// xRET may clear the LR reservation (privileged spec 3.3.2); doing so keeps a
// reservation left dangling by a trap from slowing every hart's stores.
void return_to(Hart& hart, Privilege priv, uint64_t pc) {
    hart.bus.reservations.clear(hart.state.reservation);
    if (priv != hart.state.priv) hart.tlb.flush();
    hart.state.priv = priv;
    hart.next_pc = pc;
    hart.wfi_spins = 0; // the code it returns to has not spun yet
}

} // namespace

SEMANTICS(csrrw) { csr_instruction(hart, insn, CsrOp::Write, RS1); }
SEMANTICS(csrrs) { csr_instruction(hart, insn, CsrOp::Set, RS1); }
SEMANTICS(csrrc) { csr_instruction(hart, insn, CsrOp::Clear, RS1); }
SEMANTICS(csrrwi) { csr_instruction(hart, insn, CsrOp::Write, insn.rs1); }
SEMANTICS(csrrsi) { csr_instruction(hart, insn, CsrOp::Set, insn.rs1); }
SEMANTICS(csrrci) { csr_instruction(hart, insn, CsrOp::Clear, insn.rs1); }

// MRET (3.3.2): privilege <- MPP, MIE <- MPIE, MPIE <- 1, MPP <- U; leaving M clears MPRV.
SEMANTICS(mret) {
    if (hart.state.priv != Privilege::Machine) return hart.illegal_instruction(insn.raw);
    CsrState& csr = hart.state.csr;
    const auto mpp = static_cast<Privilege>((csr.mstatus & kMPP) >> kMPPShift);
    uint64_t m = (csr.mstatus & ~(kMIE | kMPP)) | kMPIE;
    if (csr.mstatus & kMPIE) m |= kMIE;
    if (mpp != Privilege::Machine) m &= ~kMPRV;
    // MPRV and MPP take part in the translation of M-mode loads and stores.
    if ((m ^ csr.mstatus) & (kMPRV | kMPP) && (csr.mstatus & kMPRV)) hart.tlb.flush();
    csr.mstatus = m;
    return_to(hart, mpp, csr.mepc);
}

// SRET (3.3.2): legal in M, and in S unless mstatus.TSR=1 (3.1.6.5).
SEMANTICS(sret) {
    CsrState& csr = hart.state.csr;
    const Privilege priv = hart.state.priv;
    if (priv == Privilege::User || (priv == Privilege::Supervisor && (csr.mstatus & kTSR)))
        return hart.illegal_instruction(insn.raw);
    const Privilege spp = (csr.mstatus & kSPP) ? Privilege::Supervisor : Privilege::User;
    uint64_t s = (csr.mstatus & ~(kSIE | kSPP)) | kSPIE;
    if (csr.mstatus & kSPIE) s |= kSIE;
    // SRET never returns to M, so it always clears MPRV (3.1.6.3).
    if (s & kMPRV) hart.tlb.flush();
    csr.mstatus = s & ~kMPRV;
    return_to(hart, spp, csr.sepc);
}

namespace {

// A WFI that finds an interrupt pending in mip & mie resumes at once, even when
// the current privilege masks it. Code that loops on such a WFI polls memory
// (OpenSBI 1.1 waits for hart_start that way with the wake-up IPI of its cold
// boot still pending, for as long as the kernel boots): on its own host thread,
// the hart then sleeps a little each time, from 20 us doubling up to 1.28 ms, or
// until kicked (an IPI, a device line, a pause, an exit). Each such WFI still
// "resumes" (the spec sets no time bound), and the harts doing real work get the
// host cores. A trap (an interrupt taken) or an xRET ends the streak.
void back_off_spinning_wfi(Hart& hart) {
    constexpr unsigned kFreeSpins = 16, kMaxDoublings = 6;
    const unsigned streak = ++hart.wfi_spins;
    if (!hart.on_own_thread || streak <= kFreeSpins) return;
    const auto pause = std::chrono::microseconds(20 << std::min(streak - kFreeSpins - 1, kMaxDoublings));
    hart.sleep_until(std::chrono::steady_clock::now() + pause);
}

} // namespace

// WFI (3.3.3): illegal in U (S-mode exists), and below M when mstatus.TW=1
// (our time limit for completing is zero). Otherwise the hart sleeps until
// mip & mie != 0; the interpreter resumes at the next instruction.
SEMANTICS(wfi) {
    const Privilege priv = hart.state.priv;
    if (priv == Privilege::User || (priv != Privilege::Machine && (hart.state.csr.mstatus & kTW)))
        return hart.illegal_instruction(insn.raw);
    hart.state.wfi = true;
    if (hart.state.csr.mip & hart.state.csr.mie) back_off_spinning_wfi(hart);
}

// SFENCE.VMA (4.2.1): the TLB has no ASIDs or per-address flushes, so flush it all.
SEMANTICS(sfence_vma) {
    const Privilege priv = hart.state.priv;
    if (priv == Privilege::User || (priv == Privilege::Supervisor && (hart.state.csr.mstatus & kTVM)))
        return hart.illegal_instruction(insn.raw);
    hart.tlb.flush();
}

} // namespace tern::exec
