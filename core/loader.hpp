#pragma once
// Puts a -kernel program into a machine for `-bios none`: an ELF64 by its
// PT_LOAD segments, anything else as a raw binary at the start of RAM; then
// sets the reset state every hart starts from.
#include <string>

namespace tern {

class Machine;

// Returns an empty string on success, else one line saying why the file was refused.
std::string load_program(Machine &machine, const std::string &path);

} // namespace tern
