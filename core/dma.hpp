#pragma once
// The only way devices touch guest RAM. Every access copies in or out through
// a local value, checks `addr + len` for overflow and for leaving RAM, and
// reports failure to the device instead of touching anything. No device keeps
// a host pointer into guest RAM, so a guest rewriting memory during an
// operation can change only what the device has not yet copied.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "core/bus.hpp"
#include "core/ram_access.hpp"

namespace tern {

class Dma {
  public:
    explicit Dma(Bus& bus) : bus_(bus) {}

    bool in_ram(uint64_t addr, uint64_t len) const { return bus_.ram().contains(addr, len); }

    bool read_bytes(uint64_t addr, std::span<uint8_t> out) const {
        if (!in_ram(addr, out.size())) return false;
        ram_access::copy_out(out.data(), bus_.ram().host(addr), out.size());
        return true;
    }

    bool write_bytes(uint64_t addr, std::span<const uint8_t> in) {
        if (!in_ram(addr, in.size())) return false;
        // A device write ends the reservations it overlaps, as a hart's store does (14.2).
        bus_.reservations.store_breaking(addr, in.size(),
                                         [&] { ram_access::copy_in(bus_.ram().host(addr), in.data(), in.size()); });
        // Observers (decoded code, HTIF's tohost) see the store as a CPU store, page by page.
        const uint64_t end = addr + in.size();
        for (uint64_t from = addr; from < end;) {
            const uint64_t to = std::min<uint64_t>(end, (from & ~0xfffull) + 0x1000);
            bus_.notify_store(from, static_cast<unsigned>(to - from));
            from = to;
        }
        return true;
    }

    template <class T> bool read(uint64_t addr, T& out) const {
        static_assert(std::is_trivially_copyable_v<T>);
        return read_bytes(addr, {reinterpret_cast<uint8_t*>(&out), sizeof(T)});
    }
    template <class T> bool write(uint64_t addr, const T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        return write_bytes(addr, {reinterpret_cast<const uint8_t*>(&value), sizeof(T)});
    }

  private:
    Bus& bus_;
};

} // namespace tern
