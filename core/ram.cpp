#include "core/ram.hpp"

#include <stdexcept>
#include <sys/mman.h>

namespace tern {

Ram::Ram(uint64_t base, uint64_t size) : base_(base), size_(size) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("cannot allocate guest RAM");
    bytes_ = static_cast<uint8_t*>(p);
}

Ram::~Ram() { munmap(bytes_, size_); }

} // namespace tern
