#pragma once
// Synchronous exceptions and interrupts (privileged spec, 3.1.15 and 3.1.9).
#include <cstdint>

namespace tern {

class Hart;

enum class Exception : uint8_t {
    InstructionAddressMisaligned = 0,
    InstructionAccessFault = 1,
    IllegalInstruction = 2,
    Breakpoint = 3,
    LoadAddressMisaligned = 4,
    LoadAccessFault = 5,
    StoreAddressMisaligned = 6,
    StoreAccessFault = 7,
    EcallFromU = 8,
    EcallFromS = 9,
    EcallFromM = 11,
    InstructionPageFault = 12,
    LoadPageFault = 13,
    StorePageFault = 15,
};

enum class Interrupt : uint8_t {
    SupervisorSoftware = 1,
    MachineSoftware = 3,
    SupervisorTimer = 5,
    MachineTimer = 7,
    SupervisorExternal = 9,
    MachineExternal = 11,
};

// Enters the trap handler for `cause`: updates the xepc/xcause/xtval/xstatus of
// the target privilege (after delegation) and sets hart.next_pc to the vector.
// The faulting instruction's PC is hart.state.pc.
void take_exception(Hart& hart, Exception cause, uint64_t tval);

// If an interrupt is pending, enabled and not masked by the current privilege,
// takes the highest-priority one (the PC becomes its vector) and returns true.
bool take_pending_interrupt(Hart& hart);
// Whether take_pending_interrupt would take one now (pending and enabled in mie
// is not enough: the current privilege may mask it).
bool interrupt_deliverable(const Hart& hart);

} // namespace tern
