#include "core/options.hpp"

#include "core/guest_error_log.hpp"

#include <algorithm>
#include <charconv>

namespace tern {

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kMaxRamSize = MachineConfig::kMaxRamSize;
constexpr unsigned kMaxHarts = 64;
// The -d items Tern knows; QEMU has more, and an unknown one is an error rather than silently dropped.
constexpr std::string_view kLogItems[] = {"guest_errors", "unimp", "invalid_mem", "jit", "out_asm"};

std::optional<uint64_t> parse_decimal(std::string_view text) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

using Handler = std::string (*)(Options&, std::string_view value);

struct OptionRow {
    std::string_view name; // as shown in --help; "-x" and "--x" are the same option, as in QEMU
    std::string_view value_name;
    Handler handler;
    std::string_view help; // empty: hidden from --help
};

std::string not_supported(std::string_view what) { return std::string(what) + " is not supported yet"; }

// -drive file=IMG,format=raw,if=virtio[,readonly=on]: the only kind of drive the virt machine has.
std::string parse_drive(Options& o, std::string_view spec) {
    MachineConfig::Drive drive;
    while (!spec.empty()) {
        const size_t comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos) return "-drive: '" + std::string(item) + "' is not key=value";
        std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "file")
            drive.file = value;
        else if (key == "format" && value != "raw")
            return "-drive: only format=raw is supported";
        else if (key == "if" && value != "virtio")
            return "-drive: only if=virtio is supported";
        else if (key == "readonly" && (value == "on" || value == "off"))
            drive.read_only = value == "on";
        else if (key != "format" && key != "if")
            return "-drive: unknown or invalid '" + std::string(item) + "'";
    }
    if (drive.file.empty()) return "-drive needs file=IMAGE";
    o.machine.drives.push_back(drive);
    return {};
}

// -gdb tcp:[HOST]:PORT (QEMU's syntax; an empty host is loopback here, not every interface), or none.
std::string parse_gdb(Options& o, std::string_view spec) {
    if (spec == "none") {
        o.gdb.reset();
        return {};
    }
    const size_t colon = spec.rfind(':');
    if (!spec.starts_with("tcp:") || colon < 4)
        return "-gdb: expected tcp:[HOST]:PORT (e.g. tcp::1234) or none, got '" + std::string(spec) + "'";
    std::string_view host = spec.substr(4, colon - 4);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::optional<uint64_t> port = parse_decimal(spec.substr(colon + 1));
    if (!port || *port > 65535) return "-gdb: invalid port '" + std::string(spec.substr(colon + 1)) + "'";
    Options::GdbAddress address;
    if (!host.empty()) address.host = host;
    address.port = static_cast<uint16_t>(*port);
    o.gdb = address;
    return {};
}

