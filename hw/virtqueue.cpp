#include "hw/virtqueue.hpp"

namespace tern {

namespace {
constexpr uint16_t kDescNext = 1, kDescWrite = 2, kDescIndirect = 4;
}

bool Virtqueue::walk(Dma& dma, uint64_t table, uint32_t table_size, uint16_t first, bool indirect,
                     DescriptorChain& chain, std::string& error) {
    auto fail = [&](std::string why) {
        error = std::move(why);
        return false;
    };
    uint32_t index = first;
    for (uint32_t visited = 0;; ++visited) {
        if (visited >= table_size) return fail("descriptor chain loops");
        if (index >= table_size) return fail("descriptor index " + std::to_string(index) + " past the table");
        Descriptor d; // the one copy of this descriptor that the device uses
        if (!dma.read(table + 16ull * index, d)) return fail("descriptor table outside RAM");
        if (d.flags & kDescIndirect) {
            if (indirect) return fail("nested indirect descriptor table");
            if (d.flags & kDescNext) return fail("indirect descriptor with the next flag");
            if (d.len == 0 || d.len % 16 != 0) return fail("indirect table length not a multiple of 16");
            // A chain is at most a queue long (virtio 1.2, 2.7.5.3.1), so no table needs more
            // entries than the largest queue; a longer one would make the device walk, and
            // hold, as many descriptors as RAM can contain.
            if (d.len / 16 > kMaxSize) return fail("indirect table longer than the largest queue");
            if (!dma.in_ram(d.addr, d.len)) return fail("indirect table outside RAM");
            return walk(dma, d.addr, d.len / 16, 0, true, chain, error);
        }
        if (!dma.in_ram(d.addr, d.len)) return fail("buffer outside RAM");
        if (d.flags & kDescWrite) {
            chain.writable.push_back({d.addr, d.len});
        } else {
            if (!chain.writable.empty()) return fail("device-readable buffer after a writable one");
            chain.readable.push_back({d.addr, d.len});
        }
        if (!(d.flags & kDescNext)) return true;
        index = d.next;
    }
}

Virtqueue::Pop Virtqueue::pop(Dma& dma, DescriptorChain& chain, std::string& error) {
    auto broken = [&](std::string why) {
        error = std::move(why);
        return Pop::Broken;
    };
    uint16_t avail_idx;
    if (!dma.read(state.driver + 2, avail_idx)) return broken("available ring outside RAM");
    if (avail_idx == state.last_avail) return Pop::Empty;
    if (static_cast<uint16_t>(avail_idx - state.last_avail) > state.num)
        return broken("available index ran more than a queue ahead");
    uint16_t head;
    if (!dma.read(state.driver + 4 + 2ull * (state.last_avail % state.num), head))
        return broken("available ring outside RAM");
    chain = {};
    chain.head = head;
    if (!walk(dma, state.desc, state.num, head, false, chain, error)) return Pop::Broken;
    ++state.last_avail;
    return Pop::Chain;
}

bool Virtqueue::push_used(Dma& dma, uint16_t head, uint32_t written) {
    struct UsedElem {
        uint32_t id, len;
    } elem{head, written};
    if (!dma.write(state.device + 4 + 8ull * (state.used_idx % state.num), elem)) return false;
    ++state.used_idx;
    // The index is published after the element (virtio 2.7.8); harts on other
    // threads will need a release fence here.
    return dma.write(state.device + 2, state.used_idx);
}

} // namespace tern

namespace tern {

bool ChainStream::transfer(uint8_t* data, uint64_t len, bool to_guest) {
    if (len > remaining_) return false;
    while (len > 0) {
        const VirtqSegment& s = segments_[segment_];
        const uint64_t n = std::min<uint64_t>(len, s.len - offset_);
        if (data) {
            const bool ok = to_guest ? dma_.write_bytes(s.addr + offset_, {data, n})
                                     : dma_.read_bytes(s.addr + offset_, {data, n});
            if (!ok) return false; // cannot happen for validated segments, but never assume
            data += n;
        }
        offset_ += static_cast<uint32_t>(n);
        len -= n;
        remaining_ -= n;
        if (offset_ == s.len) {
            ++segment_;
            offset_ = 0;
        }
    }
    return true;
}

} // namespace tern
