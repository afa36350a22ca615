#include "hw/virt_fdt.hpp"

#include <cstdio>
#include <libfdt.h>

#include "core/clock.hpp"
#include "core/fdt_builder.hpp"
#include "hw/clint.hpp"
#include "hw/goldfish_rtc.hpp"
#include "hw/plic.hpp"
#include "hw/sifive_test.hpp"
#include "hw/uart16550.hpp"

namespace tern {

namespace {
std::string node_name(const char* name, uint64_t address) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s@%llx", name, static_cast<unsigned long long>(address));
    return buf;
}

// Interrupt lines of a device behind the PLIC.
void plic_interrupt(FdtBuilder& fdt, uint32_t plic_phandle, uint32_t irq) {
    fdt.property_u32("interrupts", irq);
    fdt.property_u32("interrupt-parent", plic_phandle);
}

// interrupts-extended pairs <intc cause> for every hart, for each cause listed.
std::vector<uint32_t> per_hart_interrupts(const std::vector<uint32_t>& intc, std::initializer_list<uint32_t> causes) {
    std::vector<uint32_t> cells;
    for (uint32_t phandle : intc)
        for (uint32_t cause : causes) {
            cells.push_back(phandle);
            cells.push_back(cause);
        }
    return cells;
}
} // namespace

std::vector<uint8_t> build_virt_fdt(const VirtFdtParams& p) {
    FdtBuilder fdt;
    const uint32_t plic_phandle = fdt.allocate_phandle();
    const uint32_t test_phandle = fdt.allocate_phandle();
    std::vector<uint32_t> cpu_phandles, intc_phandles;
    for (unsigned h = 0; h < p.harts; ++h) {
        cpu_phandles.push_back(fdt.allocate_phandle());
        intc_phandles.push_back(fdt.allocate_phandle());
    }

    fdt.property_u32("#address-cells", 2);
    fdt.property_u32("#size-cells", 2);
    fdt.property("compatible", "riscv-virtio");
    fdt.property("model", "riscv-virtio,qemu");

    fdt.begin_node("chosen");
    if (!p.bootargs.empty()) fdt.property("bootargs", p.bootargs);
    fdt.property("stdout-path", node_name("/soc/serial", Uart16550::kBase));
    if (p.initrd) {
        fdt.property_cells("linux,initrd-start", {static_cast<uint32_t>(p.initrd->first >> 32),
                                                  static_cast<uint32_t>(p.initrd->first)});
        fdt.property_cells("linux,initrd-end", {static_cast<uint32_t>(p.initrd->second >> 32),
                                                static_cast<uint32_t>(p.initrd->second)});
    }
    fdt.end_node();

    // syscon-poweroff/-reboot drive the sifive,test finisher.
    for (auto [node, value] : {std::pair{"poweroff", 0x5555u}, std::pair{"reboot", 0x7777u}}) {
        fdt.begin_node(node);
        fdt.property_u32("value", value);
        fdt.property_u32("offset", 0);
        fdt.property_u32("regmap", test_phandle);
        fdt.property("compatible", std::string("syscon-") + node);
        fdt.end_node();
    }

    fdt.begin_node(node_name("memory", p.ram_base));
    fdt.property("device_type", "memory");
    fdt.property_reg({{p.ram_base, p.ram_size}});
    fdt.end_node();

    fdt.begin_node("cpus");
    fdt.property_u32("#address-cells", 1);
    fdt.property_u32("#size-cells", 0);
    fdt.property_u32("timebase-frequency", static_cast<uint32_t>(MachineClock::kFrequencyHz));
    for (unsigned h = 0; h < p.harts; ++h) {
        fdt.begin_node(node_name("cpu", h));
        fdt.property_u32("phandle", cpu_phandles[h]);
        fdt.property("device_type", "cpu");
        fdt.property_u32("reg", h);
        fdt.property("status", "okay");
        fdt.property("compatible", "riscv");
        fdt.property("riscv,isa", kIsaString);
        fdt.property("riscv,isa-base", "rv64i");
        fdt.property_strings("riscv,isa-extensions", {"i", "m", "a", "f", "d", "c", "zicntr", "zicsr", "zifencei",
                                                      "zihintpause", "zba", "zbb", "zbs", "sstc"});
        fdt.property("mmu-type", "riscv,sv48");
        fdt.begin_node("interrupt-controller");
        fdt.property_u32("#interrupt-cells", 1);
        fdt.property_empty("interrupt-controller");
        fdt.property("compatible", "riscv,cpu-intc");
        fdt.property_u32("phandle", intc_phandles[h]);
        fdt.end_node();
        fdt.end_node();
    }
    fdt.begin_node("cpu-map");
    fdt.begin_node("cluster0");
    for (unsigned h = 0; h < p.harts; ++h) {
        fdt.begin_node("core" + std::to_string(h));
        fdt.property_u32("cpu", cpu_phandles[h]);
        fdt.end_node();
    }
    fdt.end_node();
    fdt.end_node();
    fdt.end_node(); // cpus

    fdt.begin_node("soc");
    fdt.property_u32("#address-cells", 2);
    fdt.property_u32("#size-cells", 2);
    fdt.property("compatible", "simple-bus");
    fdt.property_empty("ranges");

    fdt.begin_node(node_name("rtc", GoldfishRtc::kBase));
    plic_interrupt(fdt, plic_phandle, GoldfishRtc::kIrq);
    fdt.property_reg({{GoldfishRtc::kBase, GoldfishRtc::kSize}});
    fdt.property("compatible", "google,goldfish-rtc");
    fdt.end_node();

    fdt.begin_node(node_name("serial", Uart16550::kBase));
    plic_interrupt(fdt, plic_phandle, Uart16550::kIrq);
    fdt.property_u32("clock-frequency", Uart16550::kClockHz);
    fdt.property_reg({{Uart16550::kBase, Uart16550::kSize}});
    fdt.property("compatible", "ns16550a");
    fdt.end_node();

    fdt.begin_node(node_name("test", SifiveTest::kBase));
    fdt.property_u32("phandle", test_phandle);
    fdt.property_reg({{SifiveTest::kBase, SifiveTest::kSize}});
    fdt.property_strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
    fdt.end_node();

    for (auto [base, irq] : p.virtio_mmio) {
        fdt.begin_node(node_name("virtio_mmio", base));
        plic_interrupt(fdt, plic_phandle, irq);
        fdt.property_reg({{base, 0x1000}});
        fdt.property("compatible", "virtio,mmio");
        fdt.end_node();
    }

    fdt.begin_node(node_name("plic", Plic::kBase));
    fdt.property_u32("phandle", plic_phandle);
    fdt.property_u32("riscv,ndev", Plic::kSources);
    fdt.property_reg({{Plic::kBase, Plic::kSize}});
    fdt.property_cells("interrupts-extended", per_hart_interrupts(intc_phandles, {11, 9})); // M and S external
    fdt.property_empty("interrupt-controller");
    fdt.property_strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
    fdt.property_u32("#address-cells", 0);
    fdt.property_u32("#interrupt-cells", 1);
    fdt.end_node();

    fdt.begin_node(node_name("clint", Clint::kBase));
    fdt.property_cells("interrupts-extended", per_hart_interrupts(intc_phandles, {3, 7})); // M software, M timer
    fdt.property_reg({{Clint::kBase, Clint::kSize}});
    fdt.property_strings("compatible", {"sifive,clint0", "riscv,clint0"});
    fdt.end_node();

    fdt.end_node(); // soc
    return fdt.finish();
}

