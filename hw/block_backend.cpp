#include "hw/block_backend.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tern {

namespace {
// Opens a regular file, and nothing else: O_NONBLOCK so that a FIFO or a device named by mistake
// (or by a hostile savestate) is refused at once instead of blocking the open.
int open_regular(const std::string& path, int mode, std::string& error) {
    const int fd = ::open(path.c_str(), mode | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = path + ": not a regular file";
        ::close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}
} // namespace

std::unique_ptr<FileBackend> FileBackend::open(const std::string& path, bool read_only, std::string& error) {
    const int fd = open_regular(path, read_only ? O_RDONLY : O_RDWR, error);
    if (fd < 0) return nullptr;
    struct stat st;
    fstat(fd, &st);
    return std::unique_ptr<FileBackend>(new FileBackend(fd, static_cast<uint64_t>(st.st_size), read_only));
}

FileBackend::~FileBackend() { ::close(fd_); }

bool FileBackend::read(uint64_t offset, std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    // A file that shrank under us reads as zeroes past its end rather than stale bytes.
    std::fill(out.begin() + static_cast<ptrdiff_t>(done), out.end(), uint8_t{0});
    return true;
}

bool FileBackend::write(uint64_t offset, std::span<const uint8_t> in) {
    if (read_only_) return false;
    size_t done = 0;
    while (done < in.size()) {
        const ssize_t n = pwrite(fd_, in.data() + done, in.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

bool FileBackend::flush() { return read_only_ || fdatasync(fd_) == 0; }

bool NullBackend::read(uint64_t, std::span<uint8_t> out) {
    std::fill(out.begin(), out.end(), uint8_t{0});
    return true;
}

std::unique_ptr<MemoryBackend> MemoryBackend::snapshot_of(const std::string& path, bool read_only, std::string& error) {
    const int fd = open_regular(path, O_RDONLY, error);
    if (fd < 0) return nullptr;
    struct stat st;
    fstat(fd, &st);
    const auto size = static_cast<uint64_t>(st.st_size);
    // MAP_PRIVATE: reads come from the file, writes stay in this process's pages.
    void* data = size ? ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, fd, 0) : nullptr;
    ::close(fd);
    if (data == MAP_FAILED) {
        error = path + ": cannot map: " + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<MemoryBackend>(new MemoryBackend(static_cast<uint8_t*>(data), size, read_only));
}

std::unique_ptr<MemoryBackend> MemoryBackend::create(uint64_t size, bool read_only, std::string& error) {
    void* data = size ? ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                      : nullptr;
    if (data == MAP_FAILED) {
        error = "cannot map " + std::to_string(size) + " bytes for a disk";
        return nullptr;
    }
    return std::unique_ptr<MemoryBackend>(new MemoryBackend(static_cast<uint8_t*>(data), size, read_only));
}

MemoryBackend::~MemoryBackend() {
    if (data_) ::munmap(data_, size_);
}

bool MemoryBackend::read(uint64_t offset, std::span<uint8_t> out) {
    std::memcpy(out.data(), data_ + offset, out.size());
    return true;
}

bool MemoryBackend::write(uint64_t offset, std::span<const uint8_t> in) {
    if (read_only_) return false;
    std::memcpy(data_ + offset, in.data(), in.size());
    return true;
}

} // namespace tern
