#pragma once
// RAM and disks as savestate sections: only their 4 KiB blocks that are not all zero, in runs of
// consecutive blocks, so empty memory costs nothing to write, compress or load (and a loaded disk's
// empty blocks stay unmapped host memory).
//   u64 run count, then per run: u64 first block, u64 block count, the blocks' bytes
//   (4096 each; the image's last block may be shorter when its size is not a multiple of 4096).
// Runs are in increasing order, do not touch or overlap, and lie inside the image.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace tern::savestate {

class CompressedWriter;
class PayloadReader;

// Where a block list is saved from: memory the saver may read directly, or a reader (a disk file).
struct BlockSource {
    uint64_t size = 0;
    const uint8_t* memory = nullptr;
    // The memory is an anonymous mapping: pages the host never populated are zero without a look.
    bool anonymous = false;
    std::function<bool(uint64_t offset, std::span<uint8_t> out)> read; // when memory is null
};

struct BlockRun {
    uint64_t first, count;
};

struct BlockList {
    std::vector<BlockRun> runs;
    uint64_t length = 8; // the section's bytes
};

// Finds the blocks that are not zero (reading the image once).
BlockList find_blocks(const BlockSource& source);
// Writes the section; the image must not have changed since find_blocks.
void write_block_list(const BlockSource& source, const BlockList& list, CompressedWriter& out);
// Reads a section of `length` bytes into `image`, whose blocks not listed are already zero.
void read_block_list(PayloadReader& in, uint64_t length, std::span<uint8_t> image);

} // namespace tern::savestate
