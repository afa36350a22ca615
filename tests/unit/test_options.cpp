#include <doctest/doctest.h>

#include <initializer_list>
#include <vector>

#include "core/options.hpp"

using namespace tern;

namespace {
ParseResult parse(std::initializer_list<const char*> args) {
    std::vector<const char*> v(args);
    return parse_command_line(v);
}
} // namespace

TEST_CASE("options: a full QEMU-style command line") {
    ParseResult r = parse({"-M",
                           "virt",
                           "-m",
                           "512M",
                           "-smp",
                           "4",
                           "-bios",
                           "none",
                           "-kernel",
                           "k.elf",
                           "-initrd",
                           "rd.img",
                           "-append",
                           "console=ttyS0",
                           "-nographic",
                           "-d",
                           "guest_errors,invalid_mem",
                           "-D",
                           "log.txt",
                           "--max-instructions",
                           "1000"});
    REQUIRE(r.error.empty());
    const Options& o = r.options;
    CHECK(o.machine.ram_size == 512ull << 20);
    CHECK(o.machine.harts == 4);
    CHECK(o.machine.bios == "none");
    CHECK(o.machine.kernel == "k.elf");
    CHECK(o.machine.initrd == "rd.img");
    CHECK(o.machine.append == "console=ttyS0");
    CHECK(o.nographic);
    CHECK(o.log_items == std::vector<std::string>{"guest_errors", "invalid_mem"});
    CHECK(o.log_file == "log.txt");
    CHECK(o.machine.max_instructions == 1000);
    CHECK(o.action == Options::Action::Run);
}

TEST_CASE("options: defaults and single/double dash spellings") {
    ParseResult r = parse({});
    REQUIRE(r.error.empty());
    CHECK(r.options.machine.ram_size == 128ull << 20);
    CHECK(r.options.machine.harts == 1);
    CHECK(parse({"--help"}).options.action == Options::Action::Help);
    CHECK(parse({"-help"}).options.action == Options::Action::Help);
    CHECK(parse({"--version"}).options.action == Options::Action::Version);
    CHECK(parse({"--kernel", "x"}).options.machine.kernel == "x");
}

TEST_CASE("options: RAM sizes") {
    CHECK(parse_ram_size("256") == 256ull << 20); // QEMU's default unit is MiB
    CHECK(parse_ram_size("64M") == 64ull << 20);
    CHECK(parse_ram_size("2G") == 2ull << 30);
    CHECK(parse_ram_size("1g") == 1ull << 30);
    for (const char* bad :
         {"", "0", "0M", "M", "12X", "-5M", "1.5G", "99999999999999999999", "1000G", "1M2"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_ram_size(bad).has_value());
    }
}

TEST_CASE("options: errors are one line naming the problem") {
    struct Case {
        std::initializer_list<const char*> args;
        const char* fragment;
    };
    const Case cases[] = {
        {{"-x"}, "unknown option '-x'"},
        {{"kernel.elf"}, "unexpected argument"},
        {{"-m"}, "needs a value"},
        {{"-m", "lots"}, "invalid RAM size"},
        {{"-smp", "0"}, "invalid hart count"},
        {{"-smp", "two"}, "invalid hart count"},
        {{"-M", "spike"}, "unsupported machine"},
        {{"-d", "guest_errors,bogus"}, "unknown -d item 'bogus'"},
        {{"--max-instructions", "0"}, "invalid instruction count"},
        {{"--max-instructions", "12abc"}, "invalid instruction count"},
        {{"-drive", "format=raw"}, "-drive needs file=IMAGE"},
        {{"-drive", "file=d.img,format=qcow2"}, "only format=raw"},
        {{"-drive", "file=d.img,if=ide"}, "only if=virtio"},
        {{"-drive", "file=d.img,cache=none"}, "unknown or invalid 'cache=none'"},
        {{"-drive", "file=d.img,readonly"}, "'readonly' is not key=value"},
        {{"-gdb", "1234"}, "-gdb: expected tcp:[HOST]:PORT"},
        {{"-gdb", "unix:/tmp/s"}, "-gdb: expected tcp:[HOST]:PORT"},
        {{"-gdb", "tcp:1234"}, "-gdb: expected tcp:[HOST]:PORT"},
        {{"-gdb", "tcp::65536"}, "-gdb: invalid port '65536'"},
        {{"-gdb", "tcp:localhost:"}, "-gdb: invalid port ''"},
        {{"--accel", "fast"}, "--accel: expected jit or interp"},
        {{"--savestate-at", "soon"}, "invalid instruction count"},
        {{"--savestate-disks", "copy"}, "--savestate-disks: expected embed or reference"},
        {{"--savestate-disks=copy"}, "--savestate-disks: expected embed or reference"},
        {{"--deterministic=yes"}, "option '--deterministic' takes no value"},
        {{"--loadstate"}, "needs a value"},
    };
    for (const Case& c : cases) {
        ParseResult r = parse(c.args);
        CAPTURE(c.fragment);
        CHECK(r.error.find(c.fragment) != std::string::npos);
        CHECK(r.error.find('\n') == std::string::npos);
    }
}

