#include "gdb/memory.hpp"

#include <algorithm>

#include "cpu/debug_access.hpp"
#include "hw/machine.hpp"

namespace tern::gdb {

namespace {

// One byte of the boot ROM (the reset vector, where -S leaves the harts), or false.
bool read_rom_byte(Machine& machine, const Hart& hart, uint64_t address, bool physical, uint8_t& byte) {
    uint64_t paddr = address;
    if (!physical) {
        const DebugTranslation t = debug_translate(hart, address);
        if (!t.ok) return false;
        paddr = t.paddr;
    }
    if (paddr < BootRom::kBase || paddr - BootRom::kBase >= BootRom::kSize) return false;
    uint64_t value = 0;
    if (!machine.bus.read(paddr, 1, value)) return false;
    byte = static_cast<uint8_t>(value);
    return true;
}

} // namespace

size_t read_memory(Machine& machine, Hart& hart, uint64_t address, std::span<uint8_t> out, bool physical) {
    size_t done = 0;
    while (done < out.size()) {
        const uint64_t at = address + done;
        const size_t length = std::min<size_t>(out.size() - done, Tlb::kPageSize - (at & (Tlb::kPageSize - 1)));
        if (debug_read(hart, at, out.subspan(done, length), physical)) {
            done += length;
            continue;
        }
        if (!read_rom_byte(machine, hart, at, physical, out[done])) break;
        ++done;
    }
    return done;
}

bool write_memory(Hart& hart, uint64_t address, std::span<const uint8_t> in, bool physical) {
    return debug_write(hart, address, in, physical);
}

} // namespace tern::gdb
