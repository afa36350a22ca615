// libFuzzer target: the savestate loader (savestate/load.cpp and every section's
// serialize() it calls), fed a file that came from someone else. Nothing runs:
// a load that succeeds gives a machine, which is destroyed at once.
// A refusal (any std::exception) is expected; a crash, hang, leak or sanitizer report is a bug.
//
// Encoding: byte 0 picks the mode, the rest is its input.
//   byte0 & 1 == 0  whole file: the rest is a savestate file (32-byte header, zstd frame),
//                   loaded from an in-memory file by savestate::load(path).
//   byte0 & 1 == 1  payload: the rest is an already decompressed payload (section table,
//                   then the sections; no header), loaded by savestate::load_payload, with
//                   its disks embedded when byte0 & 2 (else referenced by path and hash).
// Seeds (tests/fuzz/make_savestate_seeds.sh) are real savestates: mode 0 + the file,
// and mode 1 or 3 + its decompressed payload, which is where most mutations land.
//
// The machine is built with the interpreter (no JIT arenas). Its size comes from the file:
// up to 32 harts (cheap) and up to 64 GiB of RAM, which is not: the RAM is mapped lazily,
// but the bus keeps 8 bytes of page flags per 4 KiB page (128 MiB, some 0.5 s a run under
// ASan at 64 GiB). So a payload whose config asks for more than kMaxFuzzRam is skipped
// before loading (skipped()). The whole-file mode skips nothing: its sections are
// compressed, and a mutation that keeps the zstd frame decodable and reaches them is rare.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "hw/machine.hpp"
#include "savestate/savestate.hpp"

using namespace tern;

namespace {

constexpr uint64_t kMaxFuzzRam = 1ull << 30; // 2 MiB of page flags

// The whole-file mode's file: one memfd (a regular file, as load() requires),
// rewritten for every input.
struct MemoryFile {
    int fd = -1;
    std::string path;
    MemoryFile() {
        fd = memfd_create("tern-fuzz-savestate", MFD_CLOEXEC);
        if (fd < 0) __builtin_trap();
        path = "/proc/self/fd/" + std::to_string(fd);
    }
    void hold(std::span<const uint8_t> data) {
        if (ftruncate(fd, 0) != 0) __builtin_trap();
        size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
            if (n <= 0) __builtin_trap();
            done += static_cast<size_t>(n);
        }
    }
};

// A payload's section table (savestate/format.hpp), as far as the payload holds it.
struct Section {
    std::string name;
    std::span<const uint8_t> body; // cut short where the payload ends
};
std::vector<Section> payload_sections(std::span<const uint8_t> p) {
    size_t at = 0;
    auto le = [&](unsigned bytes) -> std::optional<uint64_t> {
        if (p.size() - at < bytes) return std::nullopt;
        uint64_t v = 0;
        for (unsigned i = 0; i < bytes; ++i)
            v |= uint64_t{p[at + i]} << (8 * i);
        at += bytes;
        return v;
    };
    std::vector<Section> sections;
    const std::optional<uint64_t> count = le(4);
    if (!count || *count > 1024) return {};
    std::vector<uint64_t> lengths;
    for (uint64_t i = 0; i < *count; ++i) {
        const std::optional<uint64_t> n = le(1);
        if (!n || p.size() - at < *n) return {};
        sections.push_back({std::string(reinterpret_cast<const char*>(p.data() + at), *n), {}});
        at += *n;
        le(4); // the section's version
        const std::optional<uint64_t> length = le(8);
        if (!length) return {};
        lengths.push_back(*length);
    }
    for (size_t i = 0; i < sections.size(); ++i) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(lengths[i], p.size() - at));
        sections[i].body = p.subspan(at, n);
        at += n;
    }
    return sections;
}

uint64_t le64(std::span<const uint8_t> bytes, size_t at) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && at + i < bytes.size(); ++i)
        v |= uint64_t{bytes[at + i]} << (8 * i);
    return v;
}

// Why a payload is not loaded, if it is one this target skips: a RAM size above kMaxFuzzRam
// (config: u32 length and the Tern version, then u64 ram_size).
std::string skipped(std::span<const uint8_t> payload) {
    for (const Section& s : payload_sections(payload)) {
        if (s.name == "config" && s.body.size() >= 4) {
            const uint64_t version_length = le64(s.body.first(4), 0);
            const uint64_t ram = le64(s.body, 4 + version_length);
            if (ram > kMaxFuzzRam) return std::to_string(ram) + " bytes of RAM";
        }
    }
    return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    static MemoryFile file;
    const uint8_t mode = data[0];
    const std::span<const uint8_t> rest(data + 1, size - 1);
    const bool trace = std::getenv("TERN_FUZZ_TRACE") != nullptr; // TERN_FUZZ_TRACE=1: what happened to each input

    savestate::LoadOptions options;
    options.command_line.accel = Accel::Interpreter;
    std::unique_ptr<Machine> machine;
    try {
        if (mode & 1) {
            if (const std::string why = skipped(rest); !why.empty()) {
                if (trace) std::fprintf(stderr, "skipped: %s\n", why.c_str());
                return -1; // never added to the corpus
            }
            machine = savestate::load_payload(rest, (mode & 2) != 0, options);
        } else {
            file.hold(rest);
            machine = savestate::load(file.path, options);
        }
    } catch (const std::exception& e) {
        // A refusal: what a hostile file should get.
        if (trace) std::fprintf(stderr, "refused: %s\n", e.what());
        return 0;
    }
    if (trace)
        std::fprintf(stderr, "loaded: %u harts, %llu bytes of RAM\n", machine->config.harts,
                     static_cast<unsigned long long>(machine->config.ram_size));
    return 0;
}
