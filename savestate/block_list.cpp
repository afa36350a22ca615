#include "savestate/block_list.hpp"

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/state_archive.hpp"
#include "savestate/format.hpp"
#include "savestate/zstd_stream.hpp"

namespace tern::savestate {

namespace {

constexpr uint64_t kChunk = 256 * kPageSize; // images are read a megabyte at a time

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

// Calls visit(block number, bytes) for every block that is not zero, in order.
template <class Visit> void for_each_block(const BlockSource& source, Visit visit) {
    std::vector<uint8_t> chunk(kChunk);
    for (uint64_t offset = 0; offset < source.size; offset += kChunk) {
        const std::span<uint8_t> piece(chunk.data(), std::min(kChunk, source.size - offset));
        if (!source.read(offset, piece)) throw std::runtime_error("cannot read the image at " + std::to_string(offset));
        for (uint64_t at = 0; at < piece.size(); at += kPageSize) {
            const size_t n = std::min<uint64_t>(kPageSize, piece.size() - at);
            if (!is_zero(piece.data() + at, n)) visit((offset + at) / kPageSize, piece.subspan(at, n));
        }
    }
}

} // namespace

uint64_t block_list_length(const BlockSource& source) {
    uint64_t length = 8;
    for_each_block(source, [&](uint64_t, std::span<const uint8_t> block) { length += 8 + block.size(); });
    return length;
}

void write_block_list(const BlockSource& source, CompressedWriter& out) {
    uint64_t count = 0;
    for_each_block(source, [&](uint64_t, std::span<const uint8_t>) { ++count; });
    std::vector<uint8_t> buffer;
    put_u64(buffer, count);
    for_each_block(source, [&](uint64_t number, std::span<const uint8_t> block) {
        put_u64(buffer, number);
        buffer.insert(buffer.end(), block.begin(), block.end());
        if (buffer.size() >= kChunk) {
            out.write(buffer);
            buffer.clear();
        }
    });
    out.write(buffer);
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
    if (length < 8) throw StateError("length " + std::to_string(length) + " is too short for a block count");
    const uint64_t count = u64();
    if (count > blocks)
        throw StateError("block count " + std::to_string(count) + " is more than the image has (" +
                         std::to_string(blocks) + ")");
    uint64_t used = 8, next = 0; // block numbers strictly increase: no block is written twice
    for (uint64_t i = 0; i < count; ++i) {
        if (length - used < 8) throw StateError("the blocks run past the section's length");
        const uint64_t number = u64();
        if (number < next || number >= blocks)
            throw StateError("block " + std::to_string(number) + " is out of order or outside the image");
        const std::span<uint8_t> block = image.subspan(number * kPageSize, std::min<uint64_t>(kPageSize, image.size() - number * kPageSize));
        if (length - used - 8 < block.size()) throw StateError("the blocks run past the section's length");
        in.read(block);
        used += 8 + block.size();
        next = number + 1;
    }
    if (used != length)
        throw StateError("length " + std::to_string(length) + " does not match its " + std::to_string(count) +
                         " blocks (" + std::to_string(used) + " bytes)");
}

} // namespace tern::savestate
