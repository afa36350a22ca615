// The JIT's code arena is W^X: code runs from a read+execute view and is
// written through a separate read+write view of the same memory.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "jit/code_arena.hpp"

using tern::jit::CodeArena;

namespace {
// The permission string ("r-xs") of the mapping holding `p`, from /proc/self/maps.
std::string permissions_of(const void* p) {
    const auto addr = reinterpret_cast<uintptr_t>(p);
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
        unsigned long long from = 0, to = 0;
        char perms[8] = {};
        if (std::sscanf(line.c_str(), "%llx-%llx %7s", &from, &to, perms) == 3 && addr >= from && addr < to)
            return perms;
    }
    return "";
}
} // namespace

TEST_CASE("code arena: executable view is never writable, writes go through the alias") {
    CodeArena arena(1 << 16);
    uint8_t* code = arena.allocate(16);
    REQUIRE(code != nullptr);
    CHECK(arena.contains(code));
    uint8_t* alias = arena.writable(code);
    CHECK(alias != code);
    CHECK(permissions_of(code).substr(0, 3) == "r-x");
    CHECK(permissions_of(alias).substr(0, 3) == "rw-");
    alias[0] = 0xc3; // ret
    CHECK(code[0] == 0xc3); // the same memory
    // A function placed through the alias runs from the executable view.
    using Fn = int (*)();
    const uint8_t mov_eax_42_ret[] = {0xb8, 42, 0, 0, 0, 0xc3};
    uint8_t* fn = arena.allocate(sizeof mov_eax_42_ret);
    for (size_t i = 0; i < sizeof mov_eax_42_ret; ++i) arena.writable(fn)[i] = mov_eax_42_ret[i];
    CHECK(reinterpret_cast<Fn>(fn)() == 42);
}
