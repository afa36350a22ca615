#include "cpu/code_cache.hpp"

#include "core/ram_access.hpp"

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
} // namespace

CodeCache::CodeCache(Bus& bus, unsigned owner) : bus_(bus), owner_(owner) {
    bus_.add_store_observer([this](uint64_t paddr, unsigned size, PageFlags flags, int hart) {
        if (!(flags & code_flag(owner_))) return;
        auto drop = [&](uint64_t page) {
            if (hart == static_cast<int>(owner_) || !on_remote_store) invalidate_page(page);
            else on_remote_store(page & ~0xfffull);
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
    unsigned branches = 0;
    while (block->insns.size() < kMaxBlockInsns && offset + 2 <= 4096) {
        // Harts on other threads may be storing to this page (code_modification.c).
        const uint16_t low = ram_access::load<uint16_t>(page_host + offset); // paddr is 2-byte aligned
        uint32_t raw = low;
        if (instruction_length(low) == 4) {
            if (offset + 4 > 4096) break; // straddles the page: executed uncached
            raw |= static_cast<uint32_t>(ram_access::load<uint16_t>(page_host + offset + 2)) << 16;
        }
        DecodedInsn insn = decode(raw);
        block->insns.push_back({exec_fn(insn.op), insn});
        offset += insn.len;
        if (ends_block(insn.op)) {
            block->ends_with_csr_access = is_csr_access(insn.op);
            break;
        }
        if (is_conditional_branch(insn.op) && ++branches == kMaxBlockBranches) break;
    }
    if (block->insns.empty()) return nullptr;
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
