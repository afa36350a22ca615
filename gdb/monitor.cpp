#include "gdb/monitor.hpp"

#include <algorithm>
#include <charconv>

#include "hw/machine.hpp"

namespace tern::gdb {

namespace {

constexpr std::string_view kHelp =
    "Tern monitor commands:\n"
    "  guest-errors [N]   the guest-error log (the last N entries; default all that are kept)\n"
    "  harts              every hart's privilege, pc, interrupt and S-mode trap state\n"
    "  phys [on|off]      memory access by physical address (on) or through the stopped\n"
    "                     thread's MMU (off, the default); breakpoints stay virtual\n"
    "  savestate FILE     save the stopped machine (tern --loadstate FILE resumes it)\n"
    "  loadstate FILE     replace the machine by the one saved in FILE (stays stopped);\n"
    "                     then `maintenance flush register-cache` so GDB rereads it\n";

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

std::string guest_errors(Machine& machine, std::string_view count_text) {
    const std::vector<GuestErrorEntry> entries = machine.guest_errors.snapshot();
    size_t count = entries.size();
    if (!count_text.empty()) {
        auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
        if (ec != std::errc() || end != count_text.data() + count_text.size())
            return "guest-errors: expected a count, got '" + std::string(count_text) + "'\n";
        count = std::min(count, entries.size());
    }
    std::string text = std::to_string(machine.guest_errors.total_recorded()) + " guest errors recorded, " +
                       std::to_string(entries.size()) + " kept";
    text += count < entries.size() ? ", the last " + std::to_string(count) + ":\n" : entries.empty() ? "\n" : ":\n";
    for (size_t i = entries.size() - count; i < entries.size(); ++i) {
        std::string line = GuestErrorLog::format(entries[i]);
        if (line.empty() || line.back() != '\n') line += '\n';
        text += line;
    }
    return text;
}

std::string harts(Machine& machine) {
    std::string text;
    for (char c : machine.hart_status())
        if (c != '\r') text += c;
    while (!text.empty() && text.front() == '\n') text.erase(0, 1);
    return text;
}

} // namespace

std::string monitor_command(Machine& machine, bool& physical, const StateFiles& files, std::string_view command) {
    command = trim(command);
    const size_t space = std::min(command.find(' '), command.size());
    const std::string_view name = command.substr(0, space);
    const std::string_view argument = trim(command.substr(space));
    if (name == "help" || name.empty()) return std::string(kHelp);
    if (name == "guest-errors") return guest_errors(machine, argument);
    if (name == "harts") return harts(machine);
    if (name == "phys") {
        if (argument == "on" || argument == "off") physical = argument == "on";
        else if (!argument.empty()) return "phys: expected on or off\n";
        return physical ? "memory access is physical\n" : "memory access is virtual (the thread's MMU)\n";
    }
    if (name == "savestate" || name == "loadstate") {
        if (argument.empty()) return std::string(name) + " needs a file name\n";
        const auto& action = name == "savestate" ? files.save : files.load;
        if (!action) return std::string(name) + " is not available here\n";
        return action(machine, std::string(argument));
    }
    return "unknown monitor command '" + std::string(name) + "' (monitor help lists them)\n";
}

} // namespace tern::gdb
