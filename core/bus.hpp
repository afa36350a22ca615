#pragma once
// The physical address space: RAM plus memory-mapped devices. Harts reach RAM
// directly through their TLBs; everything else comes through read()/write().
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/device.hpp"
#include "core/ram.hpp"
#include "cpu/reservations.hpp"

namespace tern {

// Per-page flags that force stores off the TLB fast path.
enum PageFlag : uint8_t {
    kPageHasCode = 1, // decoded instructions are cached for this page
    kPageWatched = 2, // a device watches stores here (HTIF tohost)
};

class Bus {
  public:
    explicit Bus(Ram& ram);

    Ram& ram() { return ram_; }
    // Every RAM store (harts, AMOs, DMA) ends the LR reservations it overlaps here.
    ReservationTable reservations;
    // Gives the bus and every device mapped later the machine's log and clock.
    void attach(const DeviceContext& context) { context_ = context; }
    void map(uint64_t base, uint64_t size, Device& device);
    std::span<Device* const> devices() const { return devices_; }

    // Host pointer to a RAM byte, or nullptr when paddr is not RAM.
    uint8_t* ram_pointer(uint64_t paddr) { return ram_.contains(paddr) ? ram_.host(paddr) : nullptr; }

    // Slow-path accesses of 1, 2, 4 or 8 bytes that do not cross a page.
    // False means nothing is mapped there: the hart raises an access fault.
    // A device access that fits none of its registers reads 0, is otherwise
    // ignored, and is logged as a guest error; it is not an access fault.
    bool read(uint64_t paddr, unsigned size, uint64_t& value, AccessOrigin origin = {});
    bool write(uint64_t paddr, unsigned size, uint64_t value, AccessOrigin origin = {});

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
        Device* device;
    };
    const Region* find(uint64_t paddr) const;
    // Checks an access against the device's register map; nullopt (after
    // logging why) when it fits no register in the way the map allows.
    std::optional<RegisterAccess> check(const Region& region, uint64_t paddr, unsigned size, bool is_write,
                                        uint64_t value, AccessOrigin origin) const;
    void log(LogClass cls, const Device* device, uint64_t paddr, uint64_t value, AccessOrigin origin,
             std::string message) const;

    Ram& ram_;
    std::vector<uint8_t> page_flags_;
    std::vector<Region> regions_;
    std::vector<Device*> devices_;
    DeviceContext context_;
    std::vector<StoreObserver> store_observers_;
};

} // namespace tern
