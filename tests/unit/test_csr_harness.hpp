#pragma once
// A bare hart for the CSR and trap tests, and encoders for the instructions they run.
#include <cstdint>

#include "core/bus.hpp"
#include "core/clock.hpp"
#include "core/ram.hpp"
#include "cpu/code_cache.hpp"
#include "cpu/decoder.hpp"
#include "cpu/exec.hpp"
#include "cpu/hart.hpp"

namespace tern::test {

// Runs one instruction's semantics at hart.state.pc as the interpreter does
// (without the counter increments); true if it retired without a trap.
inline bool exec_insn(Hart& hart, uint32_t raw) {
    const DecodedInsn insn = decode32(raw);
    hart.next_pc = hart.state.pc + 4;
    exec_fn(insn.op)(hart, insn);
    const bool retired = !hart.trapped;
    hart.trapped = false;
    hart.state.pc = hart.next_pc;
    return retired;
}

struct TestHart {
    static constexpr uint64_t kRamBase = 0x8000'0000;
    Ram ram{kRamBase, 1 << 20};
    Bus bus{ram};
    CodeCache cache{bus};
    MachineClock clock;
    Hart hart{0, bus, cache, clock};

    TestHart() { hart.state.pc = kRamBase; }

    bool exec(uint32_t raw) { return exec_insn(hart, raw); }
    CsrState& csr() { return hart.state.csr; }
    // S and U accesses need a matching PMP entry (privileged spec 3.7.1): open all memory.
    void open_pmp() {
        csr().pmp.cfg[15] = 0x1f; // NAPOT, R, W, X
        csr().pmp.addr[15] = (1ull << 54) - 1;
    }
    uint64_t& x(unsigned i) { return hart.state.x[i]; }
    // Puts a TLB entry in place so a test can see whether something flushed it.
    void fill_tlb() { hart.tlb.load[0].tag = 0; }
    bool tlb_flushed() const { return hart.tlb.load[0].tag == TlbEntry::kInvalidTag; }
};

constexpr uint32_t csr_insn(unsigned funct3, unsigned rd, uint16_t csr, unsigned rs1) {
    return static_cast<uint32_t>(csr) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73;
}
constexpr uint32_t csrrw(unsigned rd, uint16_t csr, unsigned rs1) { return csr_insn(1, rd, csr, rs1); }
constexpr uint32_t csrrs(unsigned rd, uint16_t csr, unsigned rs1) { return csr_insn(2, rd, csr, rs1); }
constexpr uint32_t csrrc(unsigned rd, uint16_t csr, unsigned rs1) { return csr_insn(3, rd, csr, rs1); }
constexpr uint32_t csrrwi(unsigned rd, uint16_t csr, unsigned zimm) { return csr_insn(5, rd, csr, zimm); }
constexpr uint32_t csrrsi(unsigned rd, uint16_t csr, unsigned zimm) { return csr_insn(6, rd, csr, zimm); }
constexpr uint32_t csrrci(unsigned rd, uint16_t csr, unsigned zimm) { return csr_insn(7, rd, csr, zimm); }
constexpr uint32_t kMret = 0x30200073, kSret = 0x10200073, kWfi = 0x10500073;
constexpr uint32_t sfence_vma(unsigned rs1, unsigned rs2) { return 0x12000073 | rs2 << 20 | rs1 << 15; }

} // namespace tern::test
