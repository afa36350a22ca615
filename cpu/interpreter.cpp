#include "cpu/interpreter.hpp"

#include <algorithm>

#include "cpu/code_cache.hpp"
#include "cpu/exec.hpp"
#include "cpu/hart.hpp"
#include "cpu/mmu.hpp"
#include "cpu/trap.hpp"

namespace tern {

namespace {

// Adds retired instructions to minstret and mcycle (one cycle each) unless inhibited.
inline void count_retired(Hart& hart, uint64_t n) {
    CsrState& csr = hart.state.csr;
    if (!(csr.mcountinhibit & 4)) csr.minstret += n;
    if (!(csr.mcountinhibit & 1)) csr.mcycle += n;
}

// Runs one instruction's semantics; returns true if it retired (did not trap).
// The counters are not touched: callers count retired instructions.
inline bool execute(Hart& hart, ExecFn fn, const DecodedInsn& insn) {
    hart.next_pc = hart.state.pc + insn.len;
    fn(hart, insn);
    if (hart.trapped) [[unlikely]] {
        hart.trapped = false;
        hart.state.pc = hart.next_pc;
        return false;
    }
    hart.state.pc = hart.next_pc;
    return true;
}

} // namespace

bool service_interrupts(Hart& hart) {
    if (!(hart.state.csr.mip & hart.state.csr.mie)) return false;
    hart.state.wfi = false; // a pending enabled interrupt ends WFI even when globally masked
    if (!take_pending_interrupt(hart)) return false;
    hart.trapped = false;
    hart.state.pc = hart.next_pc;
    hart.state.wfi = false;
    return true;
}

namespace {

// Host pointer to the RAM page holding the instruction at pc, via the fetch
// TLB; nullptr with the trap taken, or when the page is not cacheable RAM.
const uint8_t* fetch_page(Hart& hart, uint64_t pc, uint64_t& paddr, bool& faulted) {
    faulted = false;
    const TlbEntry& e = hart.tlb.fetch[Tlb::index(pc)];
    if (e.tag == (pc >> Tlb::kPageBits) && e.host) [[likely]] {
        paddr = e.paddr_page | (pc & (Tlb::kPageSize - 1));
        return e.host;
    }
    Translation t = translate(hart, pc, 2, AccessType::Fetch);
    if (!t.ok) {
        take_exception(hart, t.fault, pc);
        hart.trapped = false;
        hart.state.pc = hart.next_pc;
        faulted = true;
        return nullptr;
    }
    paddr = t.paddr;
    const TlbEntry& refilled = hart.tlb.fetch[Tlb::index(pc)];
    return refilled.tag == (pc >> Tlb::kPageBits) ? refilled.host : nullptr;
}

// Runs a block until it ends, leaves the straight line, traps, or its page is
// rewritten. Counters are added in bulk; only a block's last instruction can
// be a CSR access, so they are brought up to date just before it runs.
uint64_t run_block(Hart& hart, const Block& block) {
    const CodeCache& cache = hart.code_cache;
    const uint64_t generation = cache.generation();
    const BlockInsn* it = block.insns.data();
    const BlockInsn* const last = it + block.insns.size() - 1;
    uint64_t pending = 0, retired = 0;
    for (;; ++it) {
        if (it == last) {
            count_retired(hart, pending);
            retired += pending;
            pending = 0;
        }
        const uint64_t sequential = hart.state.pc + it->insn.len;
        if (!execute(hart, it->fn, it->insn)) break;
        ++pending;
        if (it == last || hart.state.pc != sequential || cache.generation() != generation) break;
    }
    count_retired(hart, pending);
    return retired + pending;
}

} // namespace

bool execute_insn(Hart& hart, ExecFn fn, const DecodedInsn& insn) { return execute(hart, fn, insn); }

Block* fetch_block(Hart& hart, bool& faulted) {
    uint64_t paddr;
    const uint8_t* page = fetch_page(hart, hart.state.pc, paddr, faulted);
    if (!page) return nullptr;
    CodeCache& cache = hart.code_cache;
    Block* block = cache.lookup(paddr);
    return block ? block : cache.translate(paddr, page);
}

uint64_t interpret_one(Hart& hart) {
    if (service_interrupts(hart)) return 0;
    if (hart.state.wfi) return 0;
    uint32_t raw;
    hart.next_pc = hart.state.pc;
    if (!hart.fetch(hart.state.pc, raw)) {
        hart.trapped = false;
        hart.state.pc = hart.next_pc;
        return 0;
    }
    DecodedInsn insn = decode(raw);
    if (!execute(hart, exec_fn(insn.op), insn)) return 0;
    count_retired(hart, 1);
    return 1;
}

uint64_t interpret(Hart& hart, uint64_t budget) {
    CodeCache& cache = hart.code_cache;
    uint64_t retired = 0;
    // The budget counts attempts, not retirements, so a guest that traps on
    // every instruction still hands control back to the machine.
    const uint64_t steps_at_start = hart.steps;
    while (hart.steps - steps_at_start < budget) {
        const uint64_t retired_before = retired;
        cache.release_retired();
        service_interrupts(hart);
        if (hart.state.wfi) break;

        bool faulted;
        Block* block = fetch_block(hart, faulted);
        if (faulted) {
            ++hart.steps;
            continue;
        }
        if (!block) { // not RAM, or an instruction straddling two pages
            retired += interpret_one(hart);
        } else {
            retired += run_block(hart, *block);
        }
        hart.steps += std::max<uint64_t>(1, retired - retired_before);
    }
    return retired;
}

} // namespace tern
