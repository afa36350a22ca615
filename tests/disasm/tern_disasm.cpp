// tern-disasm: checks Tern's disassembler against GNU objdump. Reads `objdump -d`
// output on stdin, disassembles each instruction's bytes at its address with
// tern::disassemble, and reports every line where the two differ.
//
//   riscv64-unknown-elf-objdump -d [-M no-aliases] prog.elf | tern-disasm [--no-aliases] [--priv-spec 1.11]
//
// Ignored from objdump's text, because they need a symbol table or state across
// instructions rather than the instruction itself: the " <symbol+offset>" after
// addresses and the " # address" comments objdump adds after auipc/lui pairs.
// Lines that objdump prints as data (.word/.short/.byte, from mapping symbols)
// are counted as skipped. Exit status 1 on any difference or if nothing was compared.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <regex>
#include <string>

#include "cpu/decoder.hpp"
#include "cpu/disassembler.hpp"

namespace {

// "   1c:\tfe5ff06f          \tj\t0 <_start>"
const std::regex kInsnLine(R"(^\s*([0-9a-f]+):\t([0-9a-f]+) *\t(.*)$)");
const std::regex kSymbol(R"( <[^>]*>)");

std::string objdump_text(std::string text) {
    text = std::regex_replace(text, kSymbol, "");
    if (const size_t comment = text.find(" # "); comment != std::string::npos) text.erase(comment);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
    return text;
}

bool is_data(const std::string& text) {
    return text.starts_with(".word") || text.starts_with(".short") || text.starts_with(".byte");
}

} // namespace

int main(int argc, char** argv) {
    tern::DisasmOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--no-aliases") options.aliases = false;
        else if (arg == "--priv-spec" && i + 1 < argc) {
            const std::string version = argv[++i];
            if (version == "1.11") options.priv_spec = tern::PrivSpec::v1_11;
            else if (version == "1.12") options.priv_spec = tern::PrivSpec::v1_12;
            else {
                std::cerr << "tern-disasm: unknown privileged spec version " << version << " (1.11 or 1.12)\n";
                return 2;
            }
        } else {
            std::cerr << "usage: objdump -d [-M no-aliases] FILE | tern-disasm [--no-aliases] [--priv-spec 1.11|1.12]\n";
            return 2;
        }
    }
    unsigned passed = 0, failed = 0, skipped = 0;
    std::string line;
    std::smatch m;
    while (std::getline(std::cin, line)) {
        if (!std::regex_match(line, m, kInsnLine)) continue;
        const std::string expected = objdump_text(m[3]);
        if (is_data(expected)) {
            ++skipped;
            continue;
        }
        const uint64_t pc = std::stoull(m[1], nullptr, 16);
        const uint32_t raw = static_cast<uint32_t>(std::stoul(m[2], nullptr, 16));
        const std::string ours = tern::disassemble(tern::decode(raw), pc, options);
        if (ours == expected) {
            ++passed;
        } else {
            ++failed;
            std::cout << "MISMATCH " << m[1] << ": " << m[2] << "\n  objdump: " << expected << "\n  tern:    " << ours
                      << "\n";
        }
    }
    std::cout << passed << " passed, " << failed << " failed";
    if (skipped) std::cout << ", " << skipped << " skipped (objdump shows them as data)";
    std::cout << "\n";
    if (passed + failed == 0) std::cout << "no instructions found on stdin\n";
    return failed == 0 && passed > 0 ? 0 : 1;
}
