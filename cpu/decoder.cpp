#include "cpu/decoder.hpp"

#include <algorithm>
#include <bit>
#include <vector>

namespace tern {
namespace {

constexpr int64_t sext(uint64_t value, unsigned bits) {
    const unsigned shift = 64 - bits;
    return static_cast<int64_t>(value << shift) >> shift;
}
constexpr uint32_t bits(uint32_t raw, unsigned hi, unsigned lo) {
    return (raw >> lo) & ((1u << (hi - lo + 1)) - 1);
}

int64_t immediate(uint32_t raw, ImmKind kind) {
    switch (kind) {
    case ImmKind::None: return 0;
    case ImmKind::I: return sext(bits(raw, 31, 20), 12);
    case ImmKind::S: return sext(bits(raw, 31, 25) << 5 | bits(raw, 11, 7), 12);
    case ImmKind::B:
        return sext(bits(raw, 31, 31) << 12 | bits(raw, 7, 7) << 11 | bits(raw, 30, 25) << 5 |
                        bits(raw, 11, 8) << 1,
                    13);
    case ImmKind::U: return sext(raw & 0xfffff000u, 32);
    case ImmKind::J:
        return sext(bits(raw, 31, 31) << 20 | bits(raw, 19, 12) << 12 | bits(raw, 20, 20) << 11 |
                        bits(raw, 30, 21) << 1,
                    21);
    case ImmKind::Shamt: return bits(raw, 25, 20);
    case ImmKind::Csr: return bits(raw, 31, 20);
    }
    return 0;
}

// Candidates grouped by the major opcode (bits 6:2), most specific pattern
// first, so that e.g. `pause` wins over `fence` whatever the table order.
struct OpcodeBuckets {
    std::array<std::vector<Op>, 32> by_opcode;
    OpcodeBuckets() {
        for (size_t i = 0; i + 1 < kOpCount; ++i) {
            const OpInfo& info = kOpInfo[i];
            by_opcode[(info.match >> 2) & 31].push_back(static_cast<Op>(i));
        }
        for (auto& bucket : by_opcode)
            std::stable_sort(bucket.begin(), bucket.end(), [](Op a, Op b) {
                return std::popcount(op_info(a).mask) > std::popcount(op_info(b).mask);
            });
    }
};
const OpcodeBuckets kBuckets; // immutable after static initialisation

} // namespace

DecodedInsn decode32(uint32_t raw) {
    DecodedInsn d;
    d.raw = raw;
    d.len = 4;
    d.rd = bits(raw, 11, 7);
    d.rs1 = bits(raw, 19, 15);
    d.rs2 = bits(raw, 24, 20);
    d.rs3 = bits(raw, 31, 27);
    d.rm = bits(raw, 14, 12);
    if ((raw & 3) != 3) return d;
    for (Op op : kBuckets.by_opcode[(raw >> 2) & 31]) {
        const OpInfo& info = op_info(op);
        if ((raw & info.mask) == info.match) {
            d.op = op;
            d.imm = immediate(raw, info.imm);
            return d;
        }
    }
    return d;
}

DecodedInsn decode(uint32_t raw) {
    if ((raw & 3) != 3) return decode16(static_cast<uint16_t>(raw));
    return decode32(raw);
}

} // namespace tern
