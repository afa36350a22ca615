#pragma once
// Everything the command line decides about a machine, as plain data.
#include <cstdint>
#include <string>
#include <vector>

namespace tern {

// The execution engine that runs the harts (--accel jit|interp).
enum class Accel : uint8_t { Interpreter, Jit };

struct MachineConfig {
    static constexpr uint64_t kRamBase = 0x8000'0000;
    // Page flags cost 8 bytes per 4 KiB page; 64 GiB keeps them at 128 MiB.
    static constexpr uint64_t kMaxRamSize = 64ull << 30;
    static constexpr unsigned kMaxDrives = 8; // one per virtio-mmio transport

    uint64_t ram_size = 128ull << 20; // -m
    unsigned harts = 1;               // -smp
    std::string bios;                 // -bios FILE, or "none"
    std::string kernel;               // -kernel FILE (ELF or raw binary)
    std::string initrd;               // -initrd FILE
    std::string append;               // -append "ARGS"
    std::string dtb;                  // -dtb FILE: use this device tree instead of the generated one
    uint64_t max_instructions = 0;    // stop after this many instructions (0: no limit)
    Accel accel = Accel::Jit; // the interpreter is the reference engine and the fallback
    uint64_t jit_cache_bytes = 32ull << 20; // --tb-size: each hart's code cache (flushed whole when full)
    bool deterministic = false;       // --deterministic: time from instruction counts

    struct Drive {
        std::string file;
        bool read_only = false;
    };
    std::vector<Drive> drives; // -drive file=...,format=raw,if=virtio[,readonly=on]
};

} // namespace tern