// One row per option. Options for features that do not exist yet are parsed
// so that they fail loudly instead of being ignored.
constexpr OptionRow kOptions[] = {
    {"-M", "MACHINE",
     [](Options& o, std::string_view v) -> std::string {
         if (v != "virt") return "unsupported machine '" + std::string(v) + "' (only 'virt')";
         o.machine_type = v;
         return {};
     },
     "machine type (only 'virt')"},
    {"-m", "SIZE",
     [](Options& o, std::string_view v) -> std::string {
         std::optional<uint64_t> size = parse_ram_size(v);
         if (!size) return "invalid RAM size '" + std::string(v) + "' (examples: 512M, 2G)";
         o.machine.ram_size = *size;
         o.ram_given = true;
         return {};
     },
     "RAM size; suffix M or G, default unit MiB (default 128M)"},
    {"-smp", "N",
     [](Options& o, std::string_view v) -> std::string {
         std::optional<uint64_t> n = parse_decimal(v);
         if (!n || *n < 1 || *n > kMaxHarts)
             return "invalid hart count '" + std::string(v) + "' (1.." + std::to_string(kMaxHarts) + ")";
         o.machine.harts = static_cast<unsigned>(*n);
         o.harts_given = true;
         return {};
     },
     "number of harts"},
    {"-bios", "FILE|none",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "-bios needs a file name or 'none'";
         o.machine.bios = v;
         return {};
     },
     "firmware image, or 'none' to start -kernel directly in M-mode"},
    {"-kernel", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "-kernel needs a file name";
         o.machine.kernel = v;
         return {};
     },
     "ELF64 RISC-V executable, or a raw binary loaded at 0x80000000"},
    {"-initrd", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         o.machine.initrd = v;
         return {};
     },
     "initial RAM disk"},
    {"-append", "ARGS",
     [](Options& o, std::string_view v) -> std::string {
         o.machine.append = v;
         return {};
     },
     "kernel command line"},
    {"-dtb", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "-dtb needs a file name";
         o.machine.dtb = v;
         return {};
     },
     "device tree blob to pass instead of the generated one (/chosen still gets -append and -initrd)"},
    {"-nographic", "",
     [](Options& o, std::string_view) -> std::string {
         o.nographic = true;
         return {};
     },
     "console on stdio (currently the only console)"},
    {"-d", "ITEM,...",
     [](Options& o, std::string_view v) -> std::string {
         while (!v.empty()) {
             const size_t comma = std::min(v.find(','), v.size());
             const std::string_view item = v.substr(0, comma);
             if (std::find(std::begin(kLogItems), std::end(kLogItems), item) == std::end(kLogItems))
                 return "unknown -d item '" + std::string(item) +
                        "' (known: guest_errors, unimp, invalid_mem, jit, out_asm)";
             o.log_items.emplace_back(item);
             v.remove_prefix(std::min(comma + 1, v.size()));
         }
         return {};
     },
     "log items: guest_errors, unimp, invalid_mem, jit, out_asm"},
    {"-D", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "-D needs a file name";
         o.log_file = v;
         return {};
     },
     "write the -d log to FILE instead of stderr"},
    {"--max-instructions", "N",
     [](Options& o, std::string_view v) -> std::string {
         std::optional<uint64_t> n = parse_decimal(v);
         if (!n || *n == 0) return "invalid instruction count '" + std::string(v) + "'";
         o.machine.max_instructions = *n;
         return {};
     },
     "stop with exit status 124 after N instructions (retired or trapped)"},
    {"--deterministic", "",
     [](Options& o, std::string_view) -> std::string {
         o.machine.deterministic = true;
         return {};
     },
     "time follows instruction counts: identical runs give identical output"},
    {"--help", "",
     [](Options& o, std::string_view) -> std::string {
         o.action = Options::Action::Help;
         return {};
     },
     "show this help"},
    {"--version", "",
     [](Options& o, std::string_view) -> std::string {
         o.action = Options::Action::Version;
         return {};
     },
     "show the version"},
    // Planned features: recognised, refused.
    {"-drive", "file=IMG,format=raw,if=virtio[,readonly=on]", parse_drive,
     "attach a raw disk image as a virtio-blk device"},
    {"-s", "", [](Options& o, std::string_view) { return parse_gdb(o, "tcp::1234"); },
     "GDB server on 127.0.0.1:1234 (-gdb tcp::1234)"},
    {"-gdb", "tcp:[HOST]:PORT", parse_gdb, "GDB server on HOST (default 127.0.0.1; unauthenticated) and PORT"},
    {"-S", "",
     [](Options& o, std::string_view) -> std::string {
         o.start_stopped = true;
         return {};
     },
     "start with the harts stopped, for the debugger to continue them"},
    {"--accel", "jit|interp",
     [](Options& o, std::string_view v) -> std::string {
         if (v != "jit" && v != "interp") return "--accel: expected jit or interp";
         o.machine.accel = v == "jit" ? Accel::Jit : Accel::Interpreter;
         return {};
     },
     "execution engine: the JIT (default) or the reference interpreter"},
    {"--tb-size", "MIB",
     [](Options& o, std::string_view v) -> std::string {
         std::optional<uint64_t> n = parse_decimal(v);
         if (!n || *n < 1 || *n > 1024) return "--tb-size: expected MiB from 1 to 1024, got '" + std::string(v) + "'";
         o.machine.jit_cache_bytes = *n << 20;
         return {};
     },
     "each hart's JIT code cache in MiB (default 32; flushed whole when full, as QEMU's tb-size)"},
    {"--ui", "",
     [](Options& o, std::string_view) -> std::string {
         o.ui = true;
         return {};
     },
     "open the debugger window (SDL2 + Dear ImGui) next to the guest"},
    {"--loadstate", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "--loadstate needs a file name";
         o.loadstate = v;
         return {};
     },
     "start from a savestate (machine, RAM, disks and harts come from the file)"},
    {"--savestate", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "--savestate needs a file name";
         o.savestate = v;
         return {};
     },
     "the file that --savestate-at and Ctrl-A s write"},
    {"--savestate-at", "N",
     [](Options& o, std::string_view v) -> std::string {
         std::optional<uint64_t> n = parse_decimal(v);
         if (!n) return "invalid instruction count '" + std::string(v) + "'";
         o.savestate_at = *n;
         return {};
     },
     "with --deterministic: save to the --savestate file after N instructions, and run on"},
    {"--savestate-dir", "DIR",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "--savestate-dir needs a directory";
         o.savestate_dir = v;
         return {};
     },
     "where Ctrl-A s writes its dated savestates (default: the current directory)"},
    {"--savestate-disks", "embed|reference",
     [](Options& o, std::string_view v) -> std::string {
         if (v != "embed" && v != "reference") return "--savestate-disks: expected embed or reference";
         o.savestate_reference = v == "reference";
         return {};
     },
     "embed each disk in savestates (default), or record its path, size and content hash"},
    {"--savestate-info", "FILE",
     [](Options& o, std::string_view v) -> std::string {
         if (v.empty()) return "--savestate-info needs a file name";
         o.savestate_info = v;
         o.action = Options::Action::SavestateInfo;
         return {};
     },
     "validate a savestate and print what it holds, without running it"},
};

