#pragma once
// Per-hart software TLB: one direct-mapped array per access type. An entry
// caches a virtual page's translation together with the host pointer to the
// RAM page, only when the fast paths may touch that page directly; any other
// access walks again (the slow path).
#include <array>
#include <cstddef>
#include <cstdint>

namespace tern {

enum class AccessType : uint8_t { Fetch, Load, Store };

struct TlbEntry {
    static constexpr uint64_t kInvalidTag = ~0ull;
    // Virtual page number (vaddr >> 12) when the fast paths may touch the
    // page through `host`; kInvalidTag otherwise, so one compare decides a hit.
    uint64_t tag = kInvalidTag;
    uint64_t paddr_page = 0; // physical address of the page
    uint8_t* host = nullptr; // host address of the page; nullptr: use the slow path
    // host minus the virtual page's address: generated code finds the host
    // address of vaddr as vaddr + addend (wrapping), without masking the offset.
    uint64_t addend = 0;
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
