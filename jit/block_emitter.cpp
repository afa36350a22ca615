// The emit stage: one host code sequence per decoded block. Instruction
// classes are emitted by one member function each, chosen through a table
// indexed by Op; every op without an entry calls its interpreter semantics.
#include "jit/block_emitter.hpp"

#include <asmjit/x86.h>

#include <array>
#include <atomic>
#include <bit>
#include <utility>
#include <cstddef>
#include <span>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/code_cache.hpp"
#include "cpu/fence.hpp"
#include "cpu/fpu.hpp"
#include "cpu/hart.hpp"
#include "jit/code_arena.hpp"
#include "jit/code_region.hpp"
#include "jit/compiled_block.hpp"
#include "jit/helpers.hpp"
#include "jit/register_cache.hpp"
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
    l.tlb_fetch = from_state(hart.tlb.fetch.data());
    l.tlb_load = from_state(hart.tlb.load.data());
    l.tlb_store = from_state(hart.tlb.store.data());
    l.f = static_cast<int32_t>(offsetof(HartState, f));
    l.fcsr = csr + static_cast<int32_t>(offsetof(CsrState, fcsr));
    l.mstatus = csr + static_cast<int32_t>(offsetof(CsrState, mstatus));
    l.reservations_active = &hart.bus.reservations.active();
    l.store_window = from_state(&hart.store_window.open);
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
const x86::Gp kRetired = x86::r15;  // RunContext::retired, stored there around helper calls and at exits

x86::Mem ctx_field(size_t offset) { return x86::qword_ptr(kCtx, static_cast<int32_t>(offset)); }
// `jmp` there goes back to the dispatcher (an indirect jump keeps one more register for guest values).
const x86::Mem kEpilogue = ctx_field(offsetof(RunContext, epilogue));

static_assert((Tlb::kEntries & (Tlb::kEntries - 1)) == 0, "the inline TLB index is a mask");

// Ops that may change privilege, translation, interrupt enables or code:
// the block after them is reached through the dispatcher, never chained.
bool changes_context(Op op) {
    return op == Op::illegal || op == Op::fence_i || (op_info(op).match & 0x7f) == 0x73; // SYSTEM opcode
}

bool fits_i32(int64_t v) { return v == static_cast<int32_t>(v); }

// Every conditional branch may leave the block (taken), and the block's end
// has at most two static exits: one chain slot each, at most.
size_t static_exit_bound(const Block& block) {
    size_t n = 1;
    for (const BlockInsn& bi : block.insns)
        n += is_conditional_branch(bi.insn.op);
    return n;
}

class BlockEmitter;

// How one op is emitted: a class emitter and the parameters that make it this op.
struct OpEmit {
    void (BlockEmitter::*emit)(const DecodedInsn&, const OpEmit&) = nullptr; // nullptr: interpreter semantics
    InstId inst = Inst::kIdNone;
    bool word = false; // a *W op: 32-bit operation, sign-extended result
    bool pure = true;  // only writes rd: nothing to do when rd is x0
    int arg = 0;       // class-specific: condition code, shift, access size, variant
    // Reads and writes guest registers through the RegisterCache; an emitter
    // that uses state.x[] directly runs with every copy written back and
    // forgets them afterwards.
    bool cache_aware = false;
};

// A guest virtual address as the host register holding a base plus a constant.
struct GuestAddress {
    x86::Gp base;
    int32_t offset = 0;
};

struct SlotLabels {
    ChainSlot* slot;
    Label jump, stub, cold, cold_jump;
};

class BlockEmitter {
  public:
    BlockEmitter(x86::Assembler& a, const Block& block, CompiledBlock& cb, const HostLayout& layout,
                 const EmitOptions& options, const uint8_t* page)
        : a_(a), block_(block), cb_(cb), l_(layout), options_(options), page_(page), regs_(a, kState, layout.x),
          load_entry_(a.newLabel()), chain_entry_(a.newLabel()), plain_exit_(a.newLabel()) {}

    void emit();
    const std::vector<SlotLabels>& slots() const { return slots_; }
    // Where chained jumps enter (kPcBase is already the block's PC there):
    // with the guest registers in the host registers of this block's
    // assignment, or in state.x[] (the load entry).
    const Label& chain_entry() const { return chain_entry_; }
    const Label& load_entry() const { return load_entry_; }
    uint64_t register_key() const { return regs_.assignment_key(); }

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
    void divide(const DecodedInsn& insn, const OpEmit& e);
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
    // Both arms of a hammock (cpu/code_cache.hpp), then a cmov per written
    // register on the branch's condition: no host branch.
    void emit_hammock(const Hammock& h);
    void emit_arm_op(const DecodedInsn& insn);
    bool zero_extend_shift(const DecodedInsn& first, const DecodedInsn& second);
    // RunContext::hammock: x[r] before the hammock, or arm A's result.
    enum HammockSlot { kBefore = 0, kArmA = 1 };
    x86::Mem hammock_slot(HammockSlot which, unsigned r) const;
    void copy_register(const asmjit::Operand& place, unsigned r, bool to_place);
    void compare(const asmjit::Operand& rs1, const asmjit::Operand& rs2);
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
    // The guest register operands (see RegisterCache::read).
    asmjit::Operand rs(unsigned r) { return regs_.read(r, 64); }
    asmjit::Operand rs32(unsigned r) { return regs_.read(r, 32); }
    // Which guest registers the block's cache-aware instructions use, and how often.
    void allocate_registers();
    // Adds n retired instructions to the run's count (minstret and mcycle follow it, helpers.hpp).
    void flush_counters(unsigned n);
    // Leaves the block for the guest PC block + delta with the register state
    // `regs`: a chain slot when the target is on this physical page, else back
    // to the dispatcher.
    void goto_static(int64_t delta, const RegisterCache::State& regs);
    void align_rel32();
    // A static exit with `retired` instructions not yet counted and the
    // register state `regs`: writes the dirty ones back and leaves, or jumps
    // back to the loop head when the target is the block's own start.
    void exit_to(int64_t delta, unsigned retired, const RegisterCache::State& regs);
    // x[rs1] + imm, the virtual address of a load or store, as base + offset:
    // rs1's host register, or rsi loaded from state.x[].
    GuestAddress virtual_address(const DecodedInsn& insn);
    // rcx = the byte offset of vaddr's entry in a TLB array.
    void tlb_entry_offset(const GuestAddress& vaddr);
    static x86::Mem tlb_field(int32_t tlb, size_t field) {
        return x86::qword_ptr(kState, x86::rcx, 0, tlb + static_cast<int32_t>(field));
    }
    // The host operand of a `size`-byte access at `vaddr` through the TLB
    // array at `tlb` ([base + rax + offset], rax = the entry's addend); jumps
    // to `slow` on any miss. Clobbers rax, rcx and rdx.
    x86::Mem tlb_lookup(const GuestAddress& vaddr, int32_t tlb, unsigned size, const Label& slow);
    // The inline half of ReservationTable::store around a store: opens the
    // hart's store window, and jumps to the store's `slow` path (window
    // closed) while any LR reservation is outstanding: Hart::store then ends
    // the reservations the store overlaps. Clobbers rcx (free after tlb_lookup).
    void open_store_window(const Label& slow);
    void close_store_window();
    // Out-of-line exit after a trap in the current instruction (pc is the handler).
    Label trap_exit();
    // Out-of-line exit after the current instruction retired and the block must stop.
    Label stop_exit(unsigned len);
    // Calls a helper; `counted` is how many of this block's instructions r15
    // includes at the call (see call()).
    void call(const void* fn, unsigned counted);
    // `counted` for a helper called at this point of the straight line,
    // before the current instruction: the ones before it, less those pending.
    unsigned counted_before() const {
        return static_cast<unsigned>(current_ - block_.insns.data()) - pending_;
    }
    // The out-of-line half of a load or store: helper(ctx, `vaddr`, third
    // argument set up by `third_arg`), then back to `done`, or a trap/stop exit.
    // `before`: the register state before the instruction (its dirty copies are
    // written back first); `after`: the state at `done`, restored after the call.
    template <class Args>
    void slow_path_call(const Label& slow, const Label& done, const GuestAddress& vaddr, const void* fn, Args third_arg,
                        unsigned len,
                        const RegisterCache::State& before, const RegisterCache::State& after);
    template <class F> void defer(F f) { deferred_.emplace_back(std::move(f)); }
    // F and D building blocks (block_emitter_fp.inc).
    x86::Mem freg(unsigned r, unsigned size = 8, int32_t at = 0) const {
        return x86::ptr(kState, l_.f + 8 * static_cast<int32_t>(r) + at, size);
    }
    bool fp_require_enabled(const Label& slow);
    unsigned fp_fcsr_need(const DecodedInsn& insn, bool need_nx) const;
    void fp_check_fcsr(unsigned need, const Label& fail);
    void fp_fcsr_path(const Label& pre, const Label& done, unsigned need, bool used);
    // x[r] to eax (word) or rax; rax to x[rd]: in state.x[] (see fp_read_x).
    void fp_read_x(unsigned r, bool word);
    void fp_write_x(unsigned rd);
    void fp_require_boxed(unsigned r, const Label& slow);
    void fp_wrote_f();
    void fp_write_result(const DecodedInsn& insn, bool single, int checks, const Label& slow);
    void fp_call_semantics(const Label& trapped, const Label& stopped, int64_t offset, const BlockInsn* bi,
                           unsigned counted);
    void fp_slow_path(const Label& slow, const Label& done);