const OptionRow* find_option(std::string_view name) {
    for (const OptionRow& row : kOptions)
        if (row.name.substr(row.name.find_first_not_of('-')) == name) return &row;
    return nullptr;
}

} // namespace

std::optional<uint64_t> parse_ram_size(std::string_view text) {
    uint64_t unit = kMiB;
    if (!text.empty() &&
        (text.back() == 'M' || text.back() == 'm' || text.back() == 'G' || text.back() == 'g')) {
        unit = (text.back() == 'G' || text.back() == 'g') ? kGiB : kMiB;
        text.remove_suffix(1);
    }
    std::optional<uint64_t> count = parse_decimal(text);
    if (!count || *count == 0 || *count > kMaxRamSize / unit) return std::nullopt;
    return *count * unit;
}

ParseResult parse_command_line(std::span<const char* const> args) {
    ParseResult result;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') {
            result.error = "unexpected argument '" + std::string(arg) + "' (see tern --help)";
            return result;
        }
        std::string_view name = arg.substr(arg.starts_with("--") ? 2 : 1);
        // GNU style for the long options: --name=value.
        std::optional<std::string_view> inline_value;
        if (arg.starts_with("--") && name.find('=') != std::string_view::npos) {
            inline_value = name.substr(name.find('=') + 1);
            name = name.substr(0, name.find('='));
        }
        const OptionRow* row = find_option(name);
        if (!row) {
            result.error = "unknown option '" + std::string(arg) + "' (see tern --help)";
            return result;
        }
        std::string_view value;
        if (inline_value) {
            if (row->value_name.empty()) {
                result.error = "option '--" + std::string(name) + "' takes no value";
                return result;
            }
            value = *inline_value;
        } else if (!row->value_name.empty()) {
            if (i + 1 >= args.size()) {
                result.error =
                    "option '" + std::string(arg) + "' needs a value: " + std::string(row->value_name);
                return result;
            }
            value = args[++i];
        }
        result.error = row->handler(result.options, value);
        if (!result.error.empty()) return result;
    }
    return result;
}

std::string check_supported(const Options& options) {
    const MachineConfig& m = options.machine;
    if (options.savestate_at && options.savestate.empty()) return "--savestate-at needs --savestate FILE";
    if (options.start_stopped && !options.gdb) return "-S needs -s or -gdb (only the debugger starts the harts)";
    if (!options.loadstate.empty()) {
        if (!m.kernel.empty() || !m.initrd.empty() || !m.dtb.empty() || !m.append.empty())
            return "--loadstate restores RAM as saved: -kernel, -initrd, -dtb and -append have nothing to do";
        return {};
    }
    if (options.savestate_at && !m.deterministic)
        return "--savestate-at needs --deterministic (only then is an instruction count a point in the run)";
    if (m.bios == "none" && m.kernel.empty()) return "nothing to run: -bios none needs -kernel FILE";
    return {};
}

bool log_item_enabled(const Options& options, std::string_view item) {
    return std::find(options.log_items.begin(), options.log_items.end(), item) != options.log_items.end();
}

uint8_t log_class_mask(const Options& options) {
    uint8_t mask = 0;
    for (const std::string& item : options.log_items) {
        if (item == "guest_errors") mask |= static_cast<uint8_t>(LogClass::GuestError);
        if (item == "unimp") mask |= static_cast<uint8_t>(LogClass::Unimplemented);
        if (item == "invalid_mem") mask |= static_cast<uint8_t>(LogClass::InvalidAccess);
    }
    return mask;
}

std::string usage_text() {
    std::string text =
        "usage: tern [options]\n"
        "Runs a RISC-V RV64GC 'virt' machine. Options (QEMU-compatible where QEMU has them):\n";
    for (const OptionRow& row : kOptions) {
        if (row.help.empty()) continue;
        std::string left(row.name);
        if (!row.value_name.empty()) left += " " + std::string(row.value_name);
        left.resize(std::max<size_t>(left.size() + 1, 26), ' ');
        text += "  " + left + std::string(row.help) + "\n";
    }
    text += "Example: tern -bios none -kernel roms/demo.elf -nographic\n";
    return text;
}

std::string_view tern_version() { return "0.1"; }

std::string version_text() { return "tern " + std::string(tern_version()) + " (RISC-V RV64GC system emulator)\n"; }

} // namespace tern
