#pragma once
// Puts guest images into RAM: an ELF64 by its PT_LOAD segments, anything else
// as a raw binary at a given address. Every image is checked against RAM first.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tern {

class Ram;

struct LoadedImage {
    uint64_t entry = 0;
    uint64_t low = 0, high = 0;               // the RAM range the image occupies, [low, high)
    std::optional<uint64_t> tohost, fromhost; // HTIF symbols of an ELF
};

// Loads `path`; an ELF goes where its segments say, a raw binary at `raw_address`.
// Returns an empty string on success, else one line saying why the file was refused.
std::string load_image(Ram& ram, const std::string& path, uint64_t raw_address, LoadedImage& image);

// Reads a whole file of at most `limit` bytes; an empty string on success, else the reason.
std::string read_file(const std::string& path, uint64_t limit, std::vector<uint8_t>& bytes);

// Loads a file byte for byte at `address` (an initrd, a device tree).
std::string load_raw(Ram& ram, const std::string& path, uint64_t address, LoadedImage& image);

} // namespace tern
