#pragma once
// The secure device model. A device declares its registers once; the bus
// checks every guest access against that declaration (range, width,
// alignment, array index, read-only/write-only) before any device code runs,
// and turns every mismatch into a guest-error entry. Device hooks therefore
// only ever see accesses that fit a declared register.
#include <cstdint>
#include <iterator>
#include <type_traits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/guest_error_log.hpp"
#include "core/state_archive.hpp"

namespace tern {

class MachineClock;

enum class RegAccess : uint8_t {
    RO,  // reads only; a write is a guest error and is ignored
    WO,  // writes only; a read is a guest error and returns 0
    RW,
    W1C, // read/write, where writing 1 clears a bit (the device implements the clearing)
};

// Allowed access widths, as a bit mask of byte counts.
enum Width : uint8_t { W8 = 1, W16 = 2, W32 = 4, W64 = 8 };

struct RegisterDecl {
    std::string_view name;
    uint64_t offset;    // of the first element, from the device's base
    uint8_t size;       // natural size in bytes (1, 2, 4 or 8)
    uint8_t widths;     // allowed access widths (Width bits); each must divide `size`
    RegAccess access;
    uint32_t count = 1; // an array of `count` registers...
    uint32_t stride = 0; // ...`stride` bytes apart
    uint64_t reset = 0; // reset value, shown by the debugger
};

// A checked access, as handed to a device hook.
struct RegisterAccess {
    const RegisterDecl& reg;
    uint16_t id;         // position of `reg` in the device's registers()
    uint32_t index;      // element of a register array, always < reg.count
    uint8_t byte_offset; // offset within the register, a multiple of `size`
    uint8_t size;        // access width in bytes
    AccessOrigin origin;

    // The accessed lane of a full register value, and a full value with the lane replaced.
    uint64_t lane_of(uint64_t full) const {
        return size == 8 ? full : (full >> (8 * byte_offset)) & ((1ull << (8 * size)) - 1);
    }
    uint64_t merge_into(uint64_t full, uint64_t value) const {
        if (size == 8) return value;
        const uint64_t mask = ((1ull << (8 * size)) - 1) << (8 * byte_offset);
        return (full & ~mask) | ((value << (8 * byte_offset)) & mask);
    }
};

// What a device needs from the machine: the clock and the guest-error log.
struct DeviceContext {
    GuestErrorLog* log = nullptr;
    const MachineClock* clock = nullptr;
};

class Device {
  public:
    virtual ~Device() = default;
    virtual std::string_view name() const = 0;
    virtual std::span<const RegisterDecl> registers() const = 0;
    // Hooks for checked accesses only (see RegisterAccess).
    virtual uint64_t read(const RegisterAccess& access) = 0;
    virtual void write(const RegisterAccess& access, uint64_t value) = 0;
    // The device's savestate fields, in one list for saving and loading (core/state_archive.hpp);
    // a loaded value the device could not hold is refused. Bump state_version() when the list changes.
    virtual void serialize(StateArchive& archive) = 0;
    virtual uint32_t state_version() const { return 1; }

    void attach(const DeviceContext& context) { context_ = context; }
    uint64_t base() const { return base_; }
    void set_base(uint64_t base) { base_ = base; }

    // Records a guest error against this device (and register, when given).
    void guest_error(std::string_view message, const RegisterAccess* access = nullptr, uint64_t value = 0,
                     LogClass cls = LogClass::GuestError) const;

    // The one way to turn a guest-chosen index into an element: out of range
    // gives nullopt and a guest error, never an out-of-bounds access.
    template <class Units>
    auto* select(Units& units, uint64_t index, std::string_view what, const RegisterAccess* access = nullptr) const {
        using Element = std::remove_reference_t<decltype(units[0])>;
        if (index < std::size(units)) return &units[index];
        guest_error(std::string(what) + " index " + std::to_string(index) + " out of range (have " +
                        std::to_string(units.size()) + ")",
                    access, index);
        return static_cast<Element*>(nullptr);
    }

  protected:
    DeviceContext context_;

  private:
    uint64_t base_ = 0;
};

} // namespace tern
