#include "hw/virtio_blk.hpp"

#include <cstring>
#include <vector>

namespace tern {

namespace {
// Feature bits (virtio 1.2, 5.2.3)
constexpr uint64_t kFSegMax = 1ull << 2, kFRo = 1ull << 5, kFBlkSize = 1ull << 6, kFFlush = 1ull << 9;
// Request types and status values (5.2.6)
constexpr uint32_t kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4, kTypeGetId = 8;
constexpr uint8_t kStatusOk = 0, kStatusIoErr = 1, kStatusUnsupported = 2;
constexpr size_t kChunk = 64 * 1024;

struct RequestHeader {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
static_assert(sizeof(RequestHeader) == 16);

template <class T> void put(std::array<uint8_t, 24>& config, size_t offset, T value) {
    std::memcpy(config.data() + offset, &value, sizeof value);
}
} // namespace

VirtioBlk::VirtioBlk(std::unique_ptr<BlockBackend> backend) : backend_(std::move(backend)) {
    put<uint64_t>(config_, 0, backend_->size() / kSectorSize); // capacity in 512-byte sectors
    put<uint32_t>(config_, 12, kSegMax);
    put<uint32_t>(config_, 20, kSectorSize);
}

uint64_t VirtioBlk::features() const {
    return kVirtioFVersion1 | kFSegMax | kFBlkSize | kFFlush | (backend_->read_only() ? kFRo : 0);
}

VirtioDevice::Result VirtioBlk::serve(unsigned, const DescriptorChain& chain, Dma& dma) {
    ChainStream in(dma, chain.readable);
    ChainStream out(dma, chain.writable);
    Result result;
    if (out.remaining() < 1) {
        result.error = "block request without a status byte";
        return result;
    }
    const uint64_t data_out = out.remaining() - 1; // the last writable byte is the status
    // Completes the request: the status byte, and how many bytes the device wrote (data + status).
    auto finish = [&](uint8_t status, uint64_t data_written = 0, std::string error = {}) {
        out.skip(out.remaining() - 1);
        out.write({&status, 1});
        result.written = static_cast<uint32_t>(data_written + 1);
        result.error = std::move(error);
        return result;
    };

    RequestHeader header; // copied once; only the copy is used
    if (!in.read({reinterpret_cast<uint8_t*>(&header), sizeof header}))
        return finish(kStatusIoErr, 0, "block request header shorter than 16 bytes");

    // The byte range a read or write covers, checked for overflow and against the disk size.
    auto in_disk = [&](uint64_t len) {
        return header.sector <= backend_->size() / kSectorSize &&
               len <= backend_->size() - header.sector * kSectorSize;
    };
    std::vector<uint8_t> buffer;
    switch (header.type) {
    case kTypeIn: {
        if (!in_disk(data_out)) return finish(kStatusIoErr, 0, "read past the end of the disk");
        uint64_t offset = header.sector * kSectorSize;
        for (uint64_t left = data_out; left > 0;) {
            buffer.resize(std::min<uint64_t>(left, kChunk));
            if (!backend_->read(offset, buffer)) return finish(kStatusIoErr, data_out - left);
            out.write(buffer);
            offset += buffer.size();
            left -= buffer.size();
        }
        return finish(kStatusOk, data_out);
    }
    case kTypeOut: {
        const uint64_t len = in.remaining();
        if (backend_->read_only()) return finish(kStatusIoErr, 0, "write to a read-only disk");
        if (!in_disk(len)) return finish(kStatusIoErr, 0, "write past the end of the disk");
        uint64_t offset = header.sector * kSectorSize;
        for (uint64_t left = len; left > 0;) {
            buffer.resize(std::min<uint64_t>(left, kChunk));
            in.read(buffer);
            if (!backend_->write(offset, buffer)) return finish(kStatusIoErr);
            offset += buffer.size();
            left -= buffer.size();
        }
        return finish(kStatusOk);
    }
    case kTypeFlush: return finish(backend_->flush() ? kStatusOk : kStatusIoErr);
    case kTypeGetId: {
        static constexpr char kId[20] = "tern-virtio-blk";
        const uint64_t len = std::min<uint64_t>(sizeof kId, data_out);
        out.write({reinterpret_cast<const uint8_t*>(kId), len});
        return finish(kStatusOk, len);
    }
    default: return finish(kStatusUnsupported);
    }
}

} // namespace tern