TEST_CASE("options: -drive collects raw virtio images") {
    ParseResult r =
        parse({"-drive", "file=a.img,format=raw,if=virtio", "-drive", "if=virtio,file=b.img,readonly=on"});
    REQUIRE(r.error.empty());
    REQUIRE(r.options.machine.drives.size() == 2);
    CHECK(r.options.machine.drives[0].file == "a.img");
    CHECK_FALSE(r.options.machine.drives[0].read_only);
    CHECK(r.options.machine.drives[1].file == "b.img");
    CHECK(r.options.machine.drives[1].read_only);
}

TEST_CASE("options: what cannot run is refused") {
    auto refusal = [](std::initializer_list<const char*> args) {
        ParseResult r = parse(args);
        REQUIRE(r.error.empty());
        return check_supported(r.options);
    };
    CHECK(refusal({"-bios", "none"}).find("needs -kernel") != std::string::npos);
    CHECK(refusal({"-bios", "none", "-kernel", "k"}).empty());
    CHECK(refusal({"-kernel", "k", "-initrd", "r", "-append", "a"}).empty()); // default firmware
    CHECK(refusal({"-bios", "fw_jump.bin", "-kernel", "k"}).empty());
}

TEST_CASE("options: --help lists every documented option") {
    const std::string help = usage_text();
    for (const char* name : {"-M ", "-m ", "-smp", "-bios", "-kernel", "-initrd", "-append", "-nographic",
                             "-d ", "-D ", "--max-instructions", "--help", "--version"})
        CHECK(help.find(name) != std::string::npos);
}

TEST_CASE("options: savestates") {
    ParseResult r = parse({"--loadstate", "a.tstate", "-smp", "2", "--savestate-disks=reference"});
    REQUIRE(r.error.empty());
    CHECK(r.options.loadstate == "a.tstate");
    CHECK(r.options.harts_given);
    CHECK_FALSE(r.options.ram_given);
    CHECK(r.options.savestate_reference);
    CHECK(check_supported(r.options).empty()); // the file holds the machine: no -kernel needed

    r = parse({"--savestate-info", "a.tstate"});
    CHECK(r.options.action == Options::Action::SavestateInfo);

    r = parse({"-kernel", "k.elf", "--savestate-at", "100"});
    CHECK(check_supported(r.options).find("--savestate-at needs --savestate FILE") != std::string::npos);
    r = parse({"-kernel", "k.elf", "--savestate", "s", "--savestate-at", "100"});
    CHECK(check_supported(r.options).find("needs --deterministic") != std::string::npos);
    r = parse({"--loadstate", "a.tstate", "-kernel", "k.elf"});
    CHECK(check_supported(r.options).find("have nothing to do") != std::string::npos);
}

TEST_CASE("options: the GDB stub (-s, -gdb, -S)") {
    ParseResult r = parse({"-s", "-S", "-kernel", "k.elf"});
    REQUIRE(r.error.empty());
    REQUIRE(r.options.gdb);
    CHECK(r.options.gdb->host == "127.0.0.1"); // loopback, never every interface unless asked
    CHECK(r.options.gdb->port == 1234);
    CHECK(r.options.start_stopped);
    CHECK(check_supported(r.options).empty());
    r = parse({"-gdb", "tcp::4321"});
    CHECK(r.options.gdb->host == "127.0.0.1");
    CHECK(r.options.gdb->port == 4321);
    r = parse({"-gdb", "tcp:0.0.0.0:0"});
    CHECK(r.options.gdb->host == "0.0.0.0");
    CHECK(r.options.gdb->port == 0);
    r = parse({"-gdb", "tcp:[::1]:1234"});
    CHECK(r.options.gdb->host == "::1");
    r = parse({"-s", "-gdb", "none"});
    CHECK_FALSE(r.options.gdb);
    CHECK_FALSE(parse({}).options.gdb);
    r = parse({"-S", "-kernel", "k.elf"});
    CHECK(check_supported(r.options).find("-S needs -s or -gdb") != std::string::npos);
    const std::string help = usage_text();
    for (const char* name : {"-s ", "-gdb ", "-S "})
        CHECK(help.find(name) != std::string::npos);
}