    x86::Assembler& a_;
    const Block& block_;
    CompiledBlock& cb_;
    const HostLayout& l_;
    const EmitOptions& options_;
    const uint8_t* page_; // the block's page (nullptr: not known), for its code region
    RegisterCache regs_;

    // A block that jumps back to its own start loops to its chain entry,
    // without the chain slot's indirection.
    bool loops_ = false;
    // RunContext::block_start is written at every entry, not before each
    // helper call: after a hammock whose arms differ in length, which
    // instructions retired is known only at run time.
    bool block_start_at_entry_ = false;

    const BlockInsn* current_ = nullptr;
    int64_t offset_ = 0;   // the current instruction's distance from the block's start
    unsigned pending_ = 0; // retired instructions not yet added to the counters
    bool counted_ = false; // the current instruction did its own counting (helper)
    bool ended_ = false;   // the block's exits have been emitted
    Label load_entry_, chain_entry_;
    Label plain_exit_; // jmp to the dispatcher; pc and counters already up to date
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
        t[static_cast<size_t>(op)] = {fn, inst, word, true, arg, true};
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
    // Division (13.2): x86 div/idiv with RISC-V's results for a zero divisor and overflow.
    for (auto [op, inst, word, rem] : {std::tuple{Op::div, Inst::kIdIdiv, false, 0},
                                       {Op::divu, Inst::kIdDiv, false, 0},
                                       {Op::rem, Inst::kIdIdiv, false, 1},
                                       {Op::remu, Inst::kIdDiv, false, 1},
                                       {Op::divw, Inst::kIdIdiv, true, 0},
                                       {Op::divuw, Inst::kIdDiv, true, 0},
                                       {Op::remw, Inst::kIdIdiv, true, 1},
                                       {Op::remuw, Inst::kIdDiv, true, 1}})
        set(op, &E::divide, inst, word, rem);
    set(Op::lui, &E::lui);
    set(Op::auipc, &E::auipc);

