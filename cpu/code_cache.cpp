#include "cpu/code_cache.hpp"

#include "core/ram_access.hpp"

#include <optional>
#include <utility>

namespace tern {

namespace {
// Instructions after which the block must end: they always transfer control,
// or they may change how the following instructions are fetched, translated or
// interrupted. A conditional branch does not end a block (up to
// kMaxBlockBranches of them): the block goes on with the not-taken path and is
// left when the branch is taken (interpreter and JIT alike, so both run the
// same blocks).
bool ends_block(Op op) {
    switch (op) {
    case Op::jal:
    case Op::jalr:
    case Op::ecall:
    case Op::ebreak:
    case Op::mret:
    case Op::sret:
    case Op::wfi:
    case Op::sfence_vma:
    case Op::fence_i:
    case Op::csrrw:
    case Op::csrrs:
    case Op::csrrc:
    case Op::csrrwi:
    case Op::csrrsi:
    case Op::csrrci:
    case Op::illegal: return true;
    default: return false;
    }
}
} // namespace

bool is_conditional_branch(Op op) {
    switch (op) {
    case Op::beq:
    case Op::bne:
    case Op::blt:
    case Op::bge:
    case Op::bltu:
    case Op::bgeu: return true;
    default: return false;
    }
}

bool decode_in_page(const uint8_t* page_host, uint64_t offset, DecodedInsn& insn) {
    if (offset + 2 > 4096) return false;
    // Harts on other threads may be storing to this page (code_modification.c).
    const uint16_t low = ram_access::load<uint16_t>(page_host + offset); // 2-byte aligned
    uint32_t raw = low;
    if (instruction_length(low) == 4) {
        if (offset + 4 > 4096) return false; // straddles the page: executed uncached
        raw |= static_cast<uint32_t>(ram_access::load<uint16_t>(page_host + offset + 2)) << 16;
    }
    insn = decode(raw);
    return true;
}

bool is_csr_access(Op op) {
    switch (op) {
    case Op::csrrw:
    case Op::csrrs:
    case Op::csrrc:
    case Op::csrrwi:
    case Op::csrrsi:
    case Op::csrrci: return true;
    default: return false;
    }
}

bool is_predicable(Op op) {
    switch (op) {
    case Op::lui:
    case Op::auipc:
    case Op::addi:
    case Op::slti:
    case Op::sltiu:
    case Op::xori:
    case Op::ori:
    case Op::andi:
    case Op::slli:
    case Op::srli:
    case Op::srai:
    case Op::add:
    case Op::sub:
    case Op::sll:
    case Op::slt:
    case Op::sltu:
    case Op::xor_:
    case Op::srl:
    case Op::sra:
    case Op::or_:
    case Op::and_:
    case Op::addiw:
    case Op::slliw:
    case Op::srliw:
    case Op::sraiw:
    case Op::addw:
    case Op::subw:
    case Op::sllw:
    case Op::srlw:
    case Op::sraw:
    case Op::mul:
    case Op::mulw: return true;
    default: return false;
    }
}

namespace {

// Whether branch `b` is taken exactly when `a` is not, for the same operands.
bool opposite(Op a, Op b) {
    constexpr std::pair<Op, Op> kPairs[] = {{Op::beq, Op::bne}, {Op::blt, Op::bge}, {Op::bltu, Op::bgeu}};
    for (auto [x, y] : kPairs)
        if ((a == x && b == y) || (a == y && b == x)) return true;
    return false;
}

// The hammock (see Hammock) around the conditional branch `branch` at page
// offset `at`, if its arms are short and predicable; `index` is the branch's
// index in the block that starts at page offset `start`.
std::optional<Hammock> find_hammock(const uint8_t* page_host, uint64_t start, uint64_t at, size_t index,
                                    const DecodedInsn& branch) {
    const int64_t target = static_cast<int64_t>(at) + branch.imm;
    if (target < 0 || target >= 4096) return std::nullopt;
    Hammock h;
    h.branch = static_cast<uint16_t>(index);
    h.arm_b_offset = static_cast<int32_t>(target - static_cast<int64_t>(start));
    uint64_t offset = at + branch.len;
    for (unsigned n = 0; n <= CodeCache::kMaxHammockArm; ++n) {
        h.arm_a = static_cast<uint16_t>(n);
        h.arm_a_bytes = static_cast<uint16_t>(offset - at - branch.len);
        if (n > 0 && offset == static_cast<uint64_t>(target)) return h; // if-then
        DecodedInsn insn;
        if (!decode_in_page(page_host, offset, insn)) return std::nullopt;
        if (is_conditional_branch(insn.op)) {
            // If-else: arm B at the target, ending in the opposite branch to the same two places.
            const uint64_t join_taken = offset + insn.imm, join_next = offset + insn.len;
            uint64_t b = static_cast<uint64_t>(target);
            for (unsigned m = 0; m <= CodeCache::kMaxHammockArm; ++m) {
                DecodedInsn other;
                if (!decode_in_page(page_host, b, other)) return std::nullopt;
                if (opposite(insn.op, other.op) && other.rs1 == insn.rs1 && other.rs2 == insn.rs2 &&
                    b + other.imm == join_next && b + other.len == join_taken)
                    return h;
                if (!is_predicable(other.op)) return std::nullopt;
                h.arm_b.push_back({exec_fn(other.op), other});
                b += other.len;
            }
            return std::nullopt;
        }
        if (!is_predicable(insn.op)) return std::nullopt;
        offset += insn.len;
    }
    return std::nullopt;
}
} // namespace

CodeCache::CodeCache(Bus& bus, unsigned owner) : bus_(bus), owner_(owner) {
    bus_.add_store_observer([this](uint64_t paddr, unsigned size, PageFlags flags, int hart) {
        if (!(flags & code_flag(owner_))) return;
        auto drop = [&](uint64_t page) {
            if (hart == static_cast<int>(owner_) || !on_remote_store)
                invalidate_page(page);
            else
                on_remote_store(page & ~0xfffull);
        };
        drop(paddr);
        if (((paddr + size - 1) ^ paddr) >> 12) drop(paddr + size - 1);
    });
}

Block* CodeCache::translate(uint64_t paddr, const uint8_t* page_host) {
    auto block = std::make_unique<Block>();
    block->paddr = paddr;
    const uint64_t page = paddr & ~0xfffull;
    uint64_t offset = paddr - page;
    const uint64_t start = offset;
    unsigned branches = 0;
    DecodedInsn insn;
    while (block->insns.size() < kMaxBlockInsns && decode_in_page(page_host, offset, insn)) {
        block->insns.push_back({exec_fn(insn.op), insn});
        if (ends_block(insn.op)) {
            block->ends_with_csr_access = is_csr_access(insn.op);
            break;
        }
        if (is_conditional_branch(insn.op)) {
            if (++branches == kMaxBlockBranches) break;
            // (Arms hold no branches, so hammocks cannot overlap.)
            if (auto h = find_hammock(page_host, start, offset, block->insns.size() - 1, insn))
                block->hammocks.push_back(std::move(*h));
        }
        offset += insn.len;
    }
    if (block->insns.empty()) return nullptr;
    // A hammock whose join the block did not reach is an ordinary branch.
    while (!block->hammocks.empty() && block->hammocks.back().join() >= block->insns.size())
        block->hammocks.pop_back();
    bus_.set_page_flag(page, code_flag(owner_), static_cast<int>(owner_));
    blocks_by_page_[page].push_back(paddr);
    Block* result = block.get();
    blocks_[paddr] = std::move(block);
    return result;
}

void CodeCache::invalidate_page(uint64_t paddr) {
    const uint64_t page = paddr & ~0xfffull;
    auto it = blocks_by_page_.find(page);
    if (it == blocks_by_page_.end()) return;
    for (uint64_t start : it->second) {
        auto b = blocks_.find(start);
        if (b == blocks_.end()) continue;
        fast_[fast_index(start)] = nullptr;
        for (auto& observer : retire_observers_)
            if (observer) observer(*b->second);
        retired_.push_back(std::move(b->second));
        blocks_.erase(b);
    }
    blocks_by_page_.erase(it);
    bus_.clear_page_flag(page, code_flag(owner_));
    ++generation_;
}

void CodeCache::flush_all() {
    for (auto& [start, block] : blocks_) {
        bus_.clear_page_flag(start, code_flag(owner_));
        for (auto& observer : retire_observers_)
            if (observer) observer(*block);
        retired_.push_back(std::move(block));
    }
    blocks_.clear();
    blocks_by_page_.clear();
    fast_.fill(nullptr);
    ++generation_;
}

} // namespace tern
