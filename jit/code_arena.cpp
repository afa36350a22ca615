#include "jit/code_arena.hpp"

#include <new>
#include <sys/mman.h>

namespace tern::jit {

// One read-write-execute mapping: chaining patches jumps in place. (A W^X dual
// mapping is the hardening step when harts run on threads; see jit/README.md.)
CodeArena::CodeArena(size_t bytes) : size_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<uint8_t*>(p);
}

CodeArena::~CodeArena() { munmap(base_, size_); }

uint8_t* CodeArena::allocate(size_t size) {
    const size_t start = (used_ + 15) & ~size_t{15};
    if (start > size_ || size > size_ - start) return nullptr;
    used_ = start + size;
    return base_ + start;
}

} // namespace tern::jit
