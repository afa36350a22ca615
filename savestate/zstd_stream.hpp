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

// Where a loader reads the payload from: read() gives exactly the bytes asked for or throws StateError.
class PayloadReader {
  public:
    virtual ~PayloadReader() = default;
    virtual void read(std::span<uint8_t> out) = 0;
    // The payload ended exactly here (and, for a file, its checksum matched and nothing follows).
    virtual void expect_end() = 0;
    uint64_t consumed() const { return consumed_; }

  protected:
    uint64_t consumed_ = 0;
};

// A payload already in memory (the fuzzer's way past zstd).
class SpanReader final : public PayloadReader {
  public:
    explicit SpanReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    void read(std::span<uint8_t> out) override;
    void expect_end() override;

  private:
    std::span<const uint8_t> bytes_;
};

// Decompresses the frame that follows the file's current position; nothing decompressed is
// kept beyond one buffer.
class DecompressedReader final : public PayloadReader {
  public:
    explicit DecompressedReader(std::FILE* file);
    ~DecompressedReader() override;
    DecompressedReader(const DecompressedReader&) = delete;
    DecompressedReader& operator=(const DecompressedReader&) = delete;

    void read(std::span<uint8_t> out) override;
    void expect_end() override;

  private:
    // Decompresses more into out_; false at the frame's end.
    bool fill();
    std::FILE* file_;
    ZSTD_DCtx* dctx_;
    std::vector<uint8_t> in_, out_;
    ZSTD_inBuffer in_buffer_{nullptr, 0, 0};
    size_t out_pos_ = 0, out_end_ = 0;
    bool frame_done_ = false;
    bool header_checked_ = false;
};

} // namespace tern::savestate
