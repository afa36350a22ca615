// tern: parse the command line, build the machine, load the program, run.
#include <cstdio>
#include <memory>
#include <span>

#include "hw/boot.hpp"
#include "core/console.hpp"
#include "hw/machine.hpp"
#include "core/options.hpp"

int main(int argc, char** argv) {
    using namespace tern;
    ParseResult parsed =
        parse_command_line(std::span<const char* const>(argv + 1, static_cast<size_t>(argc - 1)));
    if (!parsed.error.empty()) {
        std::fprintf(stderr, "tern: %s\n", parsed.error.c_str());
        return 1;
    }
    const Options& options = parsed.options;
    if (options.action == Options::Action::Help) {
        std::fputs(usage_text().c_str(), stdout);
        return 0;
    }
    if (options.action == Options::Action::Version) {
        std::fputs(version_text().c_str(), stdout);
        return 0;
    }
    if (std::string error = check_supported(options); !error.empty()) {
        std::fprintf(stderr, "tern: %s\n", error.c_str());
        return 1;
    }
    // -d items go to stderr, or to the -D file (truncated, as QEMU does).
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_file(nullptr, std::fclose);
    if (!options.log_file.empty()) {
        log_file.reset(std::fopen(options.log_file.c_str(), "w"));
        if (!log_file) {
            std::fprintf(stderr, "tern: %s: cannot open log file\n", options.log_file.c_str());
            return 1;
        }
    }

    try {
        Console console;
        // A guest reset rebuilds the machine from scratch: RAM, devices and harts
        // start over exactly as at power-on, and the images are loaded again.
        for (;;) {
            Machine machine(options.machine);
            std::FILE* log = log_file ? log_file.get() : stderr;
            machine.guest_errors.mirror_to(log, log_class_mask(options));
            if (std::string error = boot(machine); !error.empty()) {
                std::fprintf(stderr, "tern: %s\n", error.c_str());
                return 1;
            }
            machine.attach_console(&console);
            if (log_item_enabled(options, "out_asm")) machine.set_jit_listing(log);
            const int status = machine.run();
            if (log_item_enabled(options, "jit")) machine.print_jit_stats(log);
            if (!machine.reset_requested()) return status;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tern: %s\n", e.what());
        return 1;
    }
}
