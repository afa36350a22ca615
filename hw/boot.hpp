#pragma once
// Boots the virt machine as QEMU does: firmware at the start of RAM, the
// kernel 2 MiB above it, the initrd and the device tree high in RAM, and the
// reset-vector ROM handing a0 = hartid, a1 = FDT, a2 = fw_dynamic info to the
// firmware. With `-bios none`, the -kernel image itself is the firmware.
#include <string>

namespace tern {

class Machine;

// Returns an empty string on success, else one line naming the file and the reason.
std::string boot(Machine& machine);

// The firmware used when -bios is not given: OpenSBI's fw_dynamic from roms/opensbi, else Debian 12's
// (the opensbi package), or "" if neither is there.
std::string default_firmware_path();

} // namespace tern
