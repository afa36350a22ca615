#include "core/process_barrier.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

namespace tern {

namespace {
long membarrier(int command) { return syscall(__NR_membarrier, command, 0, 0); }
} // namespace

ProcessBarrier::ProcessBarrier() {
    const long supported = membarrier(MEMBARRIER_CMD_QUERY);
    if (supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
        membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0) {
        kind_ = Kind::Expedited;
    } else if (supported > 0 && (supported & MEMBARRIER_CMD_GLOBAL)) {
        kind_ = Kind::Global; // correct, but milliseconds per call
    } else {
        // A kernel without membarrier (before 4.3) or a sandbox that forbids
        // it: nothing can make other threads fence.
        kind_ = Kind::Fence;
    }
}

void ProcessBarrier::run() const {
    switch (kind_) {
    case Kind::Expedited: membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED); break;
    case Kind::Global: membarrier(MEMBARRIER_CMD_GLOBAL); break;
    case Kind::Fence: std::atomic_thread_fence(std::memory_order_seq_cst); break;
    }
}

} // namespace tern
