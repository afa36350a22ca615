#include "jit/lockstep.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "cpu/decoder.hpp"
#include "cpu/interpreter.hpp"

namespace tern::jit {

Sandbox::Sandbox(uint64_t ram_bytes) : ram(kRamBase, ram_bytes) {
    hart.state.pc = kRamBase;
    // Time from the hart's steps, so `time` reads agree when the engines count steps alike.
    clock.make_deterministic([this] { return hart.steps; });
    bus.on_page_flagged = [this](uint64_t paddr, int) { hart.tlb.flush_physical(paddr & ~(Tlb::kPageSize - 1)); };
}

void Sandbox::write_code(uint64_t paddr, const std::vector<uint32_t>& words) {
    for (uint32_t w : words) {
        bus.write(paddr, 4, w);
        paddr += 4;
    }
}

namespace {

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

// Every CsrState field by name; the static_assert makes a new field fail the
// build here until it is added to the comparison.
// clang-format off
#define TERN_CSR_FIELDS(X)                                                                                     \
    X(mstatus) X(misa) X(medeleg) X(mideleg) X(mie) X(mip) X(seip_software) X(seip_external) X(mtvec)          \
    X(mscratch) X(mepc) X(mcause) X(mtval) X(mcounteren) X(mcountinhibit) X(menvcfg) X(mhartid) X(stvec)       \
    X(sscratch) X(sepc) X(scause) X(stval) X(scounteren) X(senvcfg) X(satp) X(stimecmp) X(mcycle) X(minstret)  \
    X(fcsr)
// clang-format on
static_assert(sizeof(CsrState) == 28 * 8 + sizeof(PmpState), // 26 uint64_t, 2 bools, fcsr, padding
              "CsrState changed: update TERN_CSR_FIELDS in jit/lockstep.cpp");

// Appends "name[index]: jit V, interpreter V" when the values differ (index < 0: no index).
void diff_field(std::string& out, const char* name, int index, uint64_t jit, uint64_t ref) {
    if (jit == ref) return;
    out += name;
    if (index >= 0) out += std::to_string(index);
    out += ": jit " + hex(jit) + ", interpreter " + hex(ref) + "\n";
}

} // namespace

std::string diff_states(const HartState& jit, const HartState& ref) {
    std::string out;
    for (unsigned i = 0; i < 32; ++i) {
        diff_field(out, "x", static_cast<int>(i), jit.x[i], ref.x[i]);
        diff_field(out, "f", static_cast<int>(i), jit.f[i], ref.f[i]);
    }
    diff_field(out, "pc", -1, jit.pc, ref.pc);
    diff_field(out, "priv", -1, static_cast<uint64_t>(jit.priv), static_cast<uint64_t>(ref.priv));
    diff_field(out, "wfi", -1, jit.wfi, ref.wfi);
    diff_field(out, "reservation.valid", -1, jit.reservation.valid, ref.reservation.valid);
    diff_field(out, "reservation.paddr", -1, jit.reservation.paddr, ref.reservation.paddr);
#define TERN_DIFF_CSR(name) diff_field(out, #name, -1, jit.csr.name, ref.csr.name);
    TERN_CSR_FIELDS(TERN_DIFF_CSR)
#undef TERN_DIFF_CSR
    for (unsigned i = 0; i < jit.csr.pmp.cfg.size(); ++i) {
        diff_field(out, "pmpcfg", static_cast<int>(i), jit.csr.pmp.cfg[i], ref.csr.pmp.cfg[i]);
        diff_field(out, "pmpaddr", static_cast<int>(i), jit.csr.pmp.addr[i], ref.csr.pmp.addr[i]);
    }
    return out;
}

Lockstep::Lockstep(Hart& jit_hart, Ram& jit_ram, Engine& engine, Hart& ref_hart, Ram& ref_ram)
    : jit_hart_(jit_hart), jit_ram_(jit_ram), engine_(engine), ref_hart_(ref_hart), ref_ram_(ref_ram) {}

std::string Lockstep::describe_block(uint64_t pc) const {
    // The block as the reference decoded it, found through its fetch TLB entry.
    const TlbEntry& e = ref_hart_.tlb.fetch[Tlb::index(pc)];
    if (e.tag != pc >> Tlb::kPageBits) return "  (block not in the fetch TLB)\n";
    const uint64_t paddr = e.paddr_page | (pc & (Tlb::kPageSize - 1));
    const Block* block = ref_hart_.code_cache.lookup(paddr);
    if (!block) return "  (block no longer cached)\n";
    std::string out;
    uint64_t at = pc;
    for (const BlockInsn& bi : block->insns) {
        char line[160];
        std::snprintf(line, sizeof line,
                      "  %016" PRIx64 ": %08x  %-10.*s rd=x%u rs1=x%u rs2=x%u imm=%" PRId64 "\n", at,
                      bi.insn.raw, static_cast<int>(op_info(bi.insn.op).mnemonic.size()),
                      op_info(bi.insn.op).mnemonic.data(), bi.insn.rd, bi.insn.rs1, bi.insn.rs2, bi.insn.imm);
        out += line;
        at += bi.insn.len;
    }
    return out;
}

std::optional<std::string> Lockstep::check_memory() const {
    const auto jm = jit_ram_.bytes(), rm = ref_ram_.bytes();
    if (jm.size() != rm.size()) return "RAM sizes differ\n";
    if (std::memcmp(jm.data(), rm.data(), jm.size()) == 0) return std::nullopt;
    size_t i = 0;
    while (jm[i] == rm[i])
        ++i;
    return "memory at " + hex(jit_ram_.base() + i) + ": jit " + hex(jm[i]) + ", interpreter " + hex(rm[i]) +
           " (first difference)\n";
}

std::optional<std::string> Lockstep::step() {
    const uint64_t pc = ref_hart_.state.pc;
    const uint64_t jit_n = engine_.run(jit_hart_, budget_);
    const uint64_t ref_n = interpret(ref_hart_, budget_);
    ++steps_;
    retired_ += ref_n;
    std::string diff = diff_states(jit_hart_.state, ref_hart_.state);
    if (jit_hart_.steps != ref_hart_.steps)
        diff += "steps: jit " + std::to_string(jit_hart_.steps) + ", interpreter " +
                std::to_string(ref_hart_.steps) + "\n";
    if (jit_n != ref_n)
        diff += "retired: jit " + std::to_string(jit_n) + ", interpreter " + std::to_string(ref_n) + "\n";
    if (steps_ % memory_interval_ == 0)
        if (auto m = check_memory()) diff += *m;
    if (diff.empty()) return std::nullopt;
    return "lockstep divergence at step " + std::to_string(steps_) + ", block at " + hex(pc) + ":\n" +
           describe_block(pc) + diff;
}

std::optional<std::string> Lockstep::run(uint64_t stop_pc, uint64_t max_steps) {
    for (uint64_t i = 0; i < max_steps && ref_hart_.state.pc != stop_pc && jit_hart_.state.pc != stop_pc; ++i)
        if (auto d = step()) return d;
    return std::nullopt;
}

} // namespace tern::jit
