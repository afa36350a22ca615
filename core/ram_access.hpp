#pragma once
// Accesses to guest RAM from emulator code. Harts on host threads and devices
// share RAM, and guest code may race on it legally (RVWMO defines the result),
// so every access is a relaxed atomic: on x86 the same plain mov as before, but
// no data race in the C++ sense, and ThreadSanitizer stays quiet. Misaligned
// accesses go byte by byte (RVWMO gives them no single-copy atomicity either).
// The host is little-endian, as RISC-V is.
#include <cstddef>
#include <cstdint>

namespace tern::ram_access {

// Naturally aligned accesses of T.
template <class T> T load(const uint8_t* p) { return __atomic_load_n(reinterpret_cast<const T*>(p), __ATOMIC_RELAXED); }
template <class T> void store(uint8_t* p, T value) {
    __atomic_store_n(reinterpret_cast<T*>(p), value, __ATOMIC_RELAXED);
}

inline bool aligned(const uint8_t* p, size_t size) { return (reinterpret_cast<uintptr_t>(p) & (size - 1)) == 0; }

// 1, 2, 4 or 8 bytes at any alignment.
inline uint64_t read(const uint8_t* p, unsigned size) {
    if (aligned(p, size)) switch (size) {
        case 1: return load<uint8_t>(p);
        case 2: return load<uint16_t>(p);
        case 4: return load<uint32_t>(p);
        case 8: return load<uint64_t>(p);
        }
    uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) value |= static_cast<uint64_t>(load<uint8_t>(p + i)) << (8 * i);
    return value;
}

inline void write(uint8_t* p, unsigned size, uint64_t value) {
    if (aligned(p, size)) switch (size) {
        case 1: return store(p, static_cast<uint8_t>(value));
        case 2: return store(p, static_cast<uint16_t>(value));
        case 4: return store(p, static_cast<uint32_t>(value));
        case 8: return store(p, value);
        }
    for (unsigned i = 0; i < size; ++i) store(p + i, static_cast<uint8_t>(value >> (8 * i)));
}

// Bulk copies (DMA): aligned doublewords in the middle, bytes at the ends.
inline void copy_out(uint8_t* to, const uint8_t* ram, size_t n) {
    size_t i = 0;
    for (; i < n && !aligned(ram + i, 8); ++i) to[i] = load<uint8_t>(ram + i);
    for (; i + 8 <= n; i += 8) {
        const uint64_t word = load<uint64_t>(ram + i);
        __builtin_memcpy(to + i, &word, 8);
    }
    for (; i < n; ++i) to[i] = load<uint8_t>(ram + i);
}

inline void copy_in(uint8_t* ram, const uint8_t* from, size_t n) {
    size_t i = 0;
    for (; i < n && !aligned(ram + i, 8); ++i) store(ram + i, from[i]);
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        __builtin_memcpy(&word, from + i, 8);
        store(ram + i, word);
    }
    for (; i < n; ++i) store(ram + i, from[i]);
}

} // namespace tern::ram_access
