#pragma once
// The host terminal as the guest's serial console (-nographic): raw mode
// while Tern runs, restored on every exit path; Ctrl-A starts a command, as
// in QEMU: Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A Ctrl-A sends Ctrl-A;
// Ctrl-A i shows every hart's state (the machine pauses all harts for it).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace tern {

// The Ctrl-A command parser, kept apart from the terminal so it can be tested.
class ConsoleEscape {
  public:
    static constexpr uint8_t kEscape = 0x01; // Ctrl-A
    enum class Action { None, Forward, Quit, Help, HartStatus, SaveState, LoadState };
    // Feeds one byte typed by the user; Forward means "pass `byte` to the guest".
    Action feed(uint8_t byte, uint8_t& forward);

  private:
    bool pending_ = false;
};

// What a Ctrl-A command asks of the machine (served on the host I/O thread).
enum class ConsoleCommand { None, HartStatus, SaveState, LoadState };

class Console {
  public:
    // Puts stdin into raw mode when it is a terminal.
    Console();
    ~Console();
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    void write(uint8_t byte);
    void flush();
    // A byte for the guest, if the user typed one; handles Ctrl-A commands.
    std::optional<uint8_t> poll_input();
    // Blocks until the user types something, `wake_fd` becomes readable (it is
    // then drained), or `timeout_ms` passes: the host I/O thread's idle wait.
    void wait_for_input(int wake_fd, int timeout_ms);
    bool quit_requested() const { return quit_; }
    // The machine command the user typed last (Ctrl-A i, s, l), once.
    ConsoleCommand take_command() { return std::exchange(command_, ConsoleCommand::None); }

    static std::string help_text();

  private:
    ConsoleEscape escape_;
    std::string out_;
    bool input_open_ = true;
    bool quit_ = false;
    ConsoleCommand command_ = ConsoleCommand::None;
};

// Blocks until `wake_fd` (an eventfd, then drained) or `input_fd` (unless -1)
// becomes readable, or `timeout_ms` passes.
void wait_readable(int wake_fd, int input_fd, int timeout_ms);

// Restores the terminal if a Console changed it; safe to call from a signal handler.
void restore_terminal();

} // namespace tern
