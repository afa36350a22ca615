#pragma once
// Architectural state of one hart as plain data: everything a savestate, the
// debugger or a lockstep comparison needs, and nothing that points elsewhere.
#include <array>
#include <cstdint>

#include "core/reservations.hpp"
#include "cpu/csr_state.hpp"

namespace tern {

enum class Privilege : uint8_t { User = 0, Supervisor = 1, Machine = 3 };

struct HartState {
    std::array<uint64_t, 32> x{}; // x[0] is kept zero by the interpreter after every write
    std::array<uint64_t, 32> f{}; // raw FP register bits; singles are NaN-boxed
    uint64_t pc = 0;
    Privilege priv = Privilege::Machine;
    CsrState csr;
    Reservation reservation;
    bool wfi = false; // stalled in WFI until an interrupt becomes pending
};

} // namespace tern
