// RV64I base integer instructions (unprivileged spec, chapters 2 and 5).
#include <atomic>
#include <thread>

#include "cpu/code_cache.hpp"
#include "cpu/exec_helpers.hpp"
#include "cpu/fence.hpp"

namespace tern::exec {

namespace {
template <class T> void load_zext(Hart& hart, const DecodedInsn& insn) {
    T value;
    if (hart.load<T>(RS1 + IMM, value)) WRITE_RD(value);
}
template <class T> void load_sext(Hart& hart, const DecodedInsn& insn) {
    T value;
    if (hart.load<T>(RS1 + IMM, value))
        WRITE_RD(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(value)));
}
template <class T> void store(Hart& hart, const DecodedInsn& insn) {
    hart.store<T>(RS1 + IMM, static_cast<T>(RS2));
}
inline void branch_if(Hart& hart, const DecodedInsn& insn, bool taken) {
    if (taken) hart.next_pc = PC + IMM;
}
} // namespace

SEMANTICS(lui) { WRITE_RD(IMM); }
SEMANTICS(auipc) { WRITE_RD(PC + IMM); }
SEMANTICS(jal) {
    WRITE_RD(PC + insn.len);
    hart.next_pc = PC + IMM;
}
SEMANTICS(jalr) {
    const uint64_t target = (RS1 + IMM) & ~1ull; // computed before rd is written: rd may be rs1
    WRITE_RD(PC + insn.len);
    hart.next_pc = target;
}
SEMANTICS(beq) { branch_if(hart, insn, RS1 == RS2); }
SEMANTICS(bne) { branch_if(hart, insn, RS1 != RS2); }
SEMANTICS(blt) { branch_if(hart, insn, as_signed(RS1) < as_signed(RS2)); }
SEMANTICS(bge) { branch_if(hart, insn, as_signed(RS1) >= as_signed(RS2)); }
SEMANTICS(bltu) { branch_if(hart, insn, RS1 < RS2); }
SEMANTICS(bgeu) { branch_if(hart, insn, RS1 >= RS2); }

SEMANTICS(lb) { load_sext<uint8_t>(hart, insn); }
SEMANTICS(lh) { load_sext<uint16_t>(hart, insn); }
SEMANTICS(lw) { load_sext<uint32_t>(hart, insn); }
SEMANTICS(ld) { load_zext<uint64_t>(hart, insn); }
SEMANTICS(lbu) { load_zext<uint8_t>(hart, insn); }
SEMANTICS(lhu) { load_zext<uint16_t>(hart, insn); }
SEMANTICS(lwu) { load_zext<uint32_t>(hart, insn); }
SEMANTICS(sb) { store<uint8_t>(hart, insn); }
SEMANTICS(sh) { store<uint16_t>(hart, insn); }
SEMANTICS(sw) { store<uint32_t>(hart, insn); }
SEMANTICS(sd) { store<uint64_t>(hart, insn); }

SEMANTICS(addi) { WRITE_RD(RS1 + IMM); }
SEMANTICS(slti) { WRITE_RD(as_signed(RS1) < as_signed(IMM)); }
SEMANTICS(sltiu) { WRITE_RD(RS1 < IMM); }
SEMANTICS(xori) { WRITE_RD(RS1 ^ IMM); }
SEMANTICS(ori) { WRITE_RD(RS1 | IMM); }
SEMANTICS(andi) { WRITE_RD(RS1 & IMM); }
SEMANTICS(slli) { WRITE_RD(RS1 << IMM); }
SEMANTICS(srli) { WRITE_RD(RS1 >> IMM); }
SEMANTICS(srai) { WRITE_RD(as_signed(RS1) >> IMM); }
SEMANTICS(add) { WRITE_RD(RS1 + RS2); }
SEMANTICS(sub) { WRITE_RD(RS1 - RS2); }
SEMANTICS(sll) { WRITE_RD(RS1 << (RS2 & 63)); }
SEMANTICS(slt) { WRITE_RD(as_signed(RS1) < as_signed(RS2)); }
SEMANTICS(sltu) { WRITE_RD(RS1 < RS2); }
SEMANTICS(xor_) { WRITE_RD(RS1 ^ RS2); }
SEMANTICS(srl) { WRITE_RD(RS1 >> (RS2 & 63)); }
SEMANTICS(sra) { WRITE_RD(as_signed(RS1) >> (RS2 & 63)); }
SEMANTICS(or_) { WRITE_RD(RS1 | RS2); }
SEMANTICS(and_) { WRITE_RD(RS1 & RS2); }

SEMANTICS(addiw) { WRITE_RD(sext32(RS1 + IMM)); }
SEMANTICS(slliw) { WRITE_RD(sext32(RS1 << IMM)); }
SEMANTICS(srliw) { WRITE_RD(sext32(static_cast<uint32_t>(RS1) >> IMM)); }
SEMANTICS(sraiw) { WRITE_RD(static_cast<int32_t>(RS1) >> IMM); }
SEMANTICS(addw) { WRITE_RD(sext32(RS1 + RS2)); }
SEMANTICS(subw) { WRITE_RD(sext32(RS1 - RS2)); }
SEMANTICS(sllw) { WRITE_RD(sext32(RS1 << (RS2 & 31))); }
SEMANTICS(srlw) { WRITE_RD(sext32(static_cast<uint32_t>(RS1) >> (RS2 & 31))); }
SEMANTICS(sraw) { WRITE_RD(static_cast<int32_t>(RS1) >> (RS2 & 31)); }

// FENCE (2.7) on an x86 host, whose TSO order keeps every ordering but a
// later load overtaking an earlier store: only a fence that orders earlier
// writes (W, or O) before later reads (R, or I) needs a host fence (mfence);
// the rest only must not be reordered by the compiler. FENCE.TSO never orders
// store-load.
SEMANTICS(fence) {
    if (fence_orders_store_load(static_cast<uint32_t>(insn.imm)))
        std::atomic_thread_fence(std::memory_order_seq_cst);
    else
        std::atomic_signal_fence(std::memory_order_seq_cst);
}
SEMANTICS(fence_tso) { std::atomic_signal_fence(std::memory_order_seq_cst); }
// A spin-wait hint (Zihintpause): a hart on its own host thread gives the host
// CPU away, so the hart it waits for can run when there are more harts than
// host cores (as a hypervisor's pause-loop exiting does).
SEMANTICS(pause) {
    if (hart.on_own_thread) std::this_thread::yield();
}

SEMANTICS(ecall) {
    switch (hart.state.priv) {
    case Privilege::User: take_exception(hart, Exception::EcallFromU, 0); break;
    case Privilege::Supervisor: take_exception(hart, Exception::EcallFromS, 0); break;
    case Privilege::Machine: take_exception(hart, Exception::EcallFromM, 0); break;
    }
}
SEMANTICS(ebreak) { take_exception(hart, Exception::Breakpoint, PC); }

// Stores to pages holding decoded code already invalidate those blocks (the
// store fast path never covers such pages), so the decoded-instruction cache
// is never stale and fence.i has nothing left to do.
SEMANTICS(fence_i) {}

SEMANTICS(illegal) { hart.illegal_instruction(insn.raw); }

} // namespace tern::exec
