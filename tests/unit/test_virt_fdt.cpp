#include <doctest/doctest.h>

#include <cstring>
#include <libfdt.h>
#include <string>

#include "hw/virt_fdt.hpp"

using namespace tern;

namespace {
std::string string_prop(const void* fdt, const char* path, const char* name) {
    int node = fdt_path_offset(fdt, path);
    REQUIRE(node >= 0);
    int len = 0;
    const char* value = static_cast<const char*>(fdt_getprop(fdt, node, name, &len));
    REQUIRE(value != nullptr);
    return std::string(value, strnlen(value, static_cast<size_t>(len)));
}
uint32_t u32_prop(const void* fdt, const char* path, const char* name, int index = 0) {
    int node = fdt_path_offset(fdt, path);
    REQUIRE(node >= 0);
    int len = 0;
    auto* cells = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, name, &len));
    REQUIRE(cells != nullptr);
    REQUIRE(len >= 4 * (index + 1));
    return fdt32_to_cpu(cells[index]);
}
} // namespace

TEST_CASE("virt device tree describes the machine as QEMU does") {
    VirtFdtParams p;
    p.harts = 2;
    p.ram_base = 0x8000'0000;
    p.ram_size = 256ull << 20;
    p.bootargs = "console=ttyS0";
    p.initrd = {{0x8800'0000, 0x8810'0000}};
    auto blob = build_virt_fdt(p);
    const void* fdt = blob.data();
    REQUIRE(fdt_check_header(fdt) == 0);

    CHECK(string_prop(fdt, "/", "compatible") == "riscv-virtio");
    CHECK(string_prop(fdt, "/chosen", "bootargs") == "console=ttyS0");
    CHECK(string_prop(fdt, "/chosen", "stdout-path") == "/soc/serial@10000000");
    CHECK(u32_prop(fdt, "/chosen", "linux,initrd-start", 1) == 0x8800'0000);
    CHECK(u32_prop(fdt, "/memory@80000000", "reg", 3) == 256u << 20);
    CHECK(u32_prop(fdt, "/cpus", "timebase-frequency") == 10'000'000);
    CHECK(string_prop(fdt, "/cpus/cpu@1", "riscv,isa") == kIsaString);
    CHECK(string_prop(fdt, "/cpus/cpu@0", "mmu-type") == "riscv,sv48");
    CHECK(string_prop(fdt, "/soc/serial@10000000", "compatible") == "ns16550a");
    CHECK(u32_prop(fdt, "/soc/serial@10000000", "interrupts") == 10);
    CHECK(u32_prop(fdt, "/soc/rtc@101000", "interrupts") == 11);
    CHECK(string_prop(fdt, "/soc/plic@c000000", "compatible") == "sifive,plic-1.0.0");
    CHECK(u32_prop(fdt, "/soc/plic@c000000", "riscv,ndev") == 96);
    // M external (11) and S external (9) for each hart's interrupt controller.
    const uint32_t intc1 = u32_prop(fdt, "/cpus/cpu@1/interrupt-controller", "phandle");
    CHECK(u32_prop(fdt, "/soc/plic@c000000", "interrupts-extended", 4) == intc1);
    CHECK(u32_prop(fdt, "/soc/plic@c000000", "interrupts-extended", 5) == 11);
    CHECK(u32_prop(fdt, "/soc/plic@c000000", "interrupts-extended", 7) == 9);
    CHECK(u32_prop(fdt, "/soc/clint@2000000", "interrupts-extended", 3) == 7);
    CHECK(u32_prop(fdt, "/poweroff", "value") == 0x5555);
    CHECK(u32_prop(fdt, "/poweroff", "regmap") == u32_prop(fdt, "/soc/test@100000", "phandle"));
}

TEST_CASE("a user device tree gets /chosen from -append and -initrd; garbage is refused") {
    VirtFdtParams generated;
    generated.harts = 1;
    generated.ram_base = 0x8000'0000;
    generated.ram_size = 128ull << 20;
    std::vector<uint8_t> blob = build_virt_fdt(generated); // stands in for a -dtb file without bootargs
    VirtFdtParams p;
    p.bootargs = "root=/dev/vda";
    p.initrd = {{0x8400'0000, 0x8420'0000}};
    REQUIRE(adopt_user_fdt(blob, p).empty());
    CHECK(string_prop(blob.data(), "/chosen", "bootargs") == "root=/dev/vda");
    CHECK(u32_prop(blob.data(), "/chosen", "linux,initrd-end", 1) == 0x8420'0000);
    CHECK(string_prop(blob.data(), "/soc/serial@10000000", "compatible") == "ns16550a");

    std::vector<uint8_t> garbage(100, 0x41);
    CHECK(adopt_user_fdt(garbage, p) == "not a valid device tree blob");
    std::vector<uint8_t> truncated(blob.begin(), blob.begin() + 64); // header claims more than is there
    CHECK(adopt_user_fdt(truncated, p) == "not a valid device tree blob");
}
