// The emit stage: one host code sequence per decoded block. Instruction
// classes are emitted by one member function each, chosen through a table
// indexed by Op; every op without an entry calls its interpreter semantics.
#include "jit/block_emitter.hpp"

#include <asmjit/x86.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/code_cache.hpp"
#include "cpu/fence.hpp"
#include "cpu/fpu.hpp"
#include "cpu/hart.hpp"
#include "jit/code_arena.hpp"
#include "jit/compiled_block.hpp"
#include "jit/helpers.hpp"
#include "jit/run_context.hpp"

namespace tern::jit {

HostLayout HostLayout::of(const Hart& hart) {
    const auto* state = reinterpret_cast<const char*>(&hart.state);
    auto from_state = [&](const void* p) {
        return static_cast<int32_t>(static_cast<const char*>(p) - state);
    };
    HostLayout l;
    l.x = static_cast<int32_t>(offsetof(HartState, x));
    l.pc = static_cast<int32_t>(offsetof(HartState, pc));
    const auto csr = static_cast<int32_t>(offsetof(HartState, csr));
    l.minstret = csr + static_cast<int32_t>(offsetof(CsrState, minstret));
    l.mcycle = csr + static_cast<int32_t>(offsetof(CsrState, mcycle));
    l.mcountinhibit = csr + static_cast<int32_t>(offsetof(CsrState, mcountinhibit));
    l.mip = csr + static_cast<int32_t>(offsetof(CsrState, mip));
    l.mie = csr + static_cast<int32_t>(offsetof(CsrState, mie));
    l.tlb_load = from_state(hart.tlb.load.data());
    l.tlb_store = from_state(hart.tlb.store.data());
    l.f = static_cast<int32_t>(offsetof(HartState, f));
    l.fcsr = csr + static_cast<int32_t>(offsetof(CsrState, fcsr));
    l.mstatus = csr + static_cast<int32_t>(offsetof(CsrState, mstatus));
    l.reservations_active = &hart.bus.reservations.active();
    return l;
}

namespace {

namespace x86 = asmjit::x86;
using asmjit::Imm;
using asmjit::Label;
using x86::CondCode;
namespace Inst = x86::Inst;
using asmjit::InstId;

// Pinned host registers: callee-saved in the System V ABI, so helper calls keep them.
const x86::Gp kState = x86::rbx;    // HartState* of the running hart
const x86::Gp kCtx = x86::r12;      // RunContext* of the current run
const x86::Gp kPcBase = x86::r13;   // guest PC of the block's first instruction
const x86::Gp kEpilogue = x86::r14; // back to the dispatcher

x86::Mem ctx_field(size_t offset) { return x86::qword_ptr(kCtx, static_cast<int32_t>(offset)); }

static_assert((Tlb::kEntries & (Tlb::kEntries - 1)) == 0, "the inline TLB index is a mask");

// Ops that may change privilege, translation, interrupt enables or code:
// the block after them is reached through the dispatcher, never chained.
bool changes_context(Op op) {
    return op == Op::illegal || op == Op::fence_i || (op_info(op).match & 0x7f) == 0x73; // SYSTEM opcode
}

bool fits_i32(int64_t v) { return v == static_cast<int32_t>(v); }

class BlockEmitter;

// How one op is emitted: a class emitter and the parameters that make it this op.
struct OpEmit {
    void (BlockEmitter::*emit)(const DecodedInsn&, const OpEmit&) = nullptr; // nullptr: interpreter semantics
    InstId inst = Inst::kIdNone;
    bool word = false; // a *W op: 32-bit operation, sign-extended result
    bool pure = true;  // only writes rd: nothing to do when rd is x0
    int arg = 0;       // class-specific: condition code, shift, access size, variant
};

struct SlotLabels {
    ChainSlot* slot;
    Label jump, stub;
};

class BlockEmitter {
  public:
    BlockEmitter(x86::Assembler& a, const Block& block, CompiledBlock& cb, const HostLayout& layout,
                 const EmitOptions& options)
        : a_(a), block_(block), cb_(cb), l_(layout), options_(options), plain_exit_(a.newLabel()) {}

    void emit();
    const std::vector<SlotLabels>& slots() const { return slots_; }

