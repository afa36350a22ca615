#pragma once
// A bounded region of executable memory with bump allocation. The JIT never
// frees single blocks: invalidated code stays in place (unreachable once its
// incoming chains are undone) until the arena fills and is flushed as a whole.
//
// W^X: the same memory (a memfd) is mapped twice, read+execute where code runs
// and read+write somewhere else, so no page is ever writable and executable at
// once. Code is emitted and chain jumps are patched through writable(); every
// address handed out or stored is the executable one.
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
    // The writable alias of an executable address in the arena.
    uint8_t* writable(const uint8_t* p) const { return writable_ + (p - base_); }

  private:
    uint8_t* base_;     // read + execute
    uint8_t* writable_; // read + write, the same pages
    size_t size_;
    size_t used_ = 0;
};

} // namespace tern::jit
