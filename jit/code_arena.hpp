#pragma once
// A bounded region of executable memory with bump allocation. The JIT never
// frees single blocks: invalidated code stays in place (unreachable once its
// incoming chains are undone) until the arena fills and is flushed as a whole.
#include <cstddef>
#include <cstdint>

namespace tern::jit {

class CodeArena {
  public:
    explicit CodeArena(size_t bytes);
    ~CodeArena();
    CodeArena(const CodeArena&) = delete;
    CodeArena& operator=(const CodeArena&) = delete;

    // Space for `size` bytes aligned to 16, or nullptr when the arena is full.
    uint8_t* allocate(size_t size);
    // Makes everything allocated after `keep` bytes available again.
    void reset_to(size_t keep) { used_ = keep; }
    size_t used() const { return used_; }
    size_t capacity() const { return size_; }
    bool contains(const void* p) const { return p >= base_ && p < base_ + size_; }

  private:
    uint8_t* base_;
    size_t size_;
    size_t used_ = 0;
};

} // namespace tern::jit
