// Trap entry for exceptions and interrupts (privileged spec 3.1.6.1, 3.1.7-3.1.9,
// 3.1.14-3.1.16, 4.1.1): delegation, the x{epc,cause,tval} writes, the
// xIE/xPIE/xPP stack and the jump to xtvec.
#include "cpu/trap.hpp"

#include <array>

#include "cpu/csr_bits.hpp"
#include "cpu/hart.hpp"

namespace tern {

namespace {

using namespace csr_bits;

constexpr uint64_t kInterruptBit = 1ull << 63;

// Traps into `target` with the given xcause; `code` is the cause without bit 63.
void enter_trap(Hart& hart, Privilege target, bool interrupt, uint64_t code, uint64_t tval) {
    CsrState& csr = hart.state.csr;
    const Privilege from = hart.state.priv;
    const uint64_t cause = code | (interrupt ? kInterruptBit : 0);
    uint64_t tvec;
    if (target == Privilege::Supervisor) {
        csr.sepc = hart.state.pc;
        csr.scause = cause;
        csr.stval = tval;
        uint64_t s = csr.mstatus & ~(kSPIE | kSIE | kSPP);
        if (csr.mstatus & kSIE) s |= kSPIE;
        if (from == Privilege::Supervisor) s |= kSPP;
        csr.mstatus = s;
        tvec = csr.stvec;
    } else {
        csr.mepc = hart.state.pc;
        csr.mcause = cause;
        csr.mtval = tval;
        uint64_t m = csr.mstatus & ~(kMPIE | kMIE | kMPP);
        if (csr.mstatus & kMIE) m |= kMPIE;
        m |= static_cast<uint64_t>(from) << kMPPShift;
        // MPP is part of the effective privilege of loads and stores under MPRV.
        if ((m ^ csr.mstatus) & kMPP && (m & kMPRV)) hart.tlb.flush();
        csr.mstatus = m;
        tvec = csr.mtvec;
    }
    // The TLB holds translations checked for one privilege.
    if (target != from) hart.tlb.flush();
    hart.state.priv = target;
    // Vectored mode (MODE=1) sends interrupts to BASE + 4*cause; exceptions go to BASE.
    const uint64_t base = tvec & ~3ull;
    hart.next_pc = (interrupt && (tvec & 3) == 1) ? base + 4 * code : base;
    hart.trapped = true;
    hart.state.wfi = false;
    hart.wfi_spins = 0;
}

// Traps taken in S or U mode whose bit is set in medeleg/mideleg go to S (3.1.8);
// traps never move to a lower privilege, so those taken in M stay in M.
Privilege trap_target(const Hart& hart, uint64_t deleg, uint64_t code) {
    const bool delegated = (deleg >> code) & 1;
    return delegated && hart.state.priv != Privilege::Machine ? Privilege::Supervisor : Privilege::Machine;
}

// Decreasing priority for simultaneous interrupts (3.1.9).
constexpr std::array<Interrupt, 6> kInterruptPriority = {
    Interrupt::MachineExternal,    Interrupt::MachineSoftware,    Interrupt::MachineTimer,
    Interrupt::SupervisorExternal, Interrupt::SupervisorSoftware, Interrupt::SupervisorTimer,
};

// The highest-priority interrupt in `set`, or -1.
int highest(uint64_t set) {
    for (Interrupt i : kInterruptPriority)
        if (set & (1ull << static_cast<unsigned>(i))) return static_cast<int>(i);
    return -1;
}

} // namespace

void take_exception(Hart& hart, Exception cause, uint64_t tval) {
    const uint64_t code = static_cast<uint64_t>(cause);
    enter_trap(hart, trap_target(hart, hart.state.csr.medeleg, code), false, code, tval);
}

namespace {

// The interrupt take_pending_interrupt would take now, or code -1.
struct DeliverableInterrupt {
    int code = -1;
    Privilege target = Privilege::Machine;
};

DeliverableInterrupt deliverable_interrupt(const Hart& hart) {
    const CsrState& csr = hart.state.csr;
    const Privilege priv = hart.state.priv;
    const uint64_t pending = csr.mip & csr.mie;
    if (!pending) return {};
    // An interrupt for a privilege above the current one is always enabled;
    // one for the current privilege is enabled by xIE; lower ones never (3.1.6.1).
    const bool m_enabled = priv != Privilege::Machine || (csr.mstatus & kMIE);
    const bool s_enabled = priv == Privilege::User || (priv == Privilege::Supervisor && (csr.mstatus & kSIE));
    // Interrupts for M take precedence over those delegated to S.
    if (int code = m_enabled ? highest(pending & ~csr.mideleg) : -1; code >= 0) return {code, Privilege::Machine};
    if (s_enabled) return {highest(pending & csr.mideleg), Privilege::Supervisor};
    return {};
}

} // namespace

bool interrupt_deliverable(const Hart& hart) { return deliverable_interrupt(hart).code >= 0; }

bool take_pending_interrupt(Hart& hart) {
    const DeliverableInterrupt irq = deliverable_interrupt(hart);
    if (irq.code < 0) return false;
    enter_trap(hart, irq.target, true, static_cast<uint64_t>(irq.code), 0);
    return true;
}

} // namespace tern
