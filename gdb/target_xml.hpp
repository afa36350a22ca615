#pragma once
// The target description GDB reads with qXfer:features:read:target.xml (GDB manual, "Target
// Descriptions" and "RISC-V Features"): the cpu, fpu, csr and virtual features of RV64GC, every
// register with the number gdb/registers.hpp gives it, the CSRs named by the CSR file.
#include <string>

namespace tern::gdb {

const std::string& target_xml();

} // namespace tern::gdb
