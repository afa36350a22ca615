#pragma once
// Guest RAM: one zero-filled host mapping. Pages are committed by the host
// kernel on first touch, so a large -m costs nothing until the guest uses it.
#include <cstddef>
#include <cstdint>
#include <span>

namespace tern {

class Ram {
  public:
    Ram(uint64_t base, uint64_t size);
    ~Ram();
    Ram(const Ram&) = delete;
    Ram& operator=(const Ram&) = delete;

    uint64_t base() const { return base_; }
    uint64_t size() const { return size_; }
    uint64_t end() const { return base_ + size_; }
    // True when [paddr, paddr + len) lies inside RAM, without overflow.
    bool contains(uint64_t paddr, uint64_t len = 1) const {
        return paddr >= base_ && len <= size_ && paddr - base_ <= size_ - len;
    }
    uint8_t* host(uint64_t paddr) { return bytes_ + (paddr - base_); }
    // The physical address of a host pointer into RAM (the inverse of host()).
    uint64_t paddr(const uint8_t* host) const { return base_ + static_cast<uint64_t>(host - bytes_); }
    std::span<uint8_t> bytes() { return {bytes_, static_cast<size_t>(size_)}; }

  private:
    uint64_t base_;
    uint64_t size_;
    uint8_t* bytes_;
};

} // namespace tern
