#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "core/bus.hpp"
#include "core/dma.hpp"
#include "core/ram.hpp"
#include "hw/htif.hpp"

using namespace tern;

namespace {

constexpr uint64_t kBase = 0x8000'0000, kToHost = kBase + 0x1000, kFromHost = kBase + 0x1008;

// A RAM, a bus and an HTIF whose console is a temporary file, driven by bus stores as a hart's slow path
// would.
struct HtifFixture {
    Ram ram{kBase, 1 << 20};
    Bus bus{ram};
    std::FILE* console = std::tmpfile();
    std::optional<uint64_t> exit_code;
    Htif htif{bus, kToHost, kFromHost, [this](uint64_t code) { exit_code = code; }, console};

    ~HtifFixture() { std::fclose(console); }
    uint64_t read(uint64_t paddr) {
        uint64_t v = 0;
        REQUIRE(bus.read(paddr, 8, v));
        return v;
    }
    void write(uint64_t paddr, uint64_t value) { REQUIRE(bus.write(paddr, 8, value)); }
    std::string console_text() {
        std::fflush(console);
        std::rewind(console);
        std::string text;
        for (int c; (c = std::fgetc(console)) != EOF;)
            text += static_cast<char>(c);
        return text;
    }
    // Runs one syscall through a block at `block` and returns the result word.
    uint64_t syscall(uint64_t block, uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2) {
        write(block, number);
        write(block + 8, a0);
        write(block + 16, a1);
        write(block + 24, a2);
        write(kToHost, Htif::command(0, 0, block));
        CHECK(read(kToHost) == 0);
        CHECK(read(kFromHost) == 1);
        write(kFromHost, 0);
        return read(block);
    }
};

} // namespace

TEST_CASE("htif: the tohost page leaves the store fast path") {
    HtifFixture f;
    CHECK((f.bus.page_flags(kToHost) & kPageWatched) != 0);
    CHECK((f.bus.page_flags(kBase) & kPageWatched) == 0);
}

TEST_CASE("htif: console putchar is printed, taken and acknowledged") {
    HtifFixture f;
    for (char c : std::string("hi\n")) {
        f.write(kToHost, Htif::command(1, 1, static_cast<uint8_t>(c)));
        CHECK(f.read(kToHost) == 0);
        CHECK(f.read(kFromHost) == Htif::command(1, 1, 0x100 | static_cast<uint8_t>(c)));
        f.write(kFromHost, 0);
    }
    CHECK(f.console_text() == "hi\n");
    CHECK_FALSE(f.exit_code.has_value());
}

TEST_CASE("htif: (code << 1) | 1 requests the exit once") {
    HtifFixture f;
    f.write(kToHost, (3 << 1) | 1);
    CHECK(f.exit_code == 3);
    f.write(kToHost, Htif::command(1, 1, 'x')); // after the exit nothing more is done
    CHECK(f.console_text().empty());
}

TEST_CASE("htif: a lone low-word store waits for the upper word") {
    HtifFixture f;
    REQUIRE(f.bus.write(kToHost, 4, (5 << 1) | 1));
    CHECK_FALSE(f.exit_code.has_value());
    REQUIRE(f.bus.write(kToHost + 4, 4, 0));
    CHECK(f.exit_code == 5);
}

TEST_CASE("htif: stores next to tohost are not commands") {
    HtifFixture f;
    f.write(kFromHost, 7);
    f.write(kToHost - 8, 7);
    CHECK_FALSE(f.exit_code.has_value());
    CHECK(f.read(kFromHost) == 7);
}

TEST_CASE("htif: SYS_write through the magic-memory block") {
    HtifFixture f;
    const uint64_t block = kBase + 0x2000, text = kBase + 0x3000;
    std::memcpy(f.ram.host(text), "abc", 3);
    CHECK(f.syscall(block, Htif::kSysWrite, 1, text, 3) == 3);
    CHECK(f.console_text() == "abc");
    SUBCASE("a buffer running past RAM is refused, not read") {
        CHECK(f.syscall(block, Htif::kSysWrite, 1, kBase + (1 << 20) - 2, 3) ==
              static_cast<uint64_t>(-EFAULT));
        CHECK(f.syscall(block, Htif::kSysWrite, 1, text, ~0ull) == static_cast<uint64_t>(-EFAULT));
    }
    SUBCASE("an unknown file descriptor") {
        CHECK(f.syscall(block, Htif::kSysWrite, 7, text, 3) == static_cast<uint64_t>(-EBADF));
    }
    SUBCASE("an unknown syscall") {
        CHECK(f.syscall(block, 93 + 1000, 0, 0, 0) == static_cast<uint64_t>(-ENOSYS));
    }
    CHECK(f.console_text() == "abc");
}

TEST_CASE("htif: a device DMA write that covers tohost is seen like a CPU store") {
    HtifFixture f;
    Dma dma(f.bus);
    uint8_t block[32] = {};
    const uint64_t exit_command = (7 << 1) | 1;
    std::memcpy(block + (kToHost - (kToHost - 8)), &exit_command, 8); // tohost sits at offset 8 of the block
    REQUIRE(dma.write_bytes(kToHost - 8, block));
    REQUIRE(f.exit_code.has_value());
    CHECK(*f.exit_code == 7);
}