    // Memory, control flow: these have effects beyond rd.
    auto set_effect = [&](Op op, auto fn, InstId inst = Inst::kIdNone, int arg = 0) {
        t[static_cast<size_t>(op)] = {fn, inst, false, false, arg, true};
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
    allocate_registers();
    block_start_at_entry_ = !block_.hammocks.empty();
    a_.mov(kPcBase, pc_field());
    a_.bind(load_entry_);
    regs_.reload(regs_.allocated());
    a_.bind(chain_entry_);
    regs_.enter_warm();
    a_.inc(ctx_field(offsetof(RunContext, entries)));
    if (block_start_at_entry_) a_.mov(ctx_field(offsetof(RunContext, block_start)), kRetired);
    const auto& table = op_table();
    const Hammock* hammock = block_.hammocks.empty() ? nullptr : block_.hammocks.data();
    const Hammock* const hammocks_end = hammock ? hammock + block_.hammocks.size() : nullptr;
    for (const BlockInsn* bi = block_.insns.data(); bi != block_.insns.data() + block_.insns.size(); ++bi) {
        current_ = bi;
        if (hammock && bi == &block_.insns[hammock->branch]) {
            emit_hammock(*hammock);
            bi += hammock->arm_a; // emitted with it
            if (++hammock == hammocks_end) hammock = nullptr;
            continue;
        }
        if (options_.inline_ops && bi + 1 != block_.insns.data() + block_.insns.size() &&
            zero_extend_shift(bi->insn, bi[1].insn)) {
            ++bi; // emitted with it
            continue;
        }
        counted_ = false;
        const OpEmit& e = table[static_cast<size_t>(bi->insn.op)];
        if (!options_.inline_ops || !e.emit) {
            fallback(bi->insn, e);
        } else if (!(e.pure && bi->insn.rd == 0)) {
            if (!e.cache_aware) regs_.clean();
            (this->*e.emit)(bi->insn, e);
            if (!e.cache_aware) regs_.forget();
        }
        if (ended_) break;
        if (!counted_) ++pending_;
        offset_ += bi->insn.len;
    }
    if (!ended_) {
        if (changes_context(block_.insns.back().insn.op)) {
            regs_.clean();
            flush_counters(pending_);
            a_.jmp(kEpilogue); // pc set by the helper
        } else {
            exit_to(offset_, pending_, regs_.state());
        }
    }
    a_.bind(plain_exit_);
    a_.jmp(kEpilogue);
    // Deferred code may defer more (a side exit's chain stub): index, and move each out first.
    for (size_t i = 0; i < deferred_.size(); ++i) {
        auto f = std::move(deferred_[i]);
        f();
    }
}

// `slli t, x, 32` then `srli d, t, k`: the zero-extended low word of x
// shifted (RV64's way to index by an unsigned int, 3 instructions on x86 for
// each of the two). d straight from x's low word takes one shift, and does
// not wait for t. Both instructions retire; emitted here, or false.
bool BlockEmitter::zero_extend_shift(const DecodedInsn& first, const DecodedInsn& second) {
    if (first.op != Op::slli || first.imm != 32 || first.rd == 0 || second.op != Op::srli ||
        second.rs1 != first.rd || second.rd == 0)
        return false;
    const asmjit::Operand low = regs_.read(first.rs1, 32);
    const bool only_d = second.rd == first.rd; // t is d: its first value is never seen
    const bool direct = only_d && regs_.cached(second.rd);
    const x86::Gp d = direct ? regs_.dest(second.rd) : x86::Gp(x86::rdx); // alu's slli leaves rdx alone
    a_.emit(Inst::kIdMov, d.r32(), low); // zero-extends
    if (second.imm < 32)
        a_.shl(d, Imm(32 - second.imm));
    else if (second.imm > 32)
        a_.shr(d, Imm(second.imm - 32));
    if (!only_d) alu(first, op_table()[static_cast<size_t>(Op::slli)]);
    if (!direct) regs_.write(second.rd, x86::rdx);
    pending_ += 2;
    offset_ += first.len + second.len;
    return true;
}

// ---- building blocks ----

bool uses_register_cache(Op op) {
    const OpEmit& e = op_table()[static_cast<size_t>(op)];
    return e.emit && e.cache_aware;
}

// In a block that jumps backwards (part of a loop, most likely run many
// times), the guest registers used most by the code region around the block
// (jit/code_region.hpp), at least twice, get host registers: the blocks of
// one loop see the same region and so make the same choice, which lets
// chained jumps between them keep the registers where they are. A write
// weighs more than a read: a register the region only reads costs a load
// from state.x[] per use, one it writes a store and a store-forwarded load.
// Other blocks (run once or a few times, like most of an OS boot) work on
// state.x[]: loading and writing back registers, and finding the region,
// would cost more than they save there.
void BlockEmitter::allocate_registers() {
    int64_t offset = 0;
    bool backwards = false;
    for (const BlockInsn& bi : block_.insns) {
        const bool inline_op = options_.inline_ops && op_table()[static_cast<size_t>(bi.insn.op)].emit;
        const bool jump = bi.insn.op == Op::jal || is_conditional_branch(bi.insn.op);
        if (inline_op && jump && offset + bi.insn.imm == 0) loops_ = options_.chain;
        if (inline_op && jump && bi.insn.imm < 0) backwards = true;
        offset += bi.insn.len;
    }
    if (!options_.inline_ops || !options_.cache_registers || !(backwards || options_.cache_in_every_block)) return;
    RegisterUses uses;
    if (page_) {
        uses = region_register_uses(page_, block_.paddr & (Tlb::kPageSize - 1), &uses_register_cache);
    } else {
        for (const BlockInsn& bi : block_.insns)
            if (uses_register_cache(bi.insn.op)) uses.add(bi.insn);
    }
    std::array<uint32_t, 32> weight{};
    uint32_t eligible = 0;
    for (unsigned r = 1; r < 32; ++r) {
        weight[r] = uses.reads[r] + 4 * uses.writes[r];
        if (uses.reads[r] + uses.writes[r] >= 2) eligible |= 1u << r; // used once: nothing to gain
    }
    regs_.allocate(weight, eligible);
}

void BlockEmitter::add_const(const x86::Gp& reg, int64_t value) {
    if (value == 0) return;
    if (fits_i32(value)) {
        a_.add(reg, Imm(value));
    } else {
        a_.mov(x86::rdx, Imm(value)); // free wherever add_const is used (not rax, rcx or rsi)
        a_.add(reg, x86::rdx);
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
        a_.emit(Inst::kIdMov, x86::eax, rs32(insn.rs1));
    else
        a_.emit(Inst::kIdMov, x86::rax, rs(insn.rs1));
}

void BlockEmitter::write_rd(const DecodedInsn& insn, bool word) {
    if (!insn.rd) return;
    if (regs_.cached(insn.rd)) {
        const x86::Gp d = regs_.dest(insn.rd);
        if (word)
            a_.movsxd(d, x86::eax);
        else
            a_.mov(d, x86::rax);
        return;
    }
    if (word) a_.movsxd(x86::rax, x86::eax);
    regs_.write(insn.rd, x86::rax);
}

GuestAddress BlockEmitter::virtual_address(const DecodedInsn& insn) {
    const asmjit::Operand base = rs(insn.rs1);
    const auto offset = static_cast<int32_t>(insn.imm); // 12 bits
    if (base.isReg()) return {base.as<x86::Gp>(), offset};
    a_.emit(Inst::kIdMov, x86::rsi, base);
    return {x86::rsi, offset};
}

void BlockEmitter::exit_to(int64_t delta, unsigned retired, const RegisterCache::State& regs) {
    flush_counters(retired);
    if (!(loops_ && delta == 0)) {
        goto_static(delta, regs);
        return;
    }
    // Back to the warm entry, with the checks of a chained jump (goto_static).
    regs_.widen(regs.narrow);
    regs_.reload(regs_.allocated() & ~regs.loaded);
    a_.cmp(kRetired, ctx_field(offsetof(RunContext, limit)));
    a_.jb(chain_entry_);
    regs_.store(regs_.allocated());
    store_pc(0);
    a_.jmp(kEpilogue);
}

void BlockEmitter::flush_counters(unsigned n) {
    if (n) a_.add(kRetired, Imm(n));
}

// Helpers see and change the retired count in the RunContext, and find the
// count at the block's start (hart.steps follows it) there too: written here,
// only where a helper is called, rather than on every block entry.
void BlockEmitter::call(const void* fn, unsigned counted) {
    a_.mov(ctx_field(offsetof(RunContext, retired)), kRetired);
    if (!block_start_at_entry_) {
        a_.lea(x86::rax, x86::ptr(kRetired, -static_cast<int32_t>(counted)));
        a_.mov(ctx_field(offsetof(RunContext, block_start)), x86::rax);
    }
    a_.mov(x86::rax, Imm(reinterpret_cast<uint64_t>(fn)));
    a_.call(x86::rax);
    a_.mov(kRetired, ctx_field(offsetof(RunContext, retired)));
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
void BlockEmitter::slow_path_call(const Label& slow, const Label& done, const GuestAddress& vaddr, const void* fn,
                                  Args third_arg, unsigned len, const RegisterCache::State& before,
                                  const RegisterCache::State& after) {
    const Label trapped = trap_exit(), stopped = stop_exit(len);
    defer([this, slow, done, vaddr, trapped, stopped, fn, third_arg, offset = offset_, counted = counted_before(),
           first = current_ == &block_.insns.front(), before, after] {
        a_.bind(slow);
        regs_.write_back(before); // the helper, and a trap, see state.x[]
        a_.lea(x86::rsi, x86::ptr(vaddr.base, vaddr.offset)); // before rdi: the base may be rdi
        store_pc(offset); // xepc and the guest-error log need the PC
        a_.mov(x86::rdi, kCtx);
        third_arg();
        a_.mov(x86::ecx, Imm(first ? 1 : 0));
        call(fn, counted);
        a_.cmp(x86::eax, Imm(kExit));
        a_.je(trapped);
        a_.cmp(x86::eax, Imm(kStop));
        a_.je(stopped);
        regs_.reload(after.loaded); // the helper may have clobbered them, and wrote a load's rd
        a_.jmp(done);
    });
}

// Aligns the rel32 field of the jmp that follows to 4 bytes, so relinking is
// one aligned store; with one multi-byte NOP, as the padding is on the path
// of every chained jump.
void BlockEmitter::align_rel32() {
    static constexpr uint8_t kNops[3][3] = {{0x90}, {0x66, 0x90}, {0x0f, 0x1f, 0x00}};
    const size_t pad = (3 - (a_.offset() % 4) + 4) % 4; // (offset + pad + 1) % 4 == 0
    if (pad) a_.embed(kNops[pad - 1], pad);
}

void BlockEmitter::goto_static(int64_t delta, const RegisterCache::State& regs) {
    const int64_t target_in_page = static_cast<int64_t>(block_.paddr & (Tlb::kPageSize - 1)) + delta;
    const bool same_page = target_in_page >= 0 && target_in_page < static_cast<int64_t>(Tlb::kPageSize);
    if (!options_.chain || !same_page || cb_.exit_count == cb_.exits.size()) {
        regs_.write_back(regs);
        store_pc(delta);
        a_.jmp(kEpilogue);
        return;
    }
    // A chained jump hands the target's PC over in kPcBase, and every cached
    // guest register in its host register: a target with the same register
    // assignment is entered at its chain entry as they are; for any other,
    // the slot goes through `cold`, which writes them back, to its load entry.
    // state.pc and state.x[] are written when the jump leaves to the dispatcher.
    regs_.widen(regs.narrow);
    regs_.reload(regs_.allocated() & ~regs.loaded);
    a_.lea(kPcBase, x86::ptr(kPcBase, static_cast<int32_t>(delta)));
    ChainSlot& slot = cb_.exits[cb_.exit_count++];
    slot.owner = &cb_;
    slot.target_paddr = block_.paddr + static_cast<uint64_t>(delta);
    SlotLabels labels{&slot, a_.newLabel(), a_.newLabel(), a_.newLabel(), a_.newLabel()};
    // The dispatcher's checks between blocks, done here so a chained loop still
    // ends with the machine's slice, and when an interrupt needs the dispatcher.
    a_.cmp(kRetired, ctx_field(offsetof(RunContext, limit)));
    a_.jae(labels.stub);
    align_rel32();
    a_.bind(labels.jump);
    a_.long_().jmp(labels.stub);
    defer([this, labels] {
        a_.bind(labels.stub);
        regs_.store(regs_.allocated());
        a_.mov(pc_field(), kPcBase);
        a_.mov(x86::rax, Imm(reinterpret_cast<uint64_t>(labels.slot)));
        a_.mov(ctx_field(offsetof(RunContext, chain_request)), x86::rax);
        a_.jmp(kEpilogue);
        if (!regs_.allocated()) return; // nothing to write back: a cold link goes straight to the load entry
        a_.bind(labels.cold);
        regs_.store(regs_.allocated());
        align_rel32();
        a_.bind(labels.cold_jump);
        a_.long_().jmp(labels.stub); // patched by the link (ChainSlot::cold_rel32)
    });
    slots_.push_back(labels);
}

static_assert((sizeof(TlbEntry) & (sizeof(TlbEntry) - 1)) == 0, "a TLB entry's offset is the index shifted");

void BlockEmitter::tlb_entry_offset(const GuestAddress& vaddr) {
    constexpr unsigned kEntryBits = std::countr_zero(sizeof(TlbEntry));
    if (vaddr.offset)
        a_.lea(x86::ecx, x86::ptr(vaddr.base, vaddr.offset));
    else
        a_.mov(x86::ecx, vaddr.base.r32());
    a_.shr(x86::ecx, Tlb::kPageBits - kEntryBits);
    a_.and_(x86::ecx, Imm((Tlb::kEntries - 1) << kEntryBits));
}

// Hart::load/store's test in one compare (a valid tag has a host page): the
// page of the access's last byte is the entry's, which also rules out an
// access crossing into the next page (whose entry is another one). The
// access adds the addend the previous access used, checked against the
// entry's: its address then does not wait for the entry's load, which
// shortens chains of dependent loads; a wrong guess is corrected out of line.
x86::Mem BlockEmitter::tlb_lookup(const GuestAddress& vaddr, int32_t tlb, unsigned size, const Label& slow) {
    const x86::Mem guess = ctx_field(offsetof(RunContext, addend_guess));
    a_.mov(x86::rax, guess);
    tlb_entry_offset(vaddr);
    a_.lea(x86::rdx, x86::ptr(vaddr.base, vaddr.offset + static_cast<int32_t>(size - 1)));
    a_.shr(x86::rdx, Tlb::kPageBits);
    a_.cmp(x86::rdx, tlb_field(tlb, offsetof(TlbEntry, tag)));
    a_.jne(slow);
    const Label other = a_.newLabel(), hit = a_.newLabel();
    a_.cmp(x86::rax, tlb_field(tlb, offsetof(TlbEntry, addend)));
    a_.jne(other);
    a_.bind(hit);
    defer([this, other, hit, tlb, guess] {
        a_.bind(other);
        a_.mov(x86::rax, tlb_field(tlb, offsetof(TlbEntry, addend)));
        a_.mov(guess, x86::rax);
        a_.jmp(hit);
    });
    return x86::ptr(vaddr.base, x86::rax, 0, vaddr.offset, size);
}

void BlockEmitter::open_store_window(const Label& slow) {
    static_assert(sizeof(std::atomic<uint32_t>) == 4 && sizeof(StoreWindow::open) == 1);
    a_.mov(x86::byte_ptr(kState, l_.store_window), Imm(1));
    a_.mov(x86::rcx, Imm(reinterpret_cast<uint64_t>(l_.reservations_active)));
    a_.cmp(x86::dword_ptr(x86::rcx), Imm(0));
    Label reserved = a_.newLabel();
    a_.jne(reserved);
    defer([this, reserved, slow] {
        a_.bind(reserved);
        close_store_window();
        a_.jmp(slow);
    });
}

void BlockEmitter::close_store_window() { a_.mov(x86::byte_ptr(kState, l_.store_window), Imm(0)); }

// ---- instruction classes ----

// rd = rs1 OP (rs2 | imm); shifts and rotates take the count in cl, which x86
// masks to 6 (5 for 32-bit) bits exactly as RISC-V does.
void BlockEmitter::alu(const DecodedInsn& insn, const OpEmit& e) {
    const bool shift = e.inst == Inst::kIdShl || e.inst == Inst::kIdShr || e.inst == Inst::kIdSar ||
                       e.inst == Inst::kIdRol || e.inst == Inst::kIdRor;
    const bool has_imm = op_info(insn.op).imm != ImmKind::None;
    // Straight into rd's host register, unless rd is rs2 alone (the first mov
    // would destroy it) of an op whose operands cannot be swapped.
    unsigned r1 = insn.rs1, r2 = insn.rs2;
    const bool commutative = e.inst == Inst::kIdAdd || e.inst == Inst::kIdAnd || e.inst == Inst::kIdOr ||
                             e.inst == Inst::kIdXor || e.inst == Inst::kIdImul;
    if (!has_imm && commutative && r2 == insn.rd) std::swap(r1, r2);
    if (!e.word && regs_.cached(insn.rd) && (has_imm || r2 != insn.rd || r1 == insn.rd)) {
        const asmjit::Operand src1 = rs(r1);
        const asmjit::Operand src2 = has_imm ? asmjit::Operand(Imm(insn.imm)) : rs(r2);
        if (shift && !has_imm) a_.emit(Inst::kIdMov, x86::rcx, src2);
        const bool neutral_zero = e.inst != Inst::kIdAnd && e.inst != Inst::kIdImul; // op(x, 0) == x
        const x86::Gp d = regs_.dest(insn.rd);
        if (r1 == 0 && has_imm && neutral_zero && !shift) { // li
            a_.mov(d, Imm(insn.imm));
            return;
        }
        if (r1 != insn.rd) a_.emit(Inst::kIdMov, d, src1);
        if (has_imm) {
            if (insn.imm != 0 || !neutral_zero) a_.emit(e.inst, d, src2);
        } else {
            a_.emit(e.inst, d, shift ? asmjit::Operand(x86::cl) : src2);
        }
        return;
    }
    // A W op into a cached rd: computed in rd's low half (addw/addiw with
    // lea, any op when rd is rs1), and left narrow (RegisterCache::State).
    if (e.word && regs_.cached(insn.rd)) {
        const asmjit::Operand src1 = rs32(r1);
        const asmjit::Operand src2 = has_imm ? asmjit::Operand(Imm(insn.imm)) : rs32(r2);
        const bool lea = e.inst == Inst::kIdAdd && src1.isReg() && (has_imm || src2.isReg());
        if (lea || r1 == insn.rd) {
            if (shift && !has_imm) a_.emit(Inst::kIdMov, x86::ecx, src2);
            const x86::Gp d = regs_.dest(insn.rd);
            if (lea && has_imm)
                a_.lea(d.r32(), x86::ptr(src1.as<x86::Gp>().r64(), static_cast<int32_t>(insn.imm)));
            else if (lea)
                a_.lea(d.r32(), x86::ptr(src1.as<x86::Gp>().r64(), src2.as<x86::Gp>().r64()));
            else
                a_.emit(e.inst, d.r32(), shift && !has_imm ? asmjit::Operand(x86::cl) : src2);
            regs_.set_narrow(insn.rd); // sign-extended where a 64-bit reader needs it
            return;
        }
    }
    const x86::Gp acc = e.word ? x86::Gp(x86::eax) : x86::Gp(x86::rax);
    load_rs1(insn, e.word);
    if (has_imm) {
        a_.emit(e.inst, acc, Imm(insn.imm));
    } else if (shift) {
        a_.emit(Inst::kIdMov, x86::rcx, rs(insn.rs2));
        a_.emit(e.inst, acc, x86::cl);
    } else {
        a_.emit(e.inst, acc, e.word ? rs32(insn.rs2) : rs(insn.rs2));
    }
    write_rd(insn, e.word);
}

void BlockEmitter::set_if(const DecodedInsn& insn, const OpEmit& e) {
    a_.xor_(x86::ecx, x86::ecx);
    a_.emit(Inst::kIdMov, x86::rax, rs(insn.rs1));
    if (op_info(insn.op).imm != ImmKind::None)
        a_.cmp(x86::rax, Imm(insn.imm));
    else
        a_.emit(Inst::kIdCmp, x86::rax, rs(insn.rs2));
    a_.emit(Inst::setccFromCond(static_cast<CondCode>(e.arg)), x86::cl);
    regs_.write(insn.rd, x86::rcx);
}

void BlockEmitter::min_max(const DecodedInsn& insn, const OpEmit& e) {
    a_.emit(Inst::kIdMov, x86::rax, rs(insn.rs1));
    a_.emit(Inst::kIdMov, x86::rcx, rs(insn.rs2));
    a_.cmp(x86::rax, x86::rcx);
    a_.emit(Inst::cmovccFromCond(static_cast<CondCode>(e.arg)), x86::rax, x86::rcx);
    write_rd(insn, false);
}

// andn, orn, xnor: rs1 OP ~rs2 (xnor: rs1 ^ ~rs2 == ~(rs1 ^ rs2)).
void BlockEmitter::inverted(const DecodedInsn& insn, const OpEmit& e) {
    a_.emit(Inst::kIdMov, x86::rax, rs(insn.rs2));
    a_.not_(x86::rax);
    a_.emit(e.inst, x86::rax, rs(insn.rs1));
    write_rd(insn, false);
}

void BlockEmitter::shift_add(const DecodedInsn& insn, const OpEmit& e) {
    load_rs1(insn, e.word); // the .uw forms use the zero-extended low word
    if (e.arg) a_.shl(x86::rax, Imm(e.arg));
    a_.emit(Inst::kIdAdd, x86::rax, rs(insn.rs2));
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
        a_.emit(e.inst, x86::eax, rs32(insn.rs1));
    else
        a_.emit(e.inst, x86::rax, rs(insn.rs1));
    write_rd(insn, false);
}

void BlockEmitter::extend(const DecodedInsn& insn, const OpEmit& e) {
    const asmjit::Operand src = regs_.read(insn.rs1, e.arg == 1 ? 8 : 16);
    a_.emit(e.inst, e.inst == Inst::kIdMovzx ? x86::Gp(x86::eax) : x86::Gp(x86::rax), src);
    write_rd(insn, false);
}

void BlockEmitter::byte_swap(const DecodedInsn& insn, const OpEmit&) {
    a_.emit(Inst::kIdMov, x86::rax, rs(insn.rs1));
    a_.bswap(x86::rax);
    write_rd(insn, false);
}

// The high 64 bits of the 128-bit product (unprivileged spec 13.1). mulhsu is
// the unsigned product minus rs2 << 64 when rs1 is negative.
void BlockEmitter::mul_high(const DecodedInsn& insn, const OpEmit& e) {
    const asmjit::Operand rs1 = rs(insn.rs1), rs2 = rs(insn.rs2);
    a_.emit(Inst::kIdMov, x86::rax, rs1);
    a_.emit(e.arg == 0 ? Inst::kIdImul : Inst::kIdMul, rs2);
    if (e.arg == 2) {
        a_.emit(Inst::kIdMov, x86::rax, rs1);
        a_.sar(x86::rax, 63);
        a_.emit(Inst::kIdAnd, x86::rax, rs2);
        a_.sub(x86::rdx, x86::rax);
    }
    regs_.write(insn.rd, x86::rdx);
}

// div[u][w], rem[u][w] (unprivileged spec 13.2): a zero divisor gives all ones
// (div) or the dividend (rem); the signed overflow -2^(XLEN-1) / -1 gives the
// dividend (div) or 0 (rem), which is what negation and zero give for any
// divisor of -1, so x86's idiv (which faults on both) never sees them.
void BlockEmitter::divide(const DecodedInsn& insn, const OpEmit& e) {
    const bool is_signed = e.inst == Inst::kIdIdiv, is_rem = e.arg != 0;
    const x86::Gp a = e.word ? x86::Gp(x86::eax) : x86::Gp(x86::rax);
    const x86::Gp c = e.word ? x86::Gp(x86::ecx) : x86::Gp(x86::rcx);
    const x86::Gp d = e.word ? x86::Gp(x86::edx) : x86::Gp(x86::rdx);
    a_.emit(Inst::kIdMov, c, e.word ? rs32(insn.rs2) : rs(insn.rs2));
    load_rs1(insn, e.word);
    Label by_zero = a_.newLabel(), by_minus_one = a_.newLabel(), done = a_.newLabel();
    a_.test(c, c);
    a_.jz(by_zero);
    if (is_signed) {
        a_.cmp(c, Imm(-1));
        a_.je(by_minus_one);
        a_.emit(e.word ? Inst::kIdCdq : Inst::kIdCqo, d, a);
    } else {
        a_.xor_(x86::edx, x86::edx);
    }
    a_.emit(e.inst, d, a, c);
    if (is_rem) a_.mov(a, d);
    a_.jmp(done);
    a_.bind(by_zero);
    if (!is_rem) a_.mov(x86::rax, Imm(-1)); // rem: the dividend is in rax already
    if (is_signed) {
        a_.jmp(done);
        a_.bind(by_minus_one);
        if (is_rem)
            a_.xor_(x86::eax, x86::eax);
        else
            a_.neg(a);
    }
    a_.bind(done);
    write_rd(insn, e.word);
}

void BlockEmitter::lui(const DecodedInsn& insn, const OpEmit&) {
    regs_.write_imm(insn.rd, static_cast<int32_t>(insn.imm));
}

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
    const GuestAddress vaddr = virtual_address(insn);
    const RegisterCache::State before = regs_.state();
    const x86::Mem host = tlb_lookup(vaddr, l_.tlb_load, size, slow);
    const bool wide = is_signed || size == 8; // else a 32-bit destination zero-extends
    if (insn.rd && regs_.cached(insn.rd)) {
        const x86::Gp d = regs_.dest(insn.rd);
        a_.emit(e.inst, wide ? d : d.r32(), host);
    } else {
        a_.emit(e.inst, wide ? x86::Gp(x86::rax) : x86::Gp(x86::eax), host);
        if (insn.rd) regs_.write(insn.rd, x86::rax);
    }
    a_.bind(done);
    slow_path_call(
        slow, done, vaddr, kSlow[size][is_signed], [this, rd = insn.rd] { a_.mov(x86::edx, Imm(rd)); },
        insn.len, before, regs_.state());
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
    const GuestAddress vaddr = virtual_address(insn);
    const asmjit::Operand value = rs(insn.rs2);
    const RegisterCache::State before = regs_.state();
    const x86::Mem host = tlb_lookup(vaddr, l_.tlb_store, size, slow);
    open_store_window(slow);
    x86::Gp source = x86::rcx; // free after the lookup
    if (value.isReg())
        source = value.as<x86::Gp>();
    else if (insn.rs2)
        a_.emit(Inst::kIdMov, x86::rcx, value);
    if (insn.rs2) {
        const x86::Gp narrow = size == 1   ? x86::Gp(source.r8())
                               : size == 2 ? x86::Gp(source.r16())
                               : size == 4 ? x86::Gp(source.r32())
                                           : x86::Gp(source.r64());
        a_.mov(host, narrow);
    } else {
        a_.mov(host, Imm(0));
    }
    close_store_window();
    a_.bind(done);
    // The slow path runs with state.x[] current (before.dirty written back).
    slow_path_call(
        slow, done, vaddr, kSlow[size], [this, rs2 = insn.rs2] { a_.mov(x86::rdx, xreg(rs2)); }, insn.len,
        before, regs_.state());
}

// A branch inside the block leaves it only when taken (a side exit, out of
// line); the block's last instruction exits both ways.
void BlockEmitter::branch(const DecodedInsn& insn, const OpEmit& e) {
    const bool last = current_ == &block_.insns.back();
    if (!last && insn.imm == insn.len) return; // both ways lead to the next instruction
    Label taken = a_.newLabel();
    compare(rs(insn.rs1), insn.rs2 ? rs(insn.rs2) : asmjit::Operand(Imm(0)));
    a_.emit(Inst::jccFromCond(static_cast<CondCode>(e.arg)), taken);
    const unsigned retired = pending_ + 1; // the branch retires whichever way it goes
    const int64_t target = offset_ + insn.imm;
    if (!last) {
        defer([this, taken, retired, target, regs = regs_.state()] {
            a_.bind(taken);
            exit_to(target, retired, regs);
        });
        return;
    }
    exit_to(offset_ + insn.len, retired, regs_.state());
    a_.bind(taken);
    exit_to(target, retired, regs_.state());
    ended_ = true;
}

// Flags for a conditional branch: x[rs1] compared with x[rs2] (their
// register or memory operands, or an immediate 0 for x0 as rs2).
void BlockEmitter::compare(const asmjit::Operand& rs1, const asmjit::Operand& rs2) {
    if (rs1.isReg() || !rs2.isMem()) {
        a_.emit(Inst::kIdCmp, rs1, rs2);
    } else {
        a_.emit(Inst::kIdMov, x86::rax, rs1);
        a_.emit(Inst::kIdCmp, x86::rax, rs2);
    }
}

// Free while a hammock's arms run: their ops are emitted by alu, set_if, lui
// and auipc (is_predicable in cpu/code_cache.cpp), which use rax and rcx alone.
const std::array<x86::Gp, 2> kHammockScratch = {x86::rdx, x86::rsi};

// A hammock (cpu/code_cache.hpp) without a host branch. Both arms run, one
// after the other on one straight line (so the register cache's view of what
// is loaded holds on both paths), from the same register values: a register
// arm A writes and arm B reads is saved first and restored after arm A. Then
// the branch's comparison, on the values from before, and one cmov per
// written register pick each one's value on the way taken: arm A's result
// (put aside when arm B overwrites it), arm B's, or the value before. Only
// those cmovs wait for the comparison, so both arms compute while its
// operands load. The straight line counts arm A's instructions as retired;
// the taken way corrects the count by the difference.
void BlockEmitter::emit_hammock(const Hammock& h) {
    const DecodedInsn& branch = current_->insn;
    const BlockInsn* const arm_a = current_ + 1;
    const std::span<const BlockInsn> arm_a_insns(arm_a, h.arm_a);
    // What each arm writes, and which values from before arm B reads.
    uint32_t writes_a = 0, writes_b = 0, reads_b = 0;
    for (const BlockInsn& bi : arm_a_insns)
        writes_a |= register_masks(bi.insn).writes;
    for (const BlockInsn& bi : h.arm_b) {
        const RegisterMasks m = register_masks(bi.insn);
        reads_b |= m.reads & ~writes_b;
        writes_b |= m.writes;
    }
    writes_a &= ~1u, writes_b &= ~1u;
    const uint32_t compared = ((1u << branch.rs1) | (1u << branch.rs2)) & ~1u;
    const uint32_t restored = writes_a & reads_b;
    const uint32_t keep_a = writes_a & (writes_b | restored); // arm A's results that arm B's run overwrites
    const uint32_t keep_before = restored | (writes_a ^ writes_b) | (compared & (writes_a | writes_b));
    auto for_each = [](uint32_t set, auto f) {
        for (unsigned r = 1; r < 32; ++r)
            if (set & (1u << r)) f(r);
    };
    // The values from before in the two scratch registers the arms' ops leave
    // alone (see kHammockScratch), the restored ones first: arm B waits for
    // those, and a register copy is quicker than a store and a reload.
    std::array<int, 32> scratch_of;
    scratch_of.fill(-1);
    size_t scratch_used = 0;
    for (const uint32_t set : {restored, keep_before & ~restored})
        for_each(set, [&](unsigned r) {
            if (scratch_used < kHammockScratch.size()) scratch_of[r] = static_cast<int>(scratch_used++);
        });
    auto before = [&](unsigned r) -> asmjit::Operand {
        if (scratch_of[r] >= 0) return kHammockScratch[static_cast<size_t>(scratch_of[r])];
        return hammock_slot(kBefore, r);
    };
    ++pending_; // the branch retires either way
    offset_ += branch.len;
    for_each(keep_before, [&](unsigned r) { copy_register(before(r), r, true); });
    for (const BlockInsn& bi : arm_a_insns) {
        emit_arm_op(bi.insn);
        ++pending_;
        offset_ += bi.insn.len;
    }
    for_each(keep_a, [&](unsigned r) { copy_register(hammock_slot(kArmA, r), r, true); });
    for_each(restored, [&](unsigned r) { copy_register(before(r), r, false); });
    const int64_t join = offset_;
    offset_ = h.arm_b_offset; // auipc in arm B reads its own PC
    for (const BlockInsn& bi : h.arm_b) {
        emit_arm_op(bi.insn);
        offset_ += bi.insn.len;
    }
    offset_ = join;
    const auto skew = static_cast<int32_t>(h.arm_b.size()) - h.arm_a;
    if (skew) a_.lea(x86::rcx, x86::ptr(kRetired, skew));
    auto compared_value = [&](unsigned r) {
        return r && (compared & (writes_a | writes_b) & (1u << r)) ? before(r) : regs_.read(r);
    };
    compare(compared_value(branch.rs1), branch.rs2 ? compared_value(branch.rs2) : asmjit::Operand(Imm(0)));
    // The flags of every cmov below: only movs in between.
    const auto taken = static_cast<CondCode>(op_table()[static_cast<size_t>(branch.op)].arg);
    const InstId if_taken = Inst::cmovccFromCond(taken), if_not = Inst::cmovccFromCond(x86::negateCond(taken));
    if (skew) a_.emit(if_taken, kRetired, x86::rcx);
    for_each(writes_a | writes_b, [&](unsigned r) {
        // Holds arm B's result, or (not written or restored for arm B) arm A's or the value before.
        const bool from_a = keep_a & (1u << r), b_has_a = (writes_a & ~writes_b & ~restored) & (1u << r);
        const asmjit::Operand other = from_a ? asmjit::Operand(hammock_slot(kArmA, r)) : before(r);
        const InstId pick = b_has_a ? if_taken : if_not;
        const asmjit::Operand value = regs_.read(r);
        if (value.isReg()) {
            a_.emit(pick, regs_.dest(r), other);
            return;
        }
        a_.mov(x86::rax, value.as<x86::Mem>());
        a_.emit(pick, x86::rax, other);
        a_.mov(value.as<x86::Mem>(), x86::rax);
    });
}

x86::Mem BlockEmitter::hammock_slot(HammockSlot which, unsigned r) const {
    return ctx_field(offsetof(RunContext, hammock) + sizeof(uint64_t) * (32 * which + r));
}

// x[r] to `place` (to_place), or back from it: a register or memory, through
// x[r]'s host register or state.x[].
void BlockEmitter::copy_register(const asmjit::Operand& place, unsigned r, bool to_place) {
    const asmjit::Operand value = regs_.read(r); // loads a cached register that is not yet
    if (value.isReg() || place.isReg()) {
        const asmjit::Operand x = value.isReg() && !to_place ? asmjit::Operand(regs_.dest(r)) : value;
        a_.emit(Inst::kIdMov, to_place ? place : x, to_place ? x : place);
        return;
    }
    a_.mov(x86::rax, to_place ? value.as<x86::Mem>() : place.as<x86::Mem>());
    a_.mov(to_place ? place.as<x86::Mem>() : value.as<x86::Mem>(), x86::rax);
}

void BlockEmitter::emit_arm_op(const DecodedInsn& insn) {
    const OpEmit& e = op_table()[static_cast<size_t>(insn.op)];
    if (!e.emit || !e.cache_aware || !e.pure)
        throw std::logic_error("jit: a hammock arm holds an op without an inline form"); // see kHammockScratch
    if (insn.rd) (this->*e.emit)(insn, e);
}

void BlockEmitter::jal(const DecodedInsn& insn, const OpEmit&) {
    if (insn.rd) {
        pc_plus(x86::rax, offset_ + insn.len);
        regs_.write(insn.rd, x86::rax);
    }
    exit_to(offset_ + insn.imm, pending_ + 1, regs_.state());
    ended_ = true;
}

void BlockEmitter::jalr(const DecodedInsn& insn, const OpEmit&) {
    a_.emit(Inst::kIdMov, x86::rax, rs(insn.rs1)); // the target is computed before rd is written: rd may be rs1
    add_const(x86::rax, insn.imm);
    a_.and_(x86::rax, Imm(-2));
    if (insn.rd) {
        pc_plus(x86::rcx, offset_ + insn.len);
        regs_.write(insn.rd, x86::rcx);
    }
    regs_.clean();
    a_.mov(pc_field(), x86::rax);
    flush_counters(pending_ + 1);
    ended_ = true;
    if (!options_.chain) {
        a_.jmp(kEpilogue);
        return;
    }
    // An indirect target: the block it went to last when that is still the
    // translation of the target (what helpers::indirect_target would find,
    // with its checks), else look it up without leaving, else the dispatcher.
    Label lookup = a_.newLabel();
    a_.cmp(kRetired, ctx_field(offsetof(RunContext, limit)));
    a_.jae(plain_exit_);
    a_.mov(x86::rdx, Imm(reinterpret_cast<uint64_t>(&cb_.indirect_cache)));
    a_.mov(x86::rdx, x86::qword_ptr(x86::rdx));
    a_.test(x86::rdx, x86::rdx);
    a_.jz(lookup);
    tlb_entry_offset({x86::rax});
    a_.mov(x86::rsi, x86::rax);
    a_.shr(x86::rsi, Tlb::kPageBits);
    a_.cmp(x86::rsi, tlb_field(l_.tlb_fetch, offsetof(TlbEntry, tag))); // a valid tag has a host page
    a_.jne(lookup);
    a_.mov(x86::rsi, tlb_field(l_.tlb_fetch, offsetof(TlbEntry, paddr_page)));
    a_.mov(x86::ecx, x86::eax);
    a_.and_(x86::ecx, Imm(Tlb::kPageSize - 1));
    a_.or_(x86::rsi, x86::rcx);
    a_.cmp(x86::rsi, x86::qword_ptr(x86::rdx, static_cast<int32_t>(offsetof(CompiledBlock, paddr))));
    a_.jne(lookup);
    a_.cmp(x86::byte_ptr(x86::rdx, static_cast<int32_t>(offsetof(CompiledBlock, dead))), Imm(0));
    a_.jne(lookup);
    a_.jmp(x86::qword_ptr(x86::rdx, static_cast<int32_t>(offsetof(CompiledBlock, entry))));
    a_.bind(lookup);
    a_.mov(x86::rdi, kCtx);
    a_.mov(x86::rsi, x86::rax);
    a_.mov(x86::rdx, Imm(reinterpret_cast<uint64_t>(&cb_.indirect_cache)));
    call(reinterpret_cast<const void*>(&helpers::indirect_target), counted_before() + pending_ + 1); // flushed above
    a_.test(x86::rax, x86::rax);
    a_.jz(plain_exit_);
    a_.jmp(x86::rax);
}

// As the interpreter's FENCE (cpu/exec_rv64i.cpp): only store-load ordering
// needs an instruction on x86; FENCE.TSO (fm=1000) never asks for it.
void BlockEmitter::fence(const DecodedInsn& insn, const OpEmit&) {
    if (insn.op == Op::fence && fence_orders_store_load(static_cast<uint32_t>(insn.imm))) a_.mfence();
}

// Any op without an inline form: its interpreter semantics through a helper,
// which sees and may change any of state.x[].
void BlockEmitter::fallback(const DecodedInsn&, const OpEmit&) {
    regs_.clean();
    flush_counters(pending_); // the helper brings minstret/mcycle up to date
    pending_ = 0;
    store_pc(offset_);
    a_.mov(x86::rdi, kCtx);
    a_.mov(x86::rsi, Imm(reinterpret_cast<uint64_t>(current_)));
    call(reinterpret_cast<const void*>(&helpers::exec_insn), counted_before());
    regs_.forget();
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
    code.relocateToBase(reinterpret_cast<uint64_t>(dst)); // runs at dst...
    code.copyFlattenedData(arena.writable(dst), size, asmjit::CopySectionFlags::kPadSectionBuffer); // written there
    return dst;
}

} // namespace

namespace {
// The displacement is relative to the executable address; the store goes
// through the arena's writable alias (`to_writable` bytes away).
void patch_rel32(uint8_t* rel32, const uint8_t* target, ptrdiff_t to_writable) {
    const auto rel = static_cast<int32_t>(target - (rel32 + 4));
    __atomic_store_n(reinterpret_cast<int32_t*>(rel32 + to_writable), rel, __ATOMIC_RELEASE);
}
} // namespace

void ChainSlot::point_to(const uint8_t* target) { patch_rel32(rel32, target, to_writable); }

void ChainSlot::point_cold_to(const uint8_t* load_entry) {
    if (!cold) { // this block keeps no guest register in a host register
        point_to(load_entry);
        return;
    }
    patch_rel32(cold_rel32, load_entry, to_writable); // unreachable until point_to(cold)
    point_to(cold);
}

bool emit_block(const Block& block, CompiledBlock& cb, const HostLayout& layout, const EmitOptions& options,
                CodeArena& arena, const uint8_t* page) {
    ThrowOnError on_error;
    asmjit::CodeHolder code;
    code.init(asmjit::Environment::host());
    code.setErrorHandler(&on_error);
    x86::Assembler a(&code);
    cb.exits.assign(static_exit_bound(block), ChainSlot{}); // fixed from here on: slots are pointed to
    cb.exit_count = 0;
    BlockEmitter emitter(a, block, cb, layout, options, page);
    emitter.emit();
    size_t size = 0;
    uint8_t* dst = place(code, arena, size);
    if (!dst) return false;
    cb.entry = dst;
    cb.chain_entry = dst + code.labelOffsetFromBase(emitter.chain_entry());
    cb.load_entry = dst + code.labelOffsetFromBase(emitter.load_entry());
    cb.register_key = emitter.register_key();
    cb.code_size = size;
    for (const SlotLabels& s : emitter.slots()) {
        s.slot->rel32 = dst + code.labelOffsetFromBase(s.jump) + 1; // after the E9 opcode
        s.slot->to_writable = arena.writable(dst) - dst;
        s.slot->stub = dst + code.labelOffsetFromBase(s.stub);
        if (code.isLabelBound(s.cold)) {
            s.slot->cold_rel32 = dst + code.labelOffsetFromBase(s.cold_jump) + 1;
            s.slot->cold = dst + code.labelOffsetFromBase(s.cold);
        }
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
    a.mov(kRetired, ctx_field(offsetof(RunContext, retired)));
    a.lea(x86::rax, x86::ptr(epilogue));
    a.mov(kEpilogue, x86::rax);
    a.jmp(x86::rdx);
    a.bind(epilogue);
    a.mov(ctx_field(offsetof(RunContext, retired)), kRetired);
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
