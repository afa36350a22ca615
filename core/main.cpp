// tern: parse the command line, build the machine, load the program, run.
#include <cstdio>
#include <span>

#include "core/boot.hpp"
#include "core/console.hpp"
#include "core/machine.hpp"
#include "core/options.hpp"

int main(int argc, char **argv) {
    using namespace tern;
    ParseResult parsed =
        parse_command_line(std::span<const char *const>(argv + 1, static_cast<size_t>(argc - 1)));
    if (!parsed.error.empty()) {
        std::fprintf(stderr, "tern: %s\n", parsed.error.c_str());
        return 1;
    }
    const Options &options = parsed.options;
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
    if (!options.log_file.empty()) {
        // Nothing writes the -d log yet, but a log file that cannot be created is an error now, not later.
        std::FILE *log = std::fopen(options.log_file.c_str(), "a");
        if (!log) {
            std::fprintf(stderr, "tern: %s: cannot open log file\n", options.log_file.c_str());
            return 1;
        }
        std::fclose(log);
    }

    try {
        Machine machine(options.machine);
        if (std::string error = boot(machine); !error.empty()) {
            std::fprintf(stderr, "tern: %s\n", error.c_str());
            return 1;
        }
        Console console;
        machine.attach_console(&console);
        return machine.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tern: %s\n", e.what());
        return 1;
    }
}
