#include "savestate/console_commands.hpp"

#include <ctime>

#include <sys/stat.h>

#include "core/console.hpp"
#include "hw/machine.hpp"

namespace tern::savestate {

std::string ConsoleCommands::next_path() const {
    if (!file_.empty()) return file_;
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    const std::string base = dir_ + "/tern-" + stamp;
    std::string path = base + ".tstate";
    struct stat st;
    for (int n = 2; ::stat(path.c_str(), &st) == 0; ++n)
        path = base + "-" + std::to_string(n) + ".tstate";
    return path;
}

std::string ConsoleCommands::serve(Machine& machine, ConsoleCommand command) {
    if (command == ConsoleCommand::SaveState) {
        const std::string path = next_path();
        try {
            machine.with_harts_paused([&] { save(machine, path, save_); });
        } catch (const std::exception& e) {
            return "\r\ntern: savestate not written: " + std::string(e.what()) + "\r\n";
        }
        last_ = path;
        return "\r\ntern: saved " + path + "\r\n";
    }
    if (command == ConsoleCommand::LoadState) {
        if (last_.empty()) return "\r\ntern: nothing to load yet (Ctrl-A s saves one)\r\n";
        LoadOptions options;
        options.command_line = command_line_;
        options.command_line.drives.clear(); // the file says which disks
        try {
            replacement_ = load(last_, options);
        } catch (const std::exception& e) {
            return "\r\ntern: " + std::string(e.what()) + "; the machine runs on unchanged\r\n";
        }
        machine.request_exit(0);
        return "\r\ntern: loaded " + last_ + "\r\n";
    }
    return {};
}

} // namespace tern::savestate
