#pragma once
// The savestate file format, version 1 (savestate/README.md is its specification).
//
//   header (32 bytes, not compressed)
//     0  magic "TERNSAVE"
//     8  u32 format version
//    12  u32 flags (kFlagDisksEmbedded; other bits must be zero)
//    16  u64 payload size: the bytes of the zstd frame's content
//    24  u64 XXH64 (seed 0) of bytes 0..23
//   one zstd frame with its content checksum, holding the payload:
//     u32 section count, then per section: u8 name length, name, u32 section version, u64 length;
//     then the sections' bodies, in table order.
// Every integer is little-endian.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tern::savestate {

inline constexpr std::array<char, 8> kMagic{'T', 'E', 'R', 'N', 'S', 'A', 'V', 'E'};
inline constexpr uint32_t kFormatVersion = 1;
// The oldest format version this Tern still loads.
inline constexpr uint32_t kOldestFormatVersion = 1;
inline constexpr uint32_t kFlagDisksEmbedded = 1;
inline constexpr size_t kHeaderSize = 32;

// Section versions of the sections that are not devices (devices report theirs: Device::state_version).
inline constexpr uint32_t kConfigVersion = 1, kMachineVersion = 1, kHartVersion = 1, kRamVersion = 1,
                          kDiskVersion = 1;

// Bounds checked before anything is sized by the file.
inline constexpr uint32_t kMaxSections = 1024;
inline constexpr size_t kMaxSectionName = 32;
inline constexpr uint64_t kMaxSmallSection = 1 << 20; // every section but RAM and disks
inline constexpr uint64_t kMaxDiskSize = 1ull << 40;  // an embedded disk, held in (lazily mapped) memory
inline constexpr size_t kMaxPath = 4096;
inline constexpr uint64_t kPageSize = 4096;

// The section that holds each part, in the order a file lists them.
inline constexpr std::string_view kConfigSection = "config";
inline constexpr std::string_view kMachineSection = "machine";
inline constexpr std::string_view kRamSection = "ram";

// The 32 header bytes for a payload of `payload_size` bytes (savestate/save.cpp; tests build files with it).
std::vector<uint8_t> encode_header(uint32_t flags, uint64_t payload_size);

} // namespace tern::savestate
