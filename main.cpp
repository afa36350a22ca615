// tern: parse the command line, build the machine, load the program, run.
#include <cstdio>
#include <memory>
#include <span>
#include <stdexcept>
#include <thread>
#include <utility>

#include "hw/boot.hpp"
#include "core/console.hpp"
#include "hw/machine.hpp"
#include "core/options.hpp"
#include "gdb/server.hpp"
#include "savestate/console_commands.hpp"
#include "savestate/savestate.hpp"
#include "ui/debugger_window.hpp"

namespace {
// --ui: the machine runs on a thread of its own, the window on this one (SDL wants the main thread).
int run_with_window(tern::Machine& machine) {
    int status = 1;
    std::exception_ptr failure;
    std::thread runner([&] {
        try {
            status = machine.run();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    std::string error;
    if (!tern::ui::run_debugger_window(machine, error)) {
        machine.request_exit(1);
        runner.join();
        throw std::runtime_error(error);
    }
    runner.join();
    if (failure) std::rethrow_exception(failure);
    return status;
}
} // namespace

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

    if (options.action == Options::Action::SavestateInfo) {
        try {
            std::fputs(savestate::describe(options.savestate_info).c_str(), stdout);
            return 0;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tern: %s\n", e.what());
            return 1;
        }
    }

    try {
        std::unique_ptr<gdb::Server> gdb_server = gdb::start_server(options); // -s, -gdb
        Console console;
        savestate::SaveOptions save_options;
        if (options.savestate_reference) save_options.disks = savestate::DiskMode::Reference;
        savestate::ConsoleCommands commands(options.savestate, options.savestate_dir, save_options, options.machine,
                                            options.loadstate);
        std::unique_ptr<Machine> machine;
        bool first = true;
        bool savestate_at_pending = true; // the first machine only, not one rebuilt by a reset
        // A guest reset rebuilds the machine from scratch: RAM, devices and harts
        // start over exactly as at power-on, and the images are loaded again.
        for (;;) {
            std::FILE* log = log_file ? log_file.get() : stderr;
            const bool from_state = first && !options.loadstate.empty();
            if (auto replacement = commands.take_replacement()) {
                machine = std::move(replacement); // Ctrl-A l
            } else if (gdb_server && gdb_server->has_replacement()) {
                machine = gdb_server->take_replacement(); // monitor loadstate
            } else if (from_state) {
                savestate::LoadOptions load_options{options.machine, options.ram_given, options.harts_given};
                machine = savestate::load(options.loadstate, load_options);
            } else if (first || machine->reset_requested()) {
                if (!first && machine->config.kernel.empty() && machine->config.bios.empty() &&
                    !options.loadstate.empty()) {
                    std::fprintf(stderr, "tern: the guest reset, but a machine loaded from a savestate has no "
                                         "images to boot again\n");
                    return 0;
                }
                machine.reset(); // one machine at a time: the disks' files are opened again
                machine = std::make_unique<Machine>(options.machine);
                machine->guest_errors.mirror_to(log, log_class_mask(options));
                if (std::string error = boot(*machine); !error.empty()) {
                    std::fprintf(stderr, "tern: %s\n", error.c_str());
                    return 1;
                }
            }
            first = false;
            machine->guest_errors.mirror_to(log, log_class_mask(options));
            machine->attach_console(&console);
            machine->on_console_command = [&commands, m = machine.get()](ConsoleCommand command) {
                return commands.serve(*m, command);
            };
            if (options.savestate_at && std::exchange(savestate_at_pending, false)) {
                if (!machine->config.deterministic)
                    throw std::runtime_error("--savestate-at needs --deterministic");
                const std::string path = options.savestate;
                machine->at_steps(*options.savestate_at, [m = machine.get(), path, save_options] {
                    savestate::save(*m, path, save_options);
                    std::fprintf(stderr, "tern: saved %s\n", path.c_str());
                });
            }
            if (log_item_enabled(options, "out_asm")) machine->set_jit_listing(log);
            auto debugged = gdb_server ? gdb_server->attach(*machine) : gdb::Server::Attachment{};
            const int status = options.ui ? run_with_window(*machine) : machine->run();
            if (machine->at_steps_pending())
                std::fprintf(stderr, "tern: the run ended after %llu instructions, before --savestate-at %llu: "
                                     "nothing was saved\n",
                             static_cast<unsigned long long>(machine->steps_taken()),
                             static_cast<unsigned long long>(*options.savestate_at));
            if (log_item_enabled(options, "jit")) machine->print_jit_stats(log);
            const bool again = machine->reset_requested() || commands.has_replacement() ||
                               (gdb_server && gdb_server->has_replacement());
            debugged.end(again ? std::nullopt : std::optional(status)); // the debugger is told of an exit
            if (!again) return status;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tern: %s\n", e.what());
        return 1;
    }
}
