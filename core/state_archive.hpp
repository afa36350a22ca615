#pragma once
// The savestate field list of a piece of machine state, written once and used
// in both directions (as ares does): `serialize(StateArchive&)` names each
// field in order; a writer appends it, a reader reads it back and refuses any
// value the hardware could not hold. savestate/ builds files from these
// byte strings; nothing here knows about files or compression.
//
// Encoding: every integer little-endian at its own width, bools as one byte
// (0 or 1), byte strings raw. A reader never reads past its input, and each
// refusal names the field and why (StateError).
//
// A writer may also list each field as it goes (on_field): the debugger window shows a device's
// state from the same list, so the savestate fields are the debugger's view too.
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tern {

// A loaded value that cannot be used: "field: why".
struct StateError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class StateArchive {
  public:
    // A writer: fields are appended to output().
    StateArchive() = default;
    // A writer that also reports every integer field (name, value) as it is written.
    using FieldListener = std::function<void(std::string_view name, uint64_t value)>;
    explicit StateArchive(FieldListener on_field) : on_field_(std::move(on_field)) {}
    // A reader over `input`; each field consumes its bytes.
    explicit StateArchive(std::span<const uint8_t> input) : loading_(true), input_(input) {}

    bool loading() const { return loading_; }

    // An unsigned integer, bool or enum (stored as its underlying type).
    template <class T> void operator()(std::string_view name, T& value) {
        if constexpr (std::is_same_v<T, bool>) {
            uint8_t byte = value;
            raw(name, &byte, 1);
            if (on_field_ && !loading_) on_field_(name, byte);
            require(byte <= 1, name, "is " + std::to_string(byte) + ", not a boolean");
            value = byte != 0;
        } else if constexpr (std::is_enum_v<T>) {
            auto underlying = static_cast<std::underlying_type_t<T>>(value);
            (*this)(name, underlying);
            value = static_cast<T>(underlying);
        } else {
            static_assert(std::is_unsigned_v<T>, "savestate fields are unsigned, bools or enums");
            uint8_t bytes[sizeof(T)];
            for (size_t i = 0; i < sizeof(T); ++i)
                bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i));
            raw(name, bytes, sizeof(T));
            if (on_field_ && !loading_) on_field_(name, static_cast<uint64_t>(value));
            T v = 0;
            for (size_t i = 0; i < sizeof(T); ++i)
                v = static_cast<T>(v | static_cast<T>(static_cast<T>(bytes[i]) << (8 * i)));
            value = v;
        }
    }
    // Atomics shared with hart threads: saved and loaded while every hart is paused.
    template <class T> void operator()(std::string_view name, std::atomic<T>& value) {
        T v = value.load(std::memory_order_relaxed);
        (*this)(name, v);
        value.store(v, std::memory_order_relaxed);
    }
    template <class T, size_t N> void operator()(std::string_view name, std::array<T, N>& values) {
        for (T& v : values)
            (*this)(name, v);
    }

    // Raw bytes of a length both sides already know.
    void bytes(std::string_view name, std::span<uint8_t> data) { raw(name, data.data(), data.size()); }

    // A length that the next fields depend on: written as 32 bits; when loading,
    // refused above `max` (before anything is sized by it).
    uint32_t count(std::string_view name, size_t n, size_t max) {
        uint32_t v = static_cast<uint32_t>(n);
        (*this)(name, v);
        require(v <= max, name, "is " + std::to_string(v) + ", more than " + std::to_string(max));
        return v;
    }
    // A byte string of at most `max` bytes.
    void string(std::string_view name, std::string& s, size_t max) {
        const uint32_t n = count(name, s.size(), max);
        s.resize(n);
        raw(name, s.data(), n);
    }

    // A loaded value the hardware could not hold is refused, never clamped.
    void require(bool ok, std::string_view name, const std::string& why) const {
        if (loading_ && !ok) throw StateError(std::string(name) + " " + why);
    }

    // Reader: every byte of the input was used (else the layout is not this version's).
    void finish() const {
        if (loading_ && offset_ != input_.size())
            throw StateError(std::to_string(input_.size() - offset_) + " bytes left over after the last field");
    }
    std::vector<uint8_t>& output() { return output_; }

  private:
    void raw(std::string_view name, void* data, size_t size) {
        if (size == 0) return; // an empty field may have no storage at all (memcpy's pointers must not be null)
        if (!loading_) {
            const auto* p = static_cast<const uint8_t*>(data);
            output_.insert(output_.end(), p, p + size);
            return;
        }
        if (size > input_.size() - offset_)
            throw StateError(std::string(name) + ": the section ends before this field");
        std::memcpy(data, input_.data() + offset_, size);
        offset_ += size;
    }

    bool loading_ = false;
    FieldListener on_field_;
    std::span<const uint8_t> input_;
    size_t offset_ = 0;
    std::vector<uint8_t> output_;
};

} // namespace tern
