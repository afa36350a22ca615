#include "savestate/block_list.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "core/state_archive.hpp"
#include "savestate/format.hpp"
#include "savestate/zstd_stream.hpp"

namespace tern::savestate {

namespace {

constexpr uint64_t kChunk = 256 * kPageSize; // what is read or written at a time

bool is_zero(const uint8_t* data, size_t size) {
    uint64_t any = 0;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t word;
        std::memcpy(&word, data + i, 8);
        any |= word;
    }
    for (; i < size; ++i)
        any |= data[i];
    return any == 0;
}

void put_u64(std::vector<uint8_t>& out, uint64_t value) {
    for (unsigned i = 0; i < 8; ++i)
        out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint64_t block_bytes(uint64_t size, uint64_t block) { return std::min(kPageSize, size - block * kPageSize); }

// Which pages of an anonymous mapping the host has populated (/proc/self/pagemap: bit 63 present,
// bit 62 swapped); a page that is neither was never written and reads as zero. Empty when the
// kernel does not say, and then every page is looked at.
std::vector<bool> populated_pages(const uint8_t* memory, uint64_t size) {
    const int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    const uint64_t pages = (size + kPageSize - 1) / kPageSize;
    const uint64_t first = reinterpret_cast<uintptr_t>(memory) / kPageSize;
    std::vector<bool> populated(pages);
    std::vector<uint64_t> entries(4096);
    for (uint64_t page = 0; page < pages; page += entries.size()) {
        const size_t n = std::min<uint64_t>(entries.size(), pages - page);
        const ssize_t got = ::pread(fd, entries.data(), n * 8, static_cast<off_t>((first + page) * 8));
        if (got != static_cast<ssize_t>(n * 8)) {
            ::close(fd);
            return {};
        }
        for (size_t i = 0; i < n; ++i)
            populated[page + i] = (entries[i] >> 62) != 0;
    }
    ::close(fd);
    return populated;
}

} // namespace

BlockList find_blocks(const BlockSource& source) {
    BlockList list;
    auto add = [&](uint64_t block) {
        if (!list.runs.empty() && list.runs.back().first + list.runs.back().count == block)
            ++list.runs.back().count;
        else
            list.runs.push_back({block, 1});
        list.length += block_bytes(source.size, block);
    };
    if (source.memory) {
        const std::vector<bool> populated = source.anonymous ? populated_pages(source.memory, source.size) : std::vector<bool>{};
        for (uint64_t block = 0; block * kPageSize < source.size; ++block)
            if ((populated.empty() || populated[block]) &&
                !is_zero(source.memory + block * kPageSize, block_bytes(source.size, block)))
                add(block);
    } else {
        std::vector<uint8_t> chunk(kChunk);
        for (uint64_t offset = 0; offset < source.size; offset += kChunk) {
            const std::span<uint8_t> piece(chunk.data(), std::min(kChunk, source.size - offset));
            if (!source.read(offset, piece))
                throw std::runtime_error("cannot read the image at " + std::to_string(offset));
            for (uint64_t at = 0; at < piece.size(); at += kPageSize)
                if (!is_zero(piece.data() + at, std::min<uint64_t>(kPageSize, piece.size() - at)))
                    add((offset + at) / kPageSize);
        }
    }
    list.length += 16 * list.runs.size();
    return list;
}

void write_block_list(const BlockSource& source, const BlockList& list, CompressedWriter& out) {
    std::vector<uint8_t> header;
    put_u64(header, list.runs.size());
    std::vector<uint8_t> chunk;
    for (const BlockRun& run : list.runs) {
        put_u64(header, run.first);
        put_u64(header, run.count);
        out.write(header);
        header.clear();
        const uint64_t begin = run.first * kPageSize;
        const uint64_t end = std::min(source.size, (run.first + run.count) * kPageSize);
        for (uint64_t at = begin; at < end; at += kChunk) {
            const uint64_t n = std::min(kChunk, end - at);
            if (source.memory) {
                out.write({source.memory + at, n});
                continue;
            }
            chunk.resize(n);
            if (!source.read(at, chunk)) throw std::runtime_error("cannot read the image at " + std::to_string(at));
            out.write(chunk);
        }
    }
    if (!header.empty()) out.write(header); // no runs: just the count
}

void read_block_list(PayloadReader& in, uint64_t length, std::span<uint8_t> image) {
    const uint64_t blocks = (image.size() + kPageSize - 1) / kPageSize;
    auto u64 = [&] {
        uint8_t bytes[8];
        in.read(bytes);
        uint64_t v = 0;
        for (unsigned i = 0; i < 8; ++i)
            v |= uint64_t{bytes[i]} << (8 * i);
        return v;
    };
    if (length < 8) throw StateError("length " + std::to_string(length) + " is too short for a run count");
    const uint64_t runs = u64();
    if (runs > (blocks + 1) / 2)
        throw StateError("run count " + std::to_string(runs) + " is more than the image can have");
    uint64_t used = 8, next = 0; // runs increase and do not touch: no block is written twice
    for (uint64_t i = 0; i < runs; ++i) {
        if (length - used < 16) throw StateError("the runs go past the section's length");
        const uint64_t first = u64(), count = u64();
        used += 16;
        if (count == 0 || first < next || first >= blocks || count > blocks - first)
            throw StateError("run of " + std::to_string(count) + " blocks at block " + std::to_string(first) +
                             " is empty, out of order or outside the image (" + std::to_string(blocks) + " blocks)");
        const uint64_t begin = first * kPageSize, bytes = std::min<uint64_t>(image.size(), (first + count) * kPageSize) - begin;
        if (length - used < bytes) throw StateError("the runs go past the section's length");
        in.read(image.subspan(begin, bytes));
        used += bytes;
        next = first + count + 1;
    }
    if (used != length)
        throw StateError("length " + std::to_string(length) + " does not match its " + std::to_string(runs) +
                         " runs (" + std::to_string(used) + " bytes)");
}

} // namespace tern::savestate
