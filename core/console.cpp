#include "core/console.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace tern {

namespace {
// The terminal state to restore. This is the one piece of process-wide state:
// signal handlers and atexit cannot reach the Console object.
struct SavedTerminal {
    termios attributes{};
    volatile sig_atomic_t saved = 0;
};
SavedTerminal g_saved_terminal;

void restore_and_reraise(int sig) {
    restore_terminal();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}
} // namespace

void restore_terminal() {
    if (g_saved_terminal.saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal.attributes);
        g_saved_terminal.saved = 0;
    }
}

ConsoleEscape::Action ConsoleEscape::feed(uint8_t byte, uint8_t& forward) {
    if (!pending_) {
        if (byte == kEscape) {
            pending_ = true;
            return Action::None;
        }
        forward = byte;
        return Action::Forward;
    }
    pending_ = false;
    switch (byte) {
    case 'x': return Action::Quit;
    case 'h': return Action::Help;
    case 'i': return Action::HartStatus;
    case 's': return Action::SaveState;
    case 'l': return Action::LoadState;
    case kEscape: forward = kEscape; return Action::Forward;
    default: return Action::None; // unknown commands are dropped, as in QEMU
    }
}

Console::Console() {
    if (!isatty(STDIN_FILENO)) return;
    termios raw;
    if (tcgetattr(STDIN_FILENO, &raw) != 0) return;
    g_saved_terminal.attributes = raw;
    g_saved_terminal.saved = 1;
    std::atexit(restore_terminal);
    for (int sig : {SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
        std::signal(sig, restore_and_reraise);
    cfmakeraw(&raw);
    raw.c_oflag |= OPOST | ONLCR; // keep the host's newline handling for our own messages
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

Console::~Console() {
    flush();
    restore_terminal();
}

void Console::write(uint8_t byte) {
    out_.push_back(static_cast<char>(byte));
    if (byte == '\n' || out_.size() >= 4096) flush();
}

void Console::flush() {
    size_t done = 0;
    while (done < out_.size()) {
        ssize_t n = ::write(STDOUT_FILENO, out_.data() + done, out_.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    out_.clear();
}

std::string Console::help_text() {
    return "\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a i    show every hart's state\r\n"
           "C-a s    save the machine to a savestate file\r\nC-a l    load the last savestate saved with C-a s\r\n"
           "C-a C-a  send C-a\r\n";
}

void wait_readable(int wake_fd, int input_fd, int timeout_ms) {
    pollfd fds[2] = {{wake_fd, POLLIN, 0}, {input_fd, POLLIN, 0}};
    if (::poll(fds, input_fd >= 0 ? 2 : 1, timeout_ms) > 0 && (fds[0].revents & POLLIN)) {
        uint64_t count;
        [[maybe_unused]] ssize_t n = ::read(wake_fd, &count, sizeof count);
    }
}

void Console::wait_for_input(int wake_fd, int timeout_ms) {
    // At end of input stdin stays readable: leave it out, or this would never block.
    wait_readable(wake_fd, input_open_ ? STDIN_FILENO : -1, timeout_ms);
}

std::optional<uint8_t> Console::poll_input() {
    while (input_open_) {
        pollfd pfd{STDIN_FILENO, POLLIN, 0};
        if (::poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP))) return std::nullopt;
        uint8_t byte;
        if (::read(STDIN_FILENO, &byte, 1) != 1) {
            input_open_ = false; // end of input: the guest just sees no more bytes
            return std::nullopt;
        }
        uint8_t forward = 0;
        switch (escape_.feed(byte, forward)) {
        case ConsoleEscape::Action::Forward: return forward;
        case ConsoleEscape::Action::Quit: quit_ = true; return std::nullopt;
        case ConsoleEscape::Action::Help:
            for (char c : help_text()) write(static_cast<uint8_t>(c));
            flush();
            break;
        case ConsoleEscape::Action::HartStatus: command_ = ConsoleCommand::HartStatus; break;
        case ConsoleEscape::Action::SaveState: command_ = ConsoleCommand::SaveState; break;
        case ConsoleEscape::Action::LoadState: command_ = ConsoleCommand::LoadState; break;
        case ConsoleEscape::Action::None: break;
        }
    }
    return std::nullopt;
}

} // namespace tern
