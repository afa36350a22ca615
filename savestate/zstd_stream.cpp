#include "savestate/zstd_stream.hpp"

#include <cstring>
#include <stdexcept>

#include "core/state_archive.hpp"

namespace tern::savestate {

CompressedWriter::CompressedWriter(std::FILE* file, uint64_t pledged, int level, int threads)
    : file_(file), cctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {
    if (!cctx_) throw std::runtime_error("cannot create a zstd compressor");
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    // Worker threads where libzstd was built with them (Debian's is); else this is refused and ignored.
    if (threads > 1) ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, threads);
    ZSTD_CCtx_setPledgedSrcSize(cctx_, pledged);
}

CompressedWriter::~CompressedWriter() { ZSTD_freeCCtx(cctx_); }

void CompressedWriter::drain(ZSTD_inBuffer& in, ZSTD_EndDirective mode) {
    for (;;) {
        ZSTD_outBuffer out{out_.data(), out_.size(), 0};
        const size_t left = ZSTD_compressStream2(cctx_, &out, &in, mode);
        if (ZSTD_isError(left)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(left));
        if (out.pos && std::fwrite(out_.data(), 1, out.pos, file_) != out.pos)
            throw std::runtime_error(std::string("write failed: ") + std::strerror(errno));
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return;
    }
}

void CompressedWriter::write(std::span<const uint8_t> data) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    drain(in, ZSTD_e_continue);
}

void CompressedWriter::finish() {
    ZSTD_inBuffer in{nullptr, 0, 0};
    drain(in, ZSTD_e_end);
}

void SpanReader::read(std::span<uint8_t> out) {
    if (out.empty()) return; // an empty section may have no storage at all
    if (out.size() > bytes_.size() - consumed_) throw StateError("the payload ends before its sections do");
    std::memcpy(out.data(), bytes_.data() + consumed_, out.size());
    consumed_ += out.size();
}

void SpanReader::expect_end() {
    if (consumed_ != bytes_.size()) throw StateError("the payload is longer than its sections");
}

DecompressedReader::DecompressedReader(std::FILE* file)
    : file_(file), dctx_(ZSTD_createDCtx()), in_(ZSTD_DStreamInSize()), out_(ZSTD_DStreamOutSize()) {
    if (!dctx_) throw std::runtime_error("cannot create a zstd decompressor");
    // No window larger than the compressor's default uses: a file that asks for more is refused, not obeyed.
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, 27);
}

DecompressedReader::~DecompressedReader() { ZSTD_freeDCtx(dctx_); }

bool DecompressedReader::fill() {
    while (!frame_done_) {
        if (in_buffer_.pos == in_buffer_.size) {
            const size_t n = std::fread(in_.data(), 1, in_.size(), file_);
            if (n == 0) throw StateError("the compressed data ends early (the file is truncated)");
            in_buffer_ = {in_.data(), n, 0};
            if (!header_checked_) {
                // The format's frame carries a content checksum; one without it is not ours. RFC 8878,
                // 3.1.1: the magic number 0xFD2FB528, then the frame header descriptor, whose bit 2 is
                // Content_Checksum_flag.
                constexpr uint8_t kMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};
                constexpr uint8_t kChecksumFlag = 1 << 2;
                if (n < 5) throw StateError("the compressed data ends early (the file is truncated)");
                if (std::memcmp(in_.data(), kMagic, 4) != 0)
                    throw StateError("the compressed data does not start with a zstd frame");
                if (!(in_[4] & kChecksumFlag)) throw StateError("the zstd frame has no content checksum");
                header_checked_ = true;
            }
        }
        ZSTD_outBuffer out{out_.data(), out_.size(), 0};
        const size_t ret = ZSTD_decompressStream(dctx_, &out, &in_buffer_);
        if (ZSTD_isError(ret))
            throw StateError(std::string("the compressed data is corrupt (zstd: ") + ZSTD_getErrorName(ret) + ")");
        if (ret == 0) frame_done_ = true; // the frame and its checksum are complete
        if (out.pos) {
            out_pos_ = 0;
            out_end_ = out.pos;
            return true;
        }
    }
    return false;
}

void DecompressedReader::read(std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
        if (out_pos_ == out_end_ && !fill()) throw StateError("the payload ends before its sections do");
        const size_t n = std::min(out.size() - done, out_end_ - out_pos_);
        std::memcpy(out.data() + done, out_.data() + out_pos_, n);
        out_pos_ += n;
        done += n;
    }
    consumed_ += done;
}

void DecompressedReader::expect_end() {
    if (out_pos_ != out_end_ || fill()) throw StateError("the payload is longer than its sections");
    if (in_buffer_.pos != in_buffer_.size || std::fgetc(file_) != EOF)
        throw StateError("the file has bytes after its compressed data");
}

} // namespace tern::savestate
