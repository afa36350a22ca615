#include "gdb/target_xml.hpp"

#include <cstdint>

#include "cpu/csr_file.hpp"
#include "gdb/registers.hpp"

namespace tern::gdb {

namespace {

constexpr const char* kXNames[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
                                     "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                     "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr const char* kFNames[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                     "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                     "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                     "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

std::string reg(std::string_view name, unsigned bits, std::string_view type, unsigned regnum) {
    return "    <reg name=\"" + std::string(name) + "\" bitsize=\"" + std::to_string(bits) + "\" type=\"" +
           std::string(type) + "\" regnum=\"" + std::to_string(regnum) + "\"/>\n";
}

std::string build() {
    std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                      "<target version=\"1.0\">\n  <architecture>riscv:rv64</architecture>\n";
    xml += "  <feature name=\"org.gnu.gdb.riscv.cpu\">\n";
    for (unsigned i = 0; i < 32; ++i)
        xml += reg(kXNames[i], 64, i == 1 ? "code_ptr" : i == 2 || i == 3 || i == 4 ? "data_ptr" : "int", i);
    xml += reg("pc", 64, "code_ptr", kPcRegnum);
    xml += "  </feature>\n  <feature name=\"org.gnu.gdb.riscv.fpu\">\n"
           "    <union id=\"riscv_double\">\n      <field name=\"float\" type=\"ieee_single\"/>\n"
           "      <field name=\"double\" type=\"ieee_double\"/>\n    </union>\n";
    for (unsigned i = 0; i < 32; ++i)
        xml += reg(kFNames[i], 64, "riscv_double", kFirstFpRegnum + i);
    // fflags, frm and fcsr belong to the fpu feature; every other CSR to the csr feature.
    std::string csrs;
    for (unsigned addr = 0; addr < 4096; ++addr) {
        const std::string_view name = csr_name(static_cast<uint16_t>(addr));
        if (name.empty()) continue;
        const unsigned regnum = kFirstCsrRegnum + addr;
        (addr >= 1 && addr <= 3 ? xml : csrs) += reg(name, 8 * register_size(regnum), "int", regnum);
    }
    xml += "  </feature>\n  <feature name=\"org.gnu.gdb.riscv.csr\">\n" + csrs + "  </feature>\n";
    xml += "  <feature name=\"org.gnu.gdb.riscv.virtual\">\n" + reg("priv", 64, "int", kPrivRegnum) +
           "  </feature>\n</target>\n";
    return xml;
}

} // namespace

const std::string& target_xml() {
    static const std::string xml = build();
    return xml;
}

} // namespace tern::gdb
