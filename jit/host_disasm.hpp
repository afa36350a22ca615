#pragma once
// Host code listings (the `-d out_asm` view): Capstone's x86-64 disassembly
// of a translated block, for debugging and for the debugger later.
#include <string>

namespace tern::jit {

struct CompiledBlock;

// One line per host instruction: address, bytes' mnemonic and operands. The
// block's out-of-line parts (slow paths, exit stubs) follow its main body.
std::string disassemble_host(const CompiledBlock& block);

} // namespace tern::jit
