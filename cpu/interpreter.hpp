#pragma once
// The reference execution engine: runs decoded blocks from the code cache.
#include <cstdint>

namespace tern {

class Hart;

// Runs `hart` for at most about `budget` instructions (a block may overshoot it
// slightly) and returns how many retired. Returns early when the hart enters WFI.
uint64_t interpret(Hart& hart, uint64_t budget);

// Executes exactly one instruction (or takes one trap); returns 1 if it retired.
uint64_t interpret_one(Hart& hart);

} // namespace tern
