#include "core/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <zstd.h>

#include "core/elf_loader.hpp"
#include "core/ram.hpp"

namespace tern {

std::string read_file(const std::string& path, uint64_t limit, std::vector<uint8_t>& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return std::strerror(errno);
    std::string error;
    uint8_t chunk[1 << 16];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (bytes.size() + n > limit) {
            error = "file is larger than " + std::to_string(limit) + " bytes, more than it can be used for";
            break;
        }
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    if (error.empty() && std::ferror(f)) error = std::strerror(errno);
    std::fclose(f);
    return error;
}

namespace {

// A zstd-compressed image (roms/ ships them so) is decompressed first, bounded by `limit`.
std::string decompress_if_zstd(std::vector<uint8_t>& bytes, uint64_t limit) {
    static constexpr uint8_t kZstdMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    if (bytes.size() < 4 || !std::equal(kZstdMagic, kZstdMagic + 4, bytes.begin())) return {};
    std::vector<uint8_t> out;
    ZSTD_DStream* stream = ZSTD_createDStream();
    ZSTD_initDStream(stream);
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    std::vector<uint8_t> chunk(ZSTD_DStreamOutSize());
    std::string error;
    size_t ret = 1;
    while (ret != 0 && error.empty()) {
        ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
        ret = ZSTD_decompressStream(stream, &o, &in);
        if (ZSTD_isError(ret))
            error = std::string("zstd: ") + ZSTD_getErrorName(ret);
        else if (out.size() + o.pos > limit)
            error = "decompressed image is larger than RAM";
        else
            out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<ptrdiff_t>(o.pos));
        if (ret != 0 && in.pos == in.size && o.pos == 0 && error.empty()) error = "zstd: truncated stream";
    }
    ZSTD_freeDStream(stream);
    if (error.empty()) bytes.swap(out);
    return error;
}

std::string place_raw(Ram& ram, const std::vector<uint8_t>& file, uint64_t address, LoadedImage& image) {
    if (file.empty()) return "empty file";
    if (!ram.contains(address, file.size())) return "does not fit in RAM at its load address";
    std::memcpy(ram.host(address), file.data(), file.size());
    image = {};
    image.entry = image.low = address;
    image.high = address + file.size();
    return {};
}

} // namespace

std::string load_raw(Ram& ram, const std::string& path, uint64_t address, LoadedImage& image) {
    std::vector<uint8_t> file;
    if (std::string error = read_file(path, ram.size(), file); !error.empty()) return error;
    if (std::string error = decompress_if_zstd(file, ram.size()); !error.empty()) return error;
    return place_raw(ram, file, address, image);
}

std::string load_image(Ram& ram, const std::string& path, uint64_t raw_address, LoadedImage& image) {
    std::vector<uint8_t> file;
    // Symbols and debug information can make an ELF larger than what it loads.
    const uint64_t limit = ram.size() + (uint64_t{1} << 30);
    if (std::string error = read_file(path, limit, file); !error.empty()) return error;
    if (std::string error = decompress_if_zstd(file, limit); !error.empty()) return error;
    if (!has_elf_magic(file)) return place_raw(ram, file, raw_address, image);

    ElfParseResult elf = parse_elf(file, ram.base(), ram.size());
    if (!elf.error.empty()) return elf.error;
    image = {};
    image.low = ~0ull;
    for (const ElfSegment& s : elf.image.segments) {
        std::memcpy(ram.host(s.paddr), file.data() + s.file_offset, s.file_size);
        std::memset(ram.host(s.paddr + s.file_size), 0, s.mem_size - s.file_size);
        image.low = std::min(image.low, s.paddr);
        image.high = std::max(image.high, s.paddr + s.mem_size);
    }
    image.entry = elf.image.entry;
    image.tohost = elf.image.tohost;
    image.fromhost = elf.image.fromhost;
    return {};
}

} // namespace tern
