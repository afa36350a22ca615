#include "jit/host_disasm.hpp"

#include <capstone/capstone.h>

#include <cinttypes>
#include <cstdio>

#include "jit/compiled_block.hpp"

namespace tern::jit {

std::string disassemble_host(const CompiledBlock& block) {
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return "(capstone unavailable)\n";
    cs_insn* insns = nullptr;
    const size_t count =
        cs_disasm(handle, block.entry, block.code_size, reinterpret_cast<uint64_t>(block.entry), 0, &insns);
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        char line[256];
        std::snprintf(line, sizeof line, "  %016" PRIx64 ":  %-8s %s\n", insns[i].address, insns[i].mnemonic,
                      insns[i].op_str);
        out += line;
    }
    cs_free(insns, count);
    cs_close(&handle);
    return out;
}

} // namespace tern::jit
