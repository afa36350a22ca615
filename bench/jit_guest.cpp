// Runs a bare-metal RV64 ELF (RAM-only: no devices) on the JIT and the
// interpreter, in lockstep or timed:
//   jit_guest lockstep FILE.elf [budget]   compare full state after every step of `budget` instructions
//   jit_guest time FILE.elf                retired instructions per second, interpreter vs JIT
// The program ends by spinning on `j .` (jal x0, 0), or through HTIF when it
// defines `tohost` (console output is printed, the exit code reported).
// bench/guest/kernels.c is such a program (built by bench/CMakeLists.txt when
// riscv64-unknown-elf-gcc is installed).
#include <elf.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "cpu/interpreter.hpp"
#include "jit/encode.hpp"
#include "jit/engine.hpp"
#include "jit/lockstep.hpp"

using namespace tern;

namespace {

constexpr uint64_t kRamBytes = 16 << 20;

// Copies the PT_LOAD segments into RAM; returns the entry point (0 on error).
uint64_t load_elf(const std::vector<char>& file, jit::Sandbox& s) {
    if (file.size() < sizeof(Elf64_Ehdr)) return 0;
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_machine != EM_RISCV)
        return 0;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        const uint64_t at = eh.e_phoff + uint64_t{i} * eh.e_phentsize;
        if (at + sizeof ph > file.size()) return 0;
        std::memcpy(&ph, file.data() + at, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0) continue;
        if (!s.ram.contains(ph.p_paddr, ph.p_memsz) || ph.p_offset + ph.p_filesz > file.size()) return 0;
        std::memcpy(s.ram.host(ph.p_paddr), file.data() + ph.p_offset, ph.p_filesz);
    }
    return eh.e_entry;
}

// The address of ELF symbol `name`, or 0.
uint64_t find_symbol(const std::vector<char>& file, const char* name) {
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    auto section = [&](unsigned i, Elf64_Shdr& sh) {
        const uint64_t at = eh.e_shoff + uint64_t{i} * eh.e_shentsize;
        if (i >= eh.e_shnum || at + sizeof sh > file.size()) return false;
        std::memcpy(&sh, file.data() + at, sizeof sh);
        return sh.sh_offset + sh.sh_size <= file.size();
    };
    for (unsigned i = 0; i < eh.e_shnum; ++i) {
        Elf64_Shdr symtab, strtab;
        if (!section(i, symtab) || symtab.sh_type != SHT_SYMTAB || !section(symtab.sh_link, strtab)) continue;
        for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= symtab.sh_size; off += sizeof(Elf64_Sym)) {
            Elf64_Sym sym;
            std::memcpy(&sym, file.data() + symtab.sh_offset + off, sizeof sym);
            if (sym.st_name < strtab.sh_size && std::strncmp(file.data() + strtab.sh_offset + sym.st_name,
                                                             name, strtab.sh_size - sym.st_name) == 0)
                return sym.st_value;
        }
    }
    return 0;
}

// A minimal HTIF host for programs that define `tohost` (the ISA-test
// convention): between steps it takes a command from both sides alike,
// prints console output and reports an exit.
struct HtifHost {
    uint64_t tohost = 0;
    std::optional<uint64_t> exit_code;

    void serve(std::initializer_list<jit::Sandbox*> sides) {
        if (!tohost) return;
        uint64_t command = 0;
        std::memcpy(&command, sides.begin()[0]->ram.host(tohost), 8);
        if (!command) return;
        if (command >> 48 == 0 && (command & 1))
            exit_code = command >> 1; // device 0: exit
        else if (command >> 48 == 0x0101)
            std::putchar(static_cast<int>(command & 0xff));
        for (jit::Sandbox* s : sides)
            std::memset(s->ram.host(tohost), 0, 8);
    }
};

bool spinning(jit::Sandbox& s) {
    const uint64_t pc = s.hart.state.pc;
    uint32_t word = 0;
    if (s.ram.contains(pc, 4)) std::memcpy(&word, s.ram.host(pc), 4);
    return word == jit::encode(Op::jal);
}

int usage() {
    std::fprintf(stderr, "usage: jit_guest lockstep FILE.elf [budget] | jit_guest time FILE.elf\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string mode = argv[1];
    std::ifstream in(argv[2], std::ios::binary);
    const std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    jit::Sandbox a(kRamBytes), b(kRamBytes);
    const uint64_t entry = load_elf(file, a);
    if (!entry || load_elf(file, b) != entry) {
        std::fprintf(stderr, "jit_guest: %s is not a loadable RV64 ELF for RAM at 0x80000000\n", argv[2]);
        return 1;
    }
    a.hart.state.pc = b.hart.state.pc = entry;

    if (mode == "lockstep") {
        jit::Engine engine(a.cache);
        jit::Lockstep lockstep(a.hart, a.ram, engine, b.hart, b.ram);
        lockstep.set_step_budget(argc > 3 ? std::strtoull(argv[3], nullptr, 0) : 1);
        lockstep.set_memory_check_interval(1024); // 16 MiB per comparison
        HtifHost htif{find_symbol(file, "tohost"), std::nullopt};
        std::optional<std::string> d;
        while (!d && !htif.exit_code && !spinning(b)) {
            d = lockstep.step();
            htif.serve({&a, &b});
        }
        if (htif.exit_code) std::printf("htif exit code %" PRIu64 "\n", *htif.exit_code);
        if (!d) d = lockstep.check_memory();
        if (d) {
            std::printf("%s", d->c_str());
            return 1;
        }
        std::printf("lockstep: no divergence in %" PRIu64 " steps, %" PRIu64 " instructions; a0 = %" PRIx64
                    "\n",
                    lockstep.steps(), lockstep.retired(), a.hart.state.x[10]);
        engine.print_stats(stdout);
        return 0;
    }
    if (mode != "time") return usage();
    auto timed = [](const char* name, jit::Sandbox& s, auto run) {
        uint64_t retired = 0;
        const auto start = std::chrono::steady_clock::now();
        while (!spinning(s))
            retired += run(s.hart, 20'000); // the machine's slice
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%-12s %12" PRIu64 " instructions  %7.3f s  %8.1f MIPS  a0 = %" PRIx64 "\n", name,
                    retired, sec, static_cast<double>(retired) / sec / 1e6, s.hart.state.x[10]);
        return static_cast<double>(retired) / sec;
    };
    const double interp = timed("interpreter", b, [](Hart& h, uint64_t n) { return interpret(h, n); });
    jit::Engine engine(a.cache);
    const double jit = timed("jit", a, [&](Hart& h, uint64_t n) { return engine.run(h, n); });
    engine.print_stats(stdout);
    std::printf("jit / interpreter: %.2fx\n", jit / interp);
    return 0;
}
