#pragma once
// Storage behind a virtio-blk device: a raw image file, or nothing at all
// (a null backend that reads zeroes and refuses writes).
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace tern {

class BlockBackend {
  public:
    virtual ~BlockBackend() = default;
    virtual uint64_t size() const = 0;
    virtual bool read_only() const = 0;
    // Offsets and lengths are checked by the caller against size().
    virtual bool read(uint64_t offset, std::span<uint8_t> out) = 0;
    virtual bool write(uint64_t offset, std::span<const uint8_t> in) = 0;
    virtual bool flush() = 0;
};

class FileBackend final : public BlockBackend {
  public:
    // Opens a raw image; nullptr with `error` set when it cannot be used.
    static std::unique_ptr<FileBackend> open(const std::string& path, bool read_only, std::string& error);
    ~FileBackend() override;

    uint64_t size() const override { return size_; }
    bool read_only() const override { return read_only_; }
    bool read(uint64_t offset, std::span<uint8_t> out) override;
    bool write(uint64_t offset, std::span<const uint8_t> in) override;
    bool flush() override;

  private:
    FileBackend(int fd, uint64_t size, bool read_only) : fd_(fd), size_(size), read_only_(read_only) {}
    int fd_;
    uint64_t size_;
    bool read_only_;
};

// A disk held in host memory: a savestate's embedded disk, or a private view of a file. Pages never written cost nothing
// (an anonymous mapping); writes last as long as the machine and go into its next savestate.
class MemoryBackend final : public BlockBackend {
  public:
    // nullptr with `error` set when the host cannot map `size` bytes.
    static std::unique_ptr<MemoryBackend> create(uint64_t size, bool read_only, std::string& error);
    // A private copy-on-write view of a regular file (QEMU's snapshot=on): the guest reads the
    // file and its writes never reach it.
    static std::unique_ptr<MemoryBackend> snapshot_of(const std::string& path, bool read_only, std::string& error);
    ~MemoryBackend() override;
    uint64_t size() const override { return size_; }
    bool read_only() const override { return read_only_; }
    bool read(uint64_t offset, std::span<uint8_t> out) override;
    bool write(uint64_t offset, std::span<const uint8_t> in) override;
    bool flush() override { return true; }
    // The whole disk, for filling it from a savestate.
    std::span<uint8_t> bytes() { return {data_, size_}; }

  private:
    MemoryBackend(uint8_t* data, uint64_t size, bool read_only) : data_(data), size_(size), read_only_(read_only) {}
    uint8_t* data_;
    uint64_t size_;
    bool read_only_;
};

class NullBackend final : public BlockBackend {
  public:
    explicit NullBackend(uint64_t size) : size_(size) {}
    uint64_t size() const override { return size_; }
    bool read_only() const override { return true; }
    bool read(uint64_t, std::span<uint8_t> out) override;
    bool write(uint64_t, std::span<const uint8_t>) override { return false; }
    bool flush() override { return true; }

  private:
    uint64_t size_;
};

} // namespace tern
