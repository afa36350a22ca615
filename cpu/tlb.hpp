#pragma once
// Per-hart software TLB: one direct-mapped array per access type. An entry
// caches a virtual page's translation together with the host pointer to the
// RAM page when the fast path may touch it directly (host != nullptr).
#include <array>
#include <cstddef>
#include <cstdint>

namespace tern {

enum class AccessType : uint8_t { Fetch, Load, Store };

struct TlbEntry {
    static constexpr uint64_t kInvalidTag = ~0ull;
    uint64_t tag = kInvalidTag; // virtual page number (vaddr >> 12)
    uint64_t paddr_page = 0;    // physical address of the page
    uint8_t* host = nullptr;    // host address of the page; nullptr: use the slow path
};

struct Tlb {
    static constexpr unsigned kPageBits = 12;
    static constexpr uint64_t kPageSize = 1ull << kPageBits;
    static constexpr std::size_t kEntries = 256;

    std::array<TlbEntry, kEntries> fetch, load, store;

    std::array<TlbEntry, kEntries>& of(AccessType type) {
        return type == AccessType::Fetch ? fetch : type == AccessType::Load ? load : store;
    }
    static std::size_t index(uint64_t vaddr) { return (vaddr >> kPageBits) % kEntries; }
    void flush() {
        fetch.fill({});
        load.fill({});
        store.fill({});
    }
    // Drops every entry that maps the physical page (code was cached there).
    void flush_physical(uint64_t paddr_page) {
        for (auto* arr : {&fetch, &load, &store})
            for (auto& e : *arr)
                if (e.paddr_page == paddr_page) e = {};
    }
};

} // namespace tern
