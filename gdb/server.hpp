#pragma once
// The GDB server: listens on TCP (-s, -gdb tcp:HOST:PORT) and serves one client at a time on a
// thread of its own, with a Session for the protocol. The machine it debugs is attached by the
// program for each run (main.cpp), since a guest reset or `monitor loadstate` replaces it: the
// client stays connected across that, its breakpoints and watchpoints move to the new machine.
//
// The stub is unauthenticated: whoever reaches the port controls the machine and reads and writes
// the host files `monitor savestate` and `loadstate` name. It listens on loopback unless told.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/machine_config.hpp"
#include "core/options.hpp"
#include "savestate/savestate.hpp"

namespace tern {
class Machine;
}

namespace tern::gdb {

class Session;
class Connection;

class Server {
  public:
    struct Config {
        std::string host = "127.0.0.1";
        uint16_t port = 1234; // 0: any free port (port() says which)
        bool start_stopped = false; // -S: the harts wait for the debugger from the first instruction
        MachineConfig command_line;  // what monitor loadstate combines with the file, as Ctrl-A l does
        savestate::SaveOptions save;
    };

    // Listens at once; throws std::runtime_error with one line when it cannot.
    explicit Server(Config config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    uint16_t port() const { return port_; }

    // The machine of one run, from attach() (before Machine::run) to end() (after it returns).
    class Attachment {
      public:
        Attachment() = default;
        Attachment(Attachment&& other) noexcept : server_(std::exchange(other.server_, nullptr)) {}
        Attachment& operator=(Attachment&&) = delete;
        ~Attachment() { end(std::nullopt); }
        // `exit_status`: Tern exits with it (the client is told, W); nullopt: another machine follows.
        void end(std::optional<int> exit_status) {
            if (server_) std::exchange(server_, nullptr)->detach(exit_status);
        }

      private:
        friend class Server;
        explicit Attachment(Server* server) : server_(server) {}
        Server* server_ = nullptr;
    };
    // Hands `machine` to the client (stopped if the client has the harts stopped, or -S before any).
    Attachment attach(Machine& machine);

    // The machine `monitor loadstate` built, which the program runs next, once.
    bool has_replacement() const;
    std::unique_ptr<Machine> take_replacement();

  private:
    void detach(std::optional<int> exit_status);
    void serve();
    void serve_client(Connection& client);
    // Waits while the machine runs: forwards the interrupt byte, returns once it stops (true, the
    // stop reply sent) or the client or the run is gone (false).
    bool wait_for_stop(Connection& client, Session& session);
    // The attached machine, waiting while between two; nullptr once the run is over (or shutdown).
    Machine* wait_for_machine(std::unique_lock<std::mutex>& lock);
    std::string load_state(Machine& machine, const std::string& path);

    Config config_;
    int listen_fd_ = -1;
    int wake_fd_ = -1; // an eventfd: shutdown and machine changes wake the thread's poll
    uint16_t port_ = 0;
    std::atomic<bool> shutdown_{false};

    mutable std::mutex mutex_; // everything below; held while a packet is answered
    std::condition_variable changed_;
    Machine* machine_ = nullptr;
    std::optional<int> exit_status_; // the run is over: Tern exits with it
    bool stopped_ = false;           // the harts are held by the debugger
    Session* session_ = nullptr;     // the connected client's
    std::unique_ptr<Machine> replacement_;

    std::thread thread_; // last: started once everything above is ready
};

// The server -s or -gdb asks for (nullptr without them), listening; says where on stderr.
// Throws std::runtime_error with one line when it cannot listen.
std::unique_ptr<Server> start_server(const Options& options);

} // namespace tern::gdb
