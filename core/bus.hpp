#pragma once
// The physical address space: RAM plus memory-mapped devices. Harts reach RAM
// directly through their TLBs; everything else comes through read()/write().
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/device.hpp"
#include "core/ram.hpp"
#include "core/reservations.hpp"

namespace tern {

// Per-page flags that force stores off the TLB fast path. Harts on different
// host threads set and clear them concurrently, so each page's flags are one
// atomic word: bit h says hart h has decoded code from the page (every hart has
// its own code cache, see docs/architecture.md), the top bit that a device watches it.
using PageFlags = uint64_t;
constexpr unsigned kMaxCodeOwners = 32; // -smp's upper bound
constexpr PageFlags kPageWatched = 1ull << 63; // a device watches stores here (HTIF tohost)
constexpr PageFlags code_flag(unsigned hart) { return 1ull << hart; }
constexpr PageFlags kAnyCodeFlags = (1ull << kMaxCodeOwners) - 1;

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

    // Tells the store observers about a store that bypassed write() (AMOs, DMA,
    // A/D updates). `hart` is the storing hart, or -1 for a device.
    void notify_store(uint64_t paddr, unsigned size, int hart = -1);

    PageFlags page_flags(uint64_t paddr) const {
        return ram_.contains(paddr) ? page_flags_[(paddr - ram_.base()) >> 12].load(std::memory_order_acquire) : 0;
    }
    // `hart` is the hart (thread) setting the flag, or -1; see on_page_flagged.
    void set_page_flag(uint64_t paddr, PageFlags flag, int hart = -1);
    void clear_page_flag(uint64_t paddr, PageFlags flag);

    // Called for every slow-path store to a flagged RAM page, after the store,
    // on the storing hart's thread (`hart` as in notify_store). Observers of
    // watched pages run under the device lock.
    using StoreObserver = std::function<void(uint64_t paddr, unsigned size, PageFlags flags, int hart)>;
    void add_store_observer(StoreObserver observer) { store_observers_.push_back(std::move(observer)); }
    // Called when a page's flags stop being all clear, so every hart drops its
    // cached store pointers to it; `hart` is the thread's own hart, or -1.
    std::function<void(uint64_t paddr, int hart)> on_page_flagged;

    // Serialises device register accesses (and store observers of watched
    // pages) across hart threads: one lock for all devices, because device
    // callbacks reach each other (a UART raising a PLIC line, a virtio notify
    // doing DMA). Host-side code touching devices (console input, the RTC's
    // alarm) takes it too. Recursive: a device's DMA store may reach a watched page.
    std::unique_lock<std::recursive_mutex> lock_devices() { return std::unique_lock(device_mutex_); }

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
    std::vector<std::atomic<PageFlags>> page_flags_;
    std::recursive_mutex device_mutex_;
    std::vector<Region> regions_;
    std::vector<Device*> devices_;
    DeviceContext context_;
    std::vector<StoreObserver> store_observers_;
};

} // namespace tern
