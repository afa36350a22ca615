#pragma once
// The last PMP decision of a hart (cpu/pmp.cpp): the entry that decided and the
// address range around the access where that entry decides every access, valid
// while the PMP registers equal the copy kept here. Page walks check PMP for
// every PTE they read, mostly in the same few pages, and a full check costs
// about 150 host instructions against a dozen for a hit.
#include <cstdint>

#include "cpu/csr_state.hpp"

namespace tern {

struct PmpMemo {
    bool valid = false;
    PmpState pmp;          // the registers the decision was made with
    uint64_t first = 0;    // the range [first, last] where it holds
    uint64_t last = 0;
    bool matched = false;  // an entry decided (else none matched)
    uint8_t cfg = 0;       // that entry's pmpNcfg
};

} // namespace tern
