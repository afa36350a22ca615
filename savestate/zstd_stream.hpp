#pragma once
// A file written and read through one zstd frame with its content checksum,
// a piece at a time, so a savestate is never held whole in memory.
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include <zstd.h>

namespace tern::savestate {

// Compresses everything write() is given into `file` (after whatever it already holds).
class CompressedWriter {
  public:
    // `pledged` is the exact number of bytes that will be written (recorded in the frame).
    CompressedWriter(std::FILE* file, uint64_t pledged, int level, int threads);
    ~CompressedWriter();
    CompressedWriter(const CompressedWriter&) = delete;
    CompressedWriter& operator=(const CompressedWriter&) = delete;

    void write(std::span<const uint8_t> data);
    // Ends the frame; throws on a write error.
    void finish();

  private:
    void drain(ZSTD_inBuffer& in, ZSTD_EndDirective mode);
    std::FILE* file_;
    ZSTD_CCtx* cctx_;
    std::vector<uint8_t> out_;
};

// Decompresses the frame that follows the file's current position. read() gives exactly the
// bytes asked for or throws StateError; nothing decompressed is kept beyond one buffer.
class DecompressedReader {
  public:
    explicit DecompressedReader(std::FILE* file);
    ~DecompressedReader();
    DecompressedReader(const DecompressedReader&) = delete;
    DecompressedReader& operator=(const DecompressedReader&) = delete;

    void read(std::span<uint8_t> out);
    // The frame ended exactly here, its checksum matched and nothing follows it in the file.
    void expect_end();
    uint64_t consumed() const { return consumed_; }

  private:
    // Decompresses more into out_; false at the frame's end.
    bool fill();
    std::FILE* file_;
    ZSTD_DCtx* dctx_;
    std::vector<uint8_t> in_, out_;
    ZSTD_inBuffer in_buffer_{nullptr, 0, 0};
    size_t out_pos_ = 0, out_end_ = 0;
    bool frame_done_ = false;
    uint64_t consumed_ = 0;
};

} // namespace tern::savestate
