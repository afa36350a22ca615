#include "jit/register_cache.hpp"

#include <algorithm>
#include <numeric>

namespace tern::jit {

namespace x86 = asmjit::x86;

namespace {
// Neither pinned (rbx, r12, r13, r15) nor an emitter's scratch register (rax,
// rcx, rdx, rsi). Helper calls are preceded by clean() and followed by
// forget() or reload(): most of these are caller-saved.
const std::array<x86::Gp, 7> kPool = {x86::rbp, x86::r14, x86::rdi, x86::r8, x86::r9, x86::r10, x86::r11};
static_assert(kPool.size() * 5 <= 64, "assignment_key: 5 bits per host register");
} // namespace

RegisterCache::RegisterCache(x86::Assembler& a, const x86::Gp& state, int32_t x)
    : a_(a), state_reg_(state), x_(x) {
    host_of_.fill(-1);
}

void RegisterCache::allocate(const std::array<uint32_t, 32>& weight, uint32_t eligible) {
    std::array<unsigned, 31> order; // x1..x31, heaviest first
    std::iota(order.begin(), order.end(), 1u);
    std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) { return weight[a] > weight[b]; });
    size_t used = 0;
    for (unsigned r : order)
        if (used < kPool.size() && (eligible & (1u << r))) host_of_[r] = static_cast<int8_t>(used++);
}

uint32_t RegisterCache::allocated() const {
    uint32_t mask = 0;
    for (unsigned r = 1; r < 32; ++r)
        if (cached(r)) mask |= 1u << r;
    return mask;
}

x86::Gp RegisterCache::dest(unsigned r) {
    state_.loaded |= 1u << r;
    state_.dirty |= 1u << r;
    state_.narrow &= ~(1u << r);
    return host(r);
}

uint64_t RegisterCache::assignment_key() const {
    uint64_t key = 0;
    for (unsigned r = 1; r < 32; ++r)
        if (cached(r)) key |= static_cast<uint64_t>(r) << (5 * host_of_[r]); // per host register: its guest register
    return key;
}

x86::Gp RegisterCache::host(unsigned r) const { return kPool[static_cast<size_t>(host_of_[r])]; }

x86::Mem RegisterCache::slot(unsigned r, unsigned bits) const {
    return x86::ptr(state_reg_, x_ + 8 * static_cast<int32_t>(r), bits / 8);
}

asmjit::Operand RegisterCache::read(unsigned r, unsigned bits) {
    if (!cached(r)) return slot(r, bits);
    const uint32_t bit = 1u << r;
    if (!(state_.loaded & bit)) {
        a_.mov(host(r), slot(r, 64));
        state_.loaded |= bit;
    }
    const x86::Gp h = host(r);
    if (bits == 64 && (state_.narrow & bit)) {
        a_.movsxd(h, h.r32());
        state_.narrow &= ~bit;
    }
    switch (bits) {
    case 8: return h.r8();
    case 16: return h.r16();
    case 32: return h.r32();
    default: return h;
    }
}

void RegisterCache::write(unsigned r, const x86::Gp& value) {
    if (!cached(r)) {
        a_.mov(slot(r, 64), value);
        return;
    }
    a_.mov(dest(r), value);
}

void RegisterCache::write_imm(unsigned r, int32_t value) {
    if (!cached(r)) {
        a_.mov(slot(r, 64), asmjit::Imm(value));
        return;
    }
    a_.mov(dest(r), asmjit::Imm(value));
}

void RegisterCache::widen(uint32_t narrow) {
    for (unsigned r = 1; r < 32; ++r)
        if (narrow & (1u << r)) a_.movsxd(host(r), host(r).r32());
}

void RegisterCache::store(uint32_t dirty) {
    for (unsigned r = 1; r < 32; ++r)
        if (dirty & (1u << r)) a_.mov(slot(r, 64), host(r));
}

void RegisterCache::reload(uint32_t loaded) {
    for (unsigned r = 1; r < 32; ++r)
        if (loaded & (1u << r)) a_.mov(host(r), slot(r, 64));
}

} // namespace tern::jit
