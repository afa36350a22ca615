#include "jit/code_arena.hpp"

#include <new>
#include <sys/mman.h>
#include <unistd.h>

namespace tern::jit {

CodeArena::CodeArena(size_t bytes) : size_(bytes) {
    const int fd = memfd_create("tern-jit", MFD_CLOEXEC);
    if (fd < 0) throw std::bad_alloc();
    void* rx = MAP_FAILED;
    void* rw = MAP_FAILED;
    if (ftruncate(fd, static_cast<off_t>(bytes)) == 0) {
        rx = mmap(nullptr, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        rw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    close(fd); // the mappings keep the memory
    if (rx == MAP_FAILED || rw == MAP_FAILED) {
        if (rx != MAP_FAILED) munmap(rx, bytes);
        if (rw != MAP_FAILED) munmap(rw, bytes);
        throw std::bad_alloc();
    }
    base_ = static_cast<uint8_t*>(rx);
    writable_ = static_cast<uint8_t*>(rw);
}

CodeArena::~CodeArena() {
    munmap(base_, size_);
    munmap(writable_, size_);
}

uint8_t* CodeArena::allocate(size_t size) {
    const size_t start = (used_ + 15) & ~size_t{15};
    if (start > size_ || size > size_ - start) return nullptr;
    used_ = start + size;
    return base_ + start;
}

} // namespace tern::jit
