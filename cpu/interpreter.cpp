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

// Ends an instruction whose semantics have run: moves pc to next_pc (the
// sequential pc, a jump target or a trap vector); returns 1 if it retired.
inline uint64_t finish(Hart& hart) {
    hart.state.pc = hart.next_pc;
    if (hart.trapped) [[unlikely]] {
        hart.trapped = false;
        return 0;
    }
    return 1;
}

// Runs one instruction's semantics; returns 1 if it retired (did not trap).
// The counters are not touched: callers count retired instructions.
inline uint64_t execute(Hart& hart, ExecFn fn, const DecodedInsn& insn) {
    hart.next_pc = hart.state.pc + insn.len;
    fn(hart, insn);
    return finish(hart);
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
    if (e.tag == (pc >> Tlb::kPageBits)) [[likely]] {
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

// Runs a block until it ends, leaves the straight line (a taken branch or a
// trap), or its page is rewritten, and returns how many instructions retired.
// pc advances in a local. `uncounted` holds retired instructions not yet added
// to the counters: only a CSR access can read them, and it always ends a block
// (see ends_block in code_cache.cpp), so they are brought up to date just before it runs.
uint64_t run_block(Hart& hart, const Block& block, uint64_t& uncounted) {
    const CodeCache& cache = hart.code_cache;
    const uint64_t generation = cache.generation();
    const BlockInsn* const first = block.insns.data();
    const BlockInsn* const last = first + block.insns.size() - 1;
    uint64_t pc = hart.state.pc;
    int64_t skew = 0; // retired minus straight-line instructions passed: taken hammocks ran arm B, not A
    for (const BlockInsn* it = first; it != last; ++it) {
        pc += it->insn.len;
        hart.next_pc = pc;
        it->fn(hart, it->insn);
        if (hart.next_pc != pc || hart.trapped || cache.generation() != generation) [[unlikely]] {
            const bool branched = !hart.trapped && cache.generation() == generation;
            if (const Hammock* h = branched ? hammock_at(block, static_cast<size_t>(it - first)) : nullptr) {
                pc += h->arm_a_bytes;
                hart.state.pc = hart.next_pc;
                run_taken_hammock(hart, *h, pc);
                it += h->arm_a;
                skew += static_cast<int64_t>(h->arm_b.size()) - h->arm_a;
                continue;
            }
            const uint64_t retired = static_cast<uint64_t>(it - first + skew) + finish(hart);
            uncounted += retired;
            return retired;
        }
        hart.state.pc = pc;
    }
    const auto before_last = static_cast<uint64_t>(last - first + skew);
    uncounted += before_last;
    if (block.ends_with_csr_access) {
        count_retired(hart, uncounted);
        uncounted = 0;
    }
    hart.next_pc = pc + last->insn.len;
    last->fn(hart, last->insn);
    const uint64_t retired_last = finish(hart);
    uncounted += retired_last;
    return before_last + retired_last;
}

} // namespace

const Hammock* hammock_at(const Block& block, size_t index) {
    for (const Hammock& h : block.hammocks)
        if (h.branch == index) return &h;
    return nullptr;
}

void run_taken_hammock(Hart& hart, const Hammock& hammock, uint64_t join_pc) {
    for (const BlockInsn& bi : hammock.arm_b) { // they cannot trap or jump
        hart.next_pc = hart.state.pc + bi.insn.len;
        bi.fn(hart, bi.insn);
        hart.state.pc = hart.next_pc;
    }
    hart.state.pc = join_pc;
}

bool execute_insn(Hart& hart, ExecFn fn, const DecodedInsn& insn) { return execute(hart, fn, insn); }

Block* fetch_block(Hart& hart, bool& faulted) {
    uint64_t paddr;
    const uint8_t* page = fetch_page(hart, hart.state.pc, paddr, faulted);
    if (!page) return nullptr;
    CodeCache& cache = hart.code_cache;
    Block* block = cache.lookup(paddr);
    return block ? block : cache.translate(paddr, page);
}

uint64_t interpret_block(Hart& hart, const Block& block) {
    uint64_t uncounted = 0;
    const uint64_t retired = run_block(hart, block, uncounted);
    count_retired(hart, uncounted);
    return retired;
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
    const uint64_t retired = execute(hart, exec_fn(insn.op), insn);
    count_retired(hart, retired);
    return retired;
}

uint64_t interpret(Hart& hart, uint64_t budget) {
    CodeCache& cache = hart.code_cache;
    uint64_t retired = 0, uncounted = 0;
    // The budget counts attempts, not retirements, so a guest that traps on
    // every instruction still hands control back to the machine. hart.steps
    // is kept current: it is the clock of a deterministic run.
    const uint64_t steps_at_start = hart.steps;
    while (hart.steps - steps_at_start < budget) {
        // Someone kicked the hart (interrupt lines, mailbox, pause, exit): the machine looks first.
        if (hart.control.attention()) break;
        cache.release_retired();
        service_interrupts(hart);
        if (hart.state.wfi) break;

        bool faulted;
        Block* block = fetch_block(hart, faulted);
        if (faulted) {
            ++hart.steps;
            continue;
        }
        uint64_t n;
        if (!block) { // not RAM, or an instruction straddling two pages
            count_retired(hart, uncounted);
            uncounted = 0;
            n = interpret_one(hart);
        } else {
            n = run_block(hart, *block, uncounted);
        }
        retired += n;
        hart.steps += std::max<uint64_t>(1, n);
    }
    count_retired(hart, uncounted);
    return retired;
}

} // namespace tern