    // Instruction classes (the table below says which op uses which).
    void alu(const DecodedInsn& insn, const OpEmit& e);
    void set_if(const DecodedInsn& insn, const OpEmit& e);
    void min_max(const DecodedInsn& insn, const OpEmit& e);
    void inverted(const DecodedInsn& insn, const OpEmit& e);
    void shift_add(const DecodedInsn& insn, const OpEmit& e);
    void slli_uw(const DecodedInsn& insn, const OpEmit& e);
    void count(const DecodedInsn& insn, const OpEmit& e);
    void extend(const DecodedInsn& insn, const OpEmit& e);
    void byte_swap(const DecodedInsn& insn, const OpEmit& e);
    void mul_high(const DecodedInsn& insn, const OpEmit& e);
    void lui(const DecodedInsn& insn, const OpEmit& e);
    void auipc(const DecodedInsn& insn, const OpEmit& e);
    void load(const DecodedInsn& insn, const OpEmit& e);
    void store(const DecodedInsn& insn, const OpEmit& e);
    void branch(const DecodedInsn& insn, const OpEmit& e);
    void jal(const DecodedInsn& insn, const OpEmit& e);
    void jalr(const DecodedInsn& insn, const OpEmit& e);
    void fence(const DecodedInsn& insn, const OpEmit& e);
    void fallback(const DecodedInsn& insn, const OpEmit& e);
    // F and D (block_emitter_fp.inc).
    void fp_load(const DecodedInsn& insn, const OpEmit& e);
    void fp_store(const DecodedInsn& insn, const OpEmit& e);
    void fp_arith(const DecodedInsn& insn, const OpEmit& e);
    void fp_fused(const DecodedInsn& insn, const OpEmit& e);
    void fp_to_int(const DecodedInsn& insn, const OpEmit& e);
    void fp_sign_inject(const DecodedInsn& insn, const OpEmit& e);
    void fp_compare(const DecodedInsn& insn, const OpEmit& e);
    void fp_move(const DecodedInsn& insn, const OpEmit& e);
    void fp_semantics(const DecodedInsn& insn, const OpEmit& e);

  private:
    x86::Mem xreg(unsigned r) const { return x86::qword_ptr(kState, l_.x + 8 * static_cast<int32_t>(r)); }
    x86::Mem xreg32(unsigned r) const { return x86::dword_ptr(kState, l_.x + 8 * static_cast<int32_t>(r)); }
    x86::Mem pc_field() const { return x86::qword_ptr(kState, l_.pc); }

    void add_const(const x86::Gp& reg, int64_t value);
    // reg = guest PC of this block + delta.
    void pc_plus(const x86::Gp& reg, int64_t delta);
    void store_pc(int64_t delta);
    // rax holds the result of a pure op: sign-extend a *W result, write rd.
    void write_rd(const DecodedInsn& insn, bool word);
    void load_rs1(const DecodedInsn& insn, bool word);
    // Adds n retired instructions to the run's count (minstret and mcycle follow it, helpers.hpp).
    void flush_counters(unsigned n);
    // Leaves the block for the guest PC block + delta: a chain slot when the
    // target is on this physical page, else back to the dispatcher.
    void goto_static(int64_t delta);
    // Finds the host address of a `size`-byte access at the vaddr in rsi
    // through the TLB array at `tlb` into rdx; jumps to `slow` on any miss.
    void tlb_lookup(int32_t tlb, unsigned size, const Label& slow);
    // Jumps to a store's `slow` path while any LR reservation is outstanding:
    // Hart::store then ends the reservations the store overlaps. Clobbers rax.
    void leave_if_reserved(const Label& slow);
    // Out-of-line exit after a trap in the current instruction (pc is the handler).
    Label trap_exit();
    // Out-of-line exit after the current instruction retired and the block must stop.
    Label stop_exit(unsigned len);
    void call(const void* fn);
    // The out-of-line half of a load or store: helper(ctx, vaddr in rsi, third
    // argument set up by `third_arg`), then back to `done`, or a trap/stop exit.
    template <class Args>
    void slow_path_call(const Label& slow, const Label& done, const void* fn, Args third_arg, unsigned len);
    template <class F> void defer(F f) { deferred_.emplace_back(std::move(f)); }
    // F and D building blocks (block_emitter_fp.inc).
    x86::Mem freg(unsigned r, unsigned size = 8, int32_t at = 0) const {
        return x86::ptr(kState, l_.f + 8 * static_cast<int32_t>(r) + at, size);
    }
    bool fp_require_enabled(const Label& slow);
    unsigned fp_fcsr_need(const DecodedInsn& insn, bool need_nx) const;
    void fp_check_fcsr(unsigned need, const Label& fail);
    void fp_fcsr_path(const Label& pre, const Label& done, unsigned need, bool used);
    void fp_require_boxed(unsigned r, const Label& slow);
    void fp_wrote_f();
    void fp_write_result(const DecodedInsn& insn, bool single, int checks, const Label& slow);
    void fp_call_semantics(const Label& trapped, const Label& stopped, int64_t offset, const BlockInsn* bi);
    void fp_slow_path(const Label& slow, const Label& done);

    x86::Assembler& a_;
    const Block& block_;
    CompiledBlock& cb_;
    const HostLayout& l_;
    const EmitOptions& options_;

