#pragma once
// RAM and disks as savestate sections: only their 4 KiB blocks that are not all zero, so empty memory
// costs nothing to write, to compress or to load (and a loaded disk's empty blocks stay unmapped).
//   u64 count, then count × (u64 block number, the block's bytes: 4096, or what is left at the end)
// Block numbers strictly increase and lie inside the image.
#include <cstdint>
#include <functional>
#include <span>

namespace tern::savestate {

class CompressedWriter;
class PayloadReader;

// Where a block list is saved from: `read` fills `out` from `offset` (false: the image cannot be read).
struct BlockSource {
    uint64_t size;
    std::function<bool(uint64_t offset, std::span<uint8_t> out)> read;
};

// The section's length; reads the whole image once.
uint64_t block_list_length(const BlockSource& source);
// Writes the section (reading the image again: it must not have changed since block_list_length).
void write_block_list(const BlockSource& source, CompressedWriter& out);
// Reads a section of `length` bytes into `image`, whose blocks not listed are already zero.
void read_block_list(PayloadReader& in, uint64_t length, std::span<uint8_t> image);

} // namespace tern::savestate