std::string adopt_user_fdt(std::vector<uint8_t>& blob, const VirtFdtParams& params) {
    // The blob comes from a file: check its header and structure before libfdt walks it.
    if (blob.size() < sizeof(fdt_header) || fdt_check_header(blob.data()) != 0 ||
        fdt_totalsize(blob.data()) > blob.size())
        return "not a valid device tree blob";
    std::vector<uint8_t> out(fdt_totalsize(blob.data()) + 4096 + params.bootargs.size());
    if (int err = fdt_open_into(blob.data(), out.data(), static_cast<int>(out.size())); err < 0)
        return std::string("device tree: ") + fdt_strerror(err);
    int chosen = fdt_path_offset(out.data(), "/chosen");
    if (chosen < 0) chosen = fdt_add_subnode(out.data(), 0, "chosen");
    if (chosen < 0) return std::string("device tree: ") + fdt_strerror(chosen);
    int err = 0;
    if (!params.bootargs.empty()) err = fdt_setprop_string(out.data(), chosen, "bootargs", params.bootargs.c_str());
    if (!err && params.initrd) {
        err = fdt_setprop_u64(out.data(), chosen, "linux,initrd-start", params.initrd->first);
        if (!err) err = fdt_setprop_u64(out.data(), chosen, "linux,initrd-end", params.initrd->second);
    }
    if (!err) err = fdt_pack(out.data());
    if (err < 0) return std::string("device tree: ") + fdt_strerror(err);
    out.resize(fdt_totalsize(out.data()));
    blob.swap(out);
    return {};
}

} // namespace tern
