#pragma once
// Makes every running thread of this process pass a full memory barrier,
// without any fence on those threads' own paths: membarrier(2) with
// MEMBARRIER_CMD_PRIVATE_EXPEDITED interrupts the CPUs that run our threads
// (about a microsecond). The LR/SC protocol (core/reservations.hpp) relies on
// it so that guest stores need no fence.
namespace tern {

class ProcessBarrier {
  public:
    // Registers the process for the expedited barrier (once per object; the
    // kernel treats repeats as no-ops).
    ProcessBarrier();
    void run() const;
    // False when the kernel offers no membarrier: run() then fences only the
    // calling thread.
    bool reaches_other_threads() const { return kind_ != Kind::Fence; }

  private:
    enum class Kind { Expedited, Global, Fence };
    Kind kind_;
};

} // namespace tern
