#pragma once
// Guest integer registers kept in host registers across one block (see
// jit/README.md, "Guest registers in host registers"). The block's code is a
// straight line with side exits, so which guest register is loaded into its
// host register, and which host copy is newer than state.x[] (dirty), is known
// at every point of emission; the emitter writes dirty copies back before
// anything can observe state.x[]: an exit, a helper call, a trap.
#include <asmjit/x86.h>

#include <array>
#include <cstdint>

namespace tern::jit {

class RegisterCache {
  public:
    // Bit r set: guest register x[r].
    struct State {
        uint32_t loaded = 0; // the host register holds x[r]
        uint32_t dirty = 0;  // ... and state.x[r] does not yet
        // ... but only in its low half: x[r] is that word sign-extended (a
        // *W op's result, extended only where a 64-bit reader needs it).
        uint32_t narrow = 0;
    };

    // `state` holds the HartState*, `x` is the displacement of x[] from it.
    RegisterCache(asmjit::x86::Assembler& a, const asmjit::x86::Gp& state, int32_t x);

    // Gives the host registers to the `eligible` guest registers of highest
    // `weight`, ties to the lower number (x0 never: it reads its always-zero
    // memory slot). The same arguments give the same assignment.
    void allocate(const std::array<uint32_t, 32>& weight, uint32_t eligible);
    bool cached(unsigned r) const { return host_of_[r] >= 0; }
    // The guest registers that have a host register.
    uint32_t allocated() const;
    // Equal for two blocks exactly when they assign the same host registers
    // to the same guest registers.
    uint64_t assignment_key() const;

    // x[r] as an operand of `bits` (64, 32, 16, 8): its host register, loaded
    // at its first use (and sign-extended for a 64-bit read when narrow), or
    // its memory slot. Read every operand of an instruction before its code
    // branches, so both paths see the same state.
    asmjit::Operand read(unsigned r, unsigned bits = 64);
    // x[r] (r != 0) = a 64-bit register or a sign-extended 32-bit immediate.
    void write(unsigned r, const asmjit::x86::Gp& value);
    void write_imm(unsigned r, int32_t value);
    // The host register of a cached x[r] that the caller is about to set in
    // full (read the other operands first: x[r] may be one of them).
    asmjit::x86::Gp dest(unsigned r);
    // The caller has just set only the low word of dest(r) (see State::narrow).
    void set_narrow(unsigned r) { state_.narrow |= 1u << r; }

    const State& state() const { return state_; }
    // Sign-extends the host copies in `narrow` in place (the state is the
    // caller's: where code leaves the straight line with a saved State).
    void widen(uint32_t narrow);
    // Stores the host copies in `dirty` to state.x[] (widen narrow ones first).
    void store(uint32_t dirty);
    // widen and store for a saved state.
    void write_back(const State& s) {
        widen(s.narrow);
        store(s.dirty);
    }
    // Loads the host copies in `loaded` from state.x[].
    void reload(uint32_t loaded);
    // On the straight line: state.x[] becomes current, the copies stay loaded.
    void clean() {
        write_back(state_);
        state_.dirty = state_.narrow = 0;
    }
    // After code that may change state.x[] or the host registers (a helper):
    // nothing is loaded any more (clean() first).
    void forget() { state_ = {}; }
    // A block's warm entry (where blocks with the same assignment jump with
    // their registers): every cached register loaded, and possibly dirty.
    void enter_warm() { state_ = {allocated(), allocated()}; }

  private:
    asmjit::x86::Gp host(unsigned r) const;
    asmjit::x86::Mem slot(unsigned r, unsigned bits) const;

    asmjit::x86::Assembler& a_;
    asmjit::x86::Gp state_reg_;
    int32_t x_;
    std::array<int8_t, 32> host_of_; // index into the host register pool, or -1
    State state_;
};

} // namespace tern::jit
