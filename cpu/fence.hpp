#pragma once
// FENCE's operand (unprivileged spec 2.7): imm[11:8] fm, imm[7:4] the
// predecessor set, imm[3:0] the successor set, each as the bits I O R W.
#include <cstdint>

namespace tern {

namespace fence_bits {
constexpr uint32_t kI = 8, kO = 4, kR = 2, kW = 1;
}

// True when the fence orders earlier writes (memory or device output) before
// later reads (memory or device input): the one ordering an x86 host (TSO)
// does not keep by itself, so it takes a host fence (mfence).
constexpr bool fence_orders_store_load(uint32_t imm) {
    using namespace fence_bits;
    const uint32_t predecessors = (imm >> 4) & 0xf, successors = imm & 0xf;
    return (predecessors & (kW | kO)) && (successors & (kR | kI));
}

} // namespace tern
