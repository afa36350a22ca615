#pragma once
// The physical address space: RAM plus memory-mapped devices. Harts reach RAM
// directly through their TLBs; everything else comes through read()/write().
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/ram.hpp"

namespace tern {

// A memory-mapped device region. Offsets are relative to the region's base.
class MmioDevice {
  public:
    virtual ~MmioDevice() = default;
    virtual std::string_view name() const = 0;
    // Return false for an access the device does not accept (an access fault).
    virtual bool read(uint64_t offset, unsigned size, uint64_t& value) = 0;
    virtual bool write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

// Per-page flags that force stores off the TLB fast path.
enum PageFlag : uint8_t {
    kPageHasCode = 1, // decoded instructions are cached for this page
    kPageWatched = 2, // a device watches stores here (HTIF tohost)
};

class Bus {
  public:
    explicit Bus(Ram& ram);

    Ram& ram() { return ram_; }
    void map(uint64_t base, uint64_t size, MmioDevice& device);

    // Host pointer to a RAM byte, or nullptr when paddr is not RAM.
    uint8_t* ram_pointer(uint64_t paddr) { return ram_.contains(paddr) ? ram_.host(paddr) : nullptr; }

    // Slow-path accesses of 1, 2, 4 or 8 bytes that do not cross a page.
    // False means nothing answers there: the hart raises an access fault.
    bool read(uint64_t paddr, unsigned size, uint64_t& value);
    bool write(uint64_t paddr, unsigned size, uint64_t value);

    // Tells the store observers about a store that bypassed write() (AMOs).
    void notify_store(uint64_t paddr, unsigned size) {
        if (uint8_t flags = page_flags(paddr))
            for (auto& observer : store_observers_) observer(paddr, size, flags);
    }

    uint8_t page_flags(uint64_t paddr) const {
        return ram_.contains(paddr) ? page_flags_[(paddr - ram_.base()) >> 12] : 0;
    }
    void set_page_flag(uint64_t paddr, PageFlag flag);
    void clear_page_flag(uint64_t paddr, PageFlag flag);

    // Called for every slow-path store to a flagged RAM page, after the store.
    using StoreObserver = std::function<void(uint64_t paddr, unsigned size, uint8_t flags)>;
    void add_store_observer(StoreObserver observer) { store_observers_.push_back(std::move(observer)); }
    // Called when a page gains a flag, so harts can drop cached store pointers to it.
    std::function<void(uint64_t paddr)> on_page_flagged;

  private:
    struct Region {
        uint64_t base, size;
        MmioDevice* device;
    };
    const Region* find(uint64_t paddr, unsigned size) const;

    Ram& ram_;
    std::vector<uint8_t> page_flags_;
    std::vector<Region> regions_;
    std::vector<StoreObserver> store_observers_;
};

} // namespace tern