    const BlockInsn* current_ = nullptr;
    int64_t offset_ = 0;   // the current instruction's distance from the block's start
    unsigned pending_ = 0; // retired instructions not yet added to the counters
    bool counted_ = false; // the current instruction did its own counting (helper)
    bool ended_ = false;   // the block's exits have been emitted
    Label plain_exit_;     // jmp to the dispatcher; pc and counters already up to date
    std::vector<std::function<void()>> deferred_;
    std::vector<SlotLabels> slots_;
    // What earlier F/D instructions of this block established about mstatus.FS: only a
    // CSR instruction can change it, and `fallback`, which runs those, forgets it.
    bool fs_known_on_ = false, fs_known_dirty_ = false;
    unsigned fcsr_known_ = 0;     // the same for frm and NX (fp_emit::kFrmIsRne, kNxAccrued)
    bool fp_slow_needed_ = false; // the current FP instruction's inline checks can jump to its slow path
};

void add_fp_ops(std::array<OpEmit, kOpCount>& t); // block_emitter_fp.inc

std::array<OpEmit, kOpCount> make_table() {
    std::array<OpEmit, kOpCount> t{};
    using E = BlockEmitter;
    auto set = [&](Op op, auto fn, InstId inst = Inst::kIdNone, bool word = false, int arg = 0) {
        t[static_cast<size_t>(op)] = {fn, inst, word, true, arg};
    };
    // RV64I register-immediate and register-register (unprivileged spec 2.4, 5.2).
    for (auto [op, inst] : {std::pair{Op::addi, Inst::kIdAdd},
                            {Op::xori, Inst::kIdXor},
                            {Op::ori, Inst::kIdOr},
                            {Op::andi, Inst::kIdAnd},
                            {Op::slli, Inst::kIdShl},
                            {Op::srli, Inst::kIdShr},
                            {Op::srai, Inst::kIdSar},
                            {Op::add, Inst::kIdAdd},
                            {Op::sub, Inst::kIdSub},
                            {Op::sll, Inst::kIdShl},
                            {Op::srl, Inst::kIdShr},
                            {Op::sra, Inst::kIdSar},
                            {Op::xor_, Inst::kIdXor},
                            {Op::or_, Inst::kIdOr},
                            {Op::and_, Inst::kIdAnd},
                            {Op::mul, Inst::kIdImul},
                            {Op::rol, Inst::kIdRol},
                            {Op::ror, Inst::kIdRor},
                            {Op::rori, Inst::kIdRor}})
        set(op, &E::alu, inst);
    for (auto [op, inst] : {std::pair{Op::addiw, Inst::kIdAdd},
                            {Op::slliw, Inst::kIdShl},
                            {Op::srliw, Inst::kIdShr},
                            {Op::sraiw, Inst::kIdSar},
                            {Op::addw, Inst::kIdAdd},
                            {Op::subw, Inst::kIdSub},
                            {Op::sllw, Inst::kIdShl},
                            {Op::srlw, Inst::kIdShr},
                            {Op::sraw, Inst::kIdSar},
                            {Op::mulw, Inst::kIdImul},
                            {Op::rolw, Inst::kIdRol},
                            {Op::rorw, Inst::kIdRor},
                            {Op::roriw, Inst::kIdRor}})
        set(op, &E::alu, inst, true);
    for (auto [op, cc] : {std::pair{Op::slt, CondCode::kL},
                          {Op::slti, CondCode::kL},
                          {Op::sltu, CondCode::kB},
                          {Op::sltiu, CondCode::kB}})
        set(op, &E::set_if, Inst::kIdNone, false, static_cast<int>(cc));
    // Zbb min/max: take rs2 when the condition on (rs1, rs2) holds.
    for (auto [op, cc] : {std::pair{Op::max, CondCode::kL},
                          {Op::maxu, CondCode::kB},
                          {Op::min, CondCode::kG},
                          {Op::minu, CondCode::kA}})
        set(op, &E::min_max, Inst::kIdNone, false, static_cast<int>(cc));
    for (auto [op, inst] :
         {std::pair{Op::andn, Inst::kIdAnd}, {Op::orn, Inst::kIdOr}, {Op::xnor, Inst::kIdXor}})
        set(op, &E::inverted, inst);
    // Zba: (zero-extended word of) rs1 shifted left by arg, plus rs2.
    for (auto [op, shift, uw] : {std::tuple{Op::sh1add, 1, false},
                                 {Op::sh2add, 2, false},
                                 {Op::sh3add, 3, false},
                                 {Op::add_uw, 0, true},
                                 {Op::sh1add_uw, 1, true},
                                 {Op::sh2add_uw, 2, true},
                                 {Op::sh3add_uw, 3, true}})
        set(op, &E::shift_add, Inst::kIdNone, uw, shift);
    set(Op::slli_uw, &E::slli_uw);
    const asmjit::CpuInfo& cpu = asmjit::CpuInfo::host();
    using F = asmjit::CpuFeatures::X86;
    if (cpu.hasFeature(F::kLZCNT))
        set(Op::clz, &E::count, Inst::kIdLzcnt), set(Op::clzw, &E::count, Inst::kIdLzcnt, true);
    if (cpu.hasFeature(F::kBMI))
        set(Op::ctz, &E::count, Inst::kIdTzcnt), set(Op::ctzw, &E::count, Inst::kIdTzcnt, true);
    if (cpu.hasFeature(F::kPOPCNT))
        set(Op::cpop, &E::count, Inst::kIdPopcnt), set(Op::cpopw, &E::count, Inst::kIdPopcnt, true);
    set(Op::sext_b, &E::extend, Inst::kIdMovsx, false, 1);
    set(Op::sext_h, &E::extend, Inst::kIdMovsx, false, 2);
    set(Op::zext_h, &E::extend, Inst::kIdMovzx, false, 2);
    set(Op::rev8, &E::byte_swap);
    for (auto [op, variant] : {std::pair{Op::mulh, 0}, {Op::mulhu, 1}, {Op::mulhsu, 2}})
        set(op, &E::mul_high, Inst::kIdNone, false, variant);
    set(Op::lui, &E::lui);
    set(Op::auipc, &E::auipc);

    // Memory, control flow: these have effects beyond rd.
    auto set_effect = [&](Op op, auto fn, InstId inst = Inst::kIdNone, int arg = 0) {
        t[static_cast<size_t>(op)] = {fn, inst, false, false, arg};
    };
    for (auto [op, inst, size] : {std::tuple{Op::lb, Inst::kIdMovsx, 1},
                                  {Op::lbu, Inst::kIdMovzx, 1},
                                  {Op::lh, Inst::kIdMovsx, 2},
                                  {Op::lhu, Inst::kIdMovzx, 2},
                                  {Op::lw, Inst::kIdMovsxd, 4},
                                  {Op::lwu, Inst::kIdMov, 4},
                                  {Op::ld, Inst::kIdMov, 8}})
        set_effect(op, &E::load, inst, size);
    for (auto [op, size] : {std::pair{Op::sb, 1}, {Op::sh, 2}, {Op::sw, 4}, {Op::sd, 8}})
        set_effect(op, &E::store, Inst::kIdNone, size);
    for (auto [op, cc] : {std::pair{Op::beq, CondCode::kE},
                          {Op::bne, CondCode::kNE},
                          {Op::blt, CondCode::kL},
                          {Op::bge, CondCode::kGE},
                          {Op::bltu, CondCode::kB},
                          {Op::bgeu, CondCode::kAE}})
        set_effect(op, &E::branch, Inst::kIdNone, static_cast<int>(cc));
    set_effect(Op::jal, &E::jal);
    set_effect(Op::jalr, &E::jalr);
    add_fp_ops(t);
    set_effect(Op::fence, &E::fence);
    set_effect(Op::fence_tso, &E::fence);
    return t;
}

const std::array<OpEmit, kOpCount>& op_table() {
    static const std::array<OpEmit, kOpCount> table = make_table();
    return table;
}

void BlockEmitter::emit() {
    a_.mov(kPcBase, pc_field());
    a_.inc(ctx_field(offsetof(RunContext, entries)));
    a_.mov(x86::rax, ctx_field(offsetof(RunContext, retired)));
    a_.mov(ctx_field(offsetof(RunContext, block_start)), x86::rax);
    const auto& table = op_table();
    for (const BlockInsn& bi : block_.insns) {
        current_ = &bi;
        counted_ = false;
        const OpEmit& e = table[static_cast<size_t>(bi.insn.op)];
        if (!options_.inline_ops || !e.emit)
            fallback(bi.insn, e);
        else if (!(e.pure && bi.insn.rd == 0))
            (this->*e.emit)(bi.insn, e);
        if (ended_) break;
        if (!counted_) ++pending_;
        offset_ += bi.insn.len;
    }
    if (!ended_) {
        flush_counters(pending_);
        if (changes_context(block_.insns.back().insn.op))
            a_.jmp(kEpilogue); // pc set by the helper
        else
            goto_static(offset_);
    }
    a_.bind(plain_exit_);
    a_.jmp(kEpilogue);
    for (auto& f : deferred_)
        f();
}

// ---- building blocks ----

void BlockEmitter::add_const(const x86::Gp& reg, int64_t value) {
    if (value == 0) return;
    if (fits_i32(value)) {
        a_.add(reg, Imm(value));
    } else {
        a_.mov(x86::r11, Imm(value));
        a_.add(reg, x86::r11);
    }
}

void BlockEmitter::pc_plus(const x86::Gp& reg, int64_t delta) {
    if (fits_i32(delta)) {
        a_.lea(reg, x86::ptr(kPcBase, static_cast<int32_t>(delta)));
    } else {
        a_.mov(reg, kPcBase);
        add_const(reg, delta);
    }
}

void BlockEmitter::store_pc(int64_t delta) {
    pc_plus(x86::rax, delta);
    a_.mov(pc_field(), x86::rax);
}

void BlockEmitter::load_rs1(const DecodedInsn& insn, bool word) {
    if (word)
        a_.mov(x86::eax, xreg32(insn.rs1));
    else
        a_.mov(x86::rax, xreg(insn.rs1));
}

void BlockEmitter::write_rd(const DecodedInsn& insn, bool word) {
    if (word) a_.movsxd(x86::rax, x86::eax);
    if (insn.rd) a_.mov(xreg(insn.rd), x86::rax);
}

void BlockEmitter::flush_counters(unsigned n) {
    if (n) a_.add(ctx_field(offsetof(RunContext, retired)), Imm(n));
}

void BlockEmitter::call(const void* fn) {
    a_.mov(x86::rax, Imm(reinterpret_cast<uint64_t>(fn)));
    a_.call(x86::rax);
}

Label BlockEmitter::trap_exit() {
    Label l = a_.newLabel();
    defer([this, l, n = pending_] {
        a_.bind(l);
        flush_counters(n); // the instructions before the faulting one retired
        a_.jmp(kEpilogue);
    });
    return l;
}

Label BlockEmitter::stop_exit(unsigned len) {
    Label l = a_.newLabel();
    defer([this, l, n = pending_ + 1, next = offset_ + len] {
        a_.bind(l);
        store_pc(next);
        flush_counters(n);
        a_.jmp(kEpilogue);
    });
    return l;
}

template <class Args>
void BlockEmitter::slow_path_call(const Label& slow, const Label& done, const void* fn, Args third_arg,
                                  unsigned len) {
    const Label trapped = trap_exit(), stopped = stop_exit(len);
    defer([this, slow, done, trapped, stopped, fn, third_arg, offset = offset_,
           first = current_ == &block_.insns.front()] {
        a_.bind(slow);
        store_pc(offset); // xepc and the guest-error log need the PC
        a_.mov(x86::rdi, kCtx);
        third_arg(); // rsi holds the address already
        a_.mov(x86::ecx, Imm(first ? 1 : 0));
        call(fn);
        a_.cmp(x86::eax, Imm(kExit));
        a_.je(trapped);
        a_.cmp(x86::eax, Imm(kStop));
        a_.je(stopped);
        a_.jmp(done);
    });
}

void BlockEmitter::goto_static(int64_t delta) {
    store_pc(delta);
    const int64_t target_in_page = static_cast<int64_t>(block_.paddr & (Tlb::kPageSize - 1)) + delta;
    const bool same_page = target_in_page >= 0 && target_in_page < static_cast<int64_t>(Tlb::kPageSize);
    if (!options_.chain || !same_page || cb_.exit_count == cb_.exits.size()) {
        a_.jmp(kEpilogue);
        return;
    }
    ChainSlot& slot = cb_.exits[cb_.exit_count++];
    slot.owner = &cb_;
    slot.target_paddr = block_.paddr + static_cast<uint64_t>(delta);
    SlotLabels labels{&slot, a_.newLabel(), a_.newLabel()};
    // The dispatcher's checks between blocks, done here so a chained loop still
    // ends with the machine's slice, and when an interrupt needs the dispatcher.
    a_.mov(x86::rax, ctx_field(offsetof(RunContext, retired)));
    a_.cmp(x86::rax, ctx_field(offsetof(RunContext, limit)));
    a_.jae(labels.stub);
    // Align the rel32 field to 4 bytes so relinking is one aligned store.
    while ((a_.offset() + 1) % 4)
        a_.nop();
    a_.bind(labels.jump);
    a_.long_().jmp(labels.stub);
    defer([this, labels] {
        a_.bind(labels.stub);
        a_.mov(x86::rax, Imm(reinterpret_cast<uint64_t>(labels.slot)));
        a_.mov(ctx_field(offsetof(RunContext, chain_request)), x86::rax);
        a_.jmp(kEpilogue);
    });
    slots_.push_back(labels);
}

void BlockEmitter::tlb_lookup(int32_t tlb, unsigned size, const Label& slow) {
    // Same test as Hart::load/store: tag match, host pointer, access within the page.
    a_.mov(x86::rax, x86::rsi);
    a_.shr(x86::rax, Tlb::kPageBits);
    a_.mov(x86::ecx, x86::eax);
    a_.and_(x86::ecx, Imm(Tlb::kEntries - 1));
    a_.imul(x86::ecx, x86::ecx, Imm(sizeof(TlbEntry)));
    a_.cmp(x86::rax,
           x86::qword_ptr(kState, x86::rcx, 0, tlb + static_cast<int32_t>(offsetof(TlbEntry, tag))));
    a_.jne(slow);
    a_.mov(x86::rdx,
           x86::qword_ptr(kState, x86::rcx, 0, tlb + static_cast<int32_t>(offsetof(TlbEntry, host))));
    a_.test(x86::rdx, x86::rdx);
    a_.jz(slow);
    a_.mov(x86::eax, x86::esi);
    a_.and_(x86::eax, Imm(Tlb::kPageSize - 1));
    if (size > 1) {
        a_.cmp(x86::eax, Imm(Tlb::kPageSize - size));
        a_.ja(slow);
    }
    a_.add(x86::rdx, x86::rax);
}

void BlockEmitter::leave_if_reserved(const Label& slow) {
    static_assert(sizeof(std::atomic<uint32_t>) == 4);
    a_.mov(x86::rax, Imm(reinterpret_cast<uint64_t>(l_.reservations_active)));
    a_.cmp(x86::dword_ptr(x86::rax), Imm(0));
    a_.jne(slow);
}

// ---- instruction classes ----

// rd = rs1 OP (rs2 | imm); shifts and rotates take the count in cl, which x86
// masks to 6 (5 for 32-bit) bits exactly as RISC-V does.
void BlockEmitter::alu(const DecodedInsn& insn, const OpEmit& e) {
    const x86::Gp acc = e.word ? x86::Gp(x86::eax) : x86::Gp(x86::rax);
    load_rs1(insn, e.word);
    const bool shift = e.inst == Inst::kIdShl || e.inst == Inst::kIdShr || e.inst == Inst::kIdSar ||
                       e.inst == Inst::kIdRol || e.inst == Inst::kIdRor;
    if (op_info(insn.op).imm != ImmKind::None) {
        a_.emit(e.inst, acc, Imm(insn.imm));
    } else if (shift) {
        a_.mov(x86::rcx, xreg(insn.rs2));
        a_.emit(e.inst, acc, x86::cl);
    } else {
        a_.emit(e.inst, acc, e.word ? xreg32(insn.rs2) : xreg(insn.rs2));
    }
    write_rd(insn, e.word);
}

void BlockEmitter::set_if(const DecodedInsn& insn, const OpEmit& e) {
    a_.xor_(x86::ecx, x86::ecx);
    a_.mov(x86::rax, xreg(insn.rs1));
    if (op_info(insn.op).imm != ImmKind::None)
        a_.cmp(x86::rax, Imm(insn.imm));
    else
        a_.cmp(x86::rax, xreg(insn.rs2));
    a_.emit(Inst::setccFromCond(static_cast<CondCode>(e.arg)), x86::cl);
    a_.mov(xreg(insn.rd), x86::rcx);
}

void BlockEmitter::min_max(const DecodedInsn& insn, const OpEmit& e) {
    a_.mov(x86::rax, xreg(insn.rs1));
    a_.mov(x86::rcx, xreg(insn.rs2));
    a_.cmp(x86::rax, x86::rcx);
    a_.emit(Inst::cmovccFromCond(static_cast<CondCode>(e.arg)), x86::rax, x86::rcx);
    write_rd(insn, false);
}

// andn, orn, xnor: rs1 OP ~rs2 (xnor: rs1 ^ ~rs2 == ~(rs1 ^ rs2)).
void BlockEmitter::inverted(const DecodedInsn& insn, const OpEmit& e) {
    a_.mov(x86::rax, xreg(insn.rs2));
    a_.not_(x86::rax);
    a_.emit(e.inst, x86::rax, xreg(insn.rs1));
    write_rd(insn, false);
}

void BlockEmitter::shift_add(const DecodedInsn& insn, const OpEmit& e) {
    load_rs1(insn, e.word); // the .uw forms use the zero-extended low word
    if (e.arg) a_.shl(x86::rax, Imm(e.arg));
    a_.add(x86::rax, xreg(insn.rs2));
    write_rd(insn, false);
}

void BlockEmitter::slli_uw(const DecodedInsn& insn, const OpEmit&) {
    load_rs1(insn, true);
    if (insn.imm) a_.shl(x86::rax, Imm(insn.imm));
    write_rd(insn, false);
}

// clz/ctz/cpop: lzcnt/tzcnt/popcnt give the operand width for zero, as RISC-V does.
void BlockEmitter::count(const DecodedInsn& insn, const OpEmit& e) {
    if (e.word)
        a_.emit(e.inst, x86::eax, xreg32(insn.rs1));
    else
        a_.emit(e.inst, x86::rax, xreg(insn.rs1));
    write_rd(insn, false);
}

void BlockEmitter::extend(const DecodedInsn& insn, const OpEmit& e) {
    const x86::Mem src =
        e.arg == 1 ? x86::byte_ptr(kState, l_.x + 8 * insn.rs1) : x86::word_ptr(kState, l_.x + 8 * insn.rs1);
    a_.emit(e.inst, e.inst == Inst::kIdMovzx ? x86::Gp(x86::eax) : x86::Gp(x86::rax), src);
    write_rd(insn, false);
}

void BlockEmitter::byte_swap(const DecodedInsn& insn, const OpEmit&) {
    a_.mov(x86::rax, xreg(insn.rs1));
    a_.bswap(x86::rax);
    write_rd(insn, false);
}

// The high 64 bits of the 128-bit product (unprivileged spec 13.1). mulhsu is
// the unsigned product minus rs2 << 64 when rs1 is negative.
void BlockEmitter::mul_high(const DecodedInsn& insn, const OpEmit& e) {
    a_.mov(x86::rax, xreg(insn.rs1));
    if (e.arg == 0)
        a_.imul(xreg(insn.rs2));
    else
        a_.mul(xreg(insn.rs2));
    if (e.arg == 2) {
        a_.mov(x86::rax, xreg(insn.rs1));
        a_.sar(x86::rax, 63);
        a_.and_(x86::rax, xreg(insn.rs2));
        a_.sub(x86::rdx, x86::rax);
    }
    a_.mov(xreg(insn.rd), x86::rdx);
}

void BlockEmitter::lui(const DecodedInsn& insn, const OpEmit&) { a_.mov(xreg(insn.rd), Imm(insn.imm)); }

void BlockEmitter::auipc(const DecodedInsn& insn, const OpEmit&) {
    pc_plus(x86::rax, offset_ + insn.imm);
    write_rd(insn, false);
}

void BlockEmitter::load(const DecodedInsn& insn, const OpEmit& e) {
    static const std::array<std::array<const void*, 2>, 9> kSlow = [] {
        std::array<std::array<const void*, 2>, 9> t{};
        t[1] = {reinterpret_cast<const void*>(&helpers::load<uint8_t, false>),
                reinterpret_cast<const void*>(&helpers::load<uint8_t, true>)};
        t[2] = {reinterpret_cast<const void*>(&helpers::load<uint16_t, false>),
                reinterpret_cast<const void*>(&helpers::load<uint16_t, true>)};
        t[4] = {reinterpret_cast<const void*>(&helpers::load<uint32_t, false>),
                reinterpret_cast<const void*>(&helpers::load<uint32_t, true>)};
        t[8] = {reinterpret_cast<const void*>(&helpers::load<uint64_t, false>), nullptr};
        return t;
    }();
    const auto size = static_cast<unsigned>(e.arg);
    const bool is_signed = e.inst == Inst::kIdMovsx || e.inst == Inst::kIdMovsxd;
    Label slow = a_.newLabel(), done = a_.newLabel();
    a_.mov(x86::rsi, xreg(insn.rs1));
    add_const(x86::rsi, insn.imm);
    tlb_lookup(l_.tlb_load, size, slow);
    const x86::Mem src = x86::ptr(x86::rdx, 0, size);
    a_.emit(e.inst, (is_signed || size == 8) ? x86::Gp(x86::rax) : x86::Gp(x86::eax), src);
    if (insn.rd) a_.mov(xreg(insn.rd), x86::rax);
    a_.bind(done);
    slow_path_call(
        slow, done, kSlow[size][is_signed], [this, rd = insn.rd] { a_.mov(x86::edx, Imm(rd)); }, insn.len);
}

void BlockEmitter::store(const DecodedInsn& insn, const OpEmit& e) {
    static const std::array<const void*, 9> kSlow = [] {
        std::array<const void*, 9> t{};
        t[1] = reinterpret_cast<const void*>(&helpers::store<uint8_t>);
        t[2] = reinterpret_cast<const void*>(&helpers::store<uint16_t>);
        t[4] = reinterpret_cast<const void*>(&helpers::store<uint32_t>);
        t[8] = reinterpret_cast<const void*>(&helpers::store<uint64_t>);
        return t;
    }();
    const auto size = static_cast<unsigned>(e.arg);
    Label slow = a_.newLabel(), done = a_.newLabel();
    a_.mov(x86::rsi, xreg(insn.rs1));
    add_const(x86::rsi, insn.imm);
    tlb_lookup(l_.tlb_store, size, slow);
    leave_if_reserved(slow);
    a_.mov(x86::rax, xreg(insn.rs2));
    const x86::Gp value = size == 1   ? x86::Gp(x86::al)
                          : size == 2 ? x86::Gp(x86::ax)
                          : size == 4 ? x86::Gp(x86::eax)
                                      : x86::Gp(x86::rax);
    a_.mov(x86::ptr(x86::rdx, 0, size), value);
    a_.bind(done);
    slow_path_call(
        slow, done, kSlow[size], [this, rs2 = insn.rs2] { a_.mov(x86::rdx, xreg(rs2)); }, insn.len);
}

void BlockEmitter::branch(const DecodedInsn& insn, const OpEmit& e) {
    flush_counters(pending_ + 1); // the branch retires whichever way it goes
    Label taken = a_.newLabel();
    a_.mov(x86::rax, xreg(insn.rs1));
    a_.cmp(x86::rax, xreg(insn.rs2));
    a_.emit(Inst::jccFromCond(static_cast<CondCode>(e.arg)), taken);
    goto_static(offset_ + insn.len);
    a_.bind(taken);
    goto_static(offset_ + insn.imm);
    ended_ = true;
}

void BlockEmitter::jal(const DecodedInsn& insn, const OpEmit&) {
    if (insn.rd) {
        pc_plus(x86::rax, offset_ + insn.len);
        a_.mov(xreg(insn.rd), x86::rax);
    }
    flush_counters(pending_ + 1);
    goto_static(offset_ + insn.imm);
    ended_ = true;
}

void BlockEmitter::jalr(const DecodedInsn& insn, const OpEmit&) {
    a_.mov(x86::rax, xreg(insn.rs1)); // the target is computed before rd is written: rd may be rs1
    add_const(x86::rax, insn.imm);
    a_.and_(x86::rax, Imm(-2));
    if (insn.rd) {
        pc_plus(x86::rcx, offset_ + insn.len);
        a_.mov(xreg(insn.rd), x86::rcx);
    }
    a_.mov(pc_field(), x86::rax);
    flush_counters(pending_ + 1);
    ended_ = true;
    if (!options_.chain) {
        a_.jmp(kEpilogue);
        return;
    }
    // An indirect target: look its translation up without leaving, else the dispatcher.
    a_.mov(x86::rdi, kCtx);
    a_.mov(x86::rsi, pc_field());
    call(reinterpret_cast<const void*>(&helpers::indirect_target));
    a_.test(x86::rax, x86::rax);
    a_.jz(plain_exit_);
    a_.jmp(x86::rax);
}

// As the interpreter's FENCE (cpu/exec_rv64i.cpp): only store-load ordering
// needs an instruction on x86; FENCE.TSO (fm=1000) never asks for it.
void BlockEmitter::fence(const DecodedInsn& insn, const OpEmit&) {
    if (insn.op == Op::fence && fence_orders_store_load(static_cast<uint32_t>(insn.imm))) a_.mfence();
}

// Any op without an inline form: its interpreter semantics through a helper.
void BlockEmitter::fallback(const DecodedInsn&, const OpEmit&) {
    flush_counters(pending_); // the helper brings minstret/mcycle up to date
    pending_ = 0;
    store_pc(offset_);
    a_.mov(x86::rdi, kCtx);
    a_.mov(x86::rsi, Imm(reinterpret_cast<uint64_t>(current_)));
    call(reinterpret_cast<const void*>(&helpers::exec_insn));
    a_.test(x86::eax, x86::eax);
    a_.jnz(plain_exit_);
    counted_ = true;
    fs_known_on_ = fs_known_dirty_ = false; // a CSR write may have changed FS, frm or fflags
    fcsr_known_ = 0;
}

#include "jit/block_emitter_fp.inc"

// Turns asmjit's error codes into an exception: they mean a bug in an emitter.
class ThrowOnError : public asmjit::ErrorHandler {
  public:
    void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override {
        throw std::logic_error("jit emit error " + std::to_string(err) + ": " + message);
    }
};

// Copies finished code into the arena; nullptr when it has no room.
uint8_t* place(asmjit::CodeHolder& code, CodeArena& arena, size_t& size) {
    code.flatten();
    code.resolveUnresolvedLinks();
    size = code.codeSize();
    uint8_t* dst = arena.allocate(size);
    if (!dst) return nullptr;
    code.relocateToBase(reinterpret_cast<uint64_t>(dst));
    code.copyFlattenedData(dst, size, asmjit::CopySectionFlags::kPadSectionBuffer);
    return dst;
}

} // namespace

void ChainSlot::point_to(const uint8_t* target) {
    const auto rel = static_cast<int32_t>(target - (rel32 + 4));
    __atomic_store_n(reinterpret_cast<int32_t*>(rel32), rel, __ATOMIC_RELEASE);
}

bool emit_block(const Block& block, CompiledBlock& cb, const HostLayout& layout, const EmitOptions& options,
                CodeArena& arena) {
    ThrowOnError on_error;
    asmjit::CodeHolder code;
    code.init(asmjit::Environment::host());
    code.setErrorHandler(&on_error);
    x86::Assembler a(&code);
    cb.exit_count = 0;
    BlockEmitter emitter(a, block, cb, layout, options);
    emitter.emit();
    size_t size = 0;
    uint8_t* dst = place(code, arena, size);
    if (!dst) return false;
    cb.entry = dst;
    cb.code_size = size;
    for (const SlotLabels& s : emitter.slots()) {
        s.slot->rel32 = dst + code.labelOffsetFromBase(s.jump) + 1; // after the E9 opcode
        s.slot->stub = dst + code.labelOffsetFromBase(s.stub);
        s.slot->linked = nullptr;
    }
    return true;
}

EnterFn emit_trampoline(CodeArena& arena) {
    ThrowOnError on_error;
    asmjit::CodeHolder code;
    code.init(asmjit::Environment::host());
    code.setErrorHandler(&on_error);
    x86::Assembler a(&code);
    static const std::array<x86::Gp, 6> kSaved = {x86::rbx, x86::rbp, x86::r12, x86::r13, x86::r14, x86::r15};
    Label epilogue = a.newLabel();
    for (const x86::Gp& r : kSaved)
        a.push(r);
    a.sub(x86::rsp, 8); // keeps rsp 16-byte aligned at helper calls
    a.mov(kCtx, x86::rdi);
    a.mov(kState, x86::rsi);
    a.lea(kEpilogue, x86::ptr(epilogue));
    a.jmp(x86::rdx);
    a.bind(epilogue);
    a.add(x86::rsp, 8);
    for (auto it = kSaved.rbegin(); it != kSaved.rend(); ++it)
        a.pop(*it);
    a.ret();
    size_t size = 0;
    uint8_t* dst = place(code, arena, size);
    if (!dst) throw std::length_error("jit code arena too small for the trampoline");
    return reinterpret_cast<EnterFn>(dst);
}

} // namespace tern::jit
