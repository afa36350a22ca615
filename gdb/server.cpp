#include "gdb/server.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb/hex.hpp"
#include "gdb/packet.hpp"
#include "gdb/session.hpp"
#include "hw/machine.hpp"

namespace tern::gdb {

using namespace std::chrono_literals;

// The client's socket: bytes in through a PacketReader, packets out (the last kept for a resend).
class Connection {
  public:
    Connection(int fd, int wake_fd) : fd_(fd), wake_fd_(wake_fd) {}
    ~Connection() { ::close(fd_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Waits up to `timeout` for bytes (a wake-up of the server ends the wait too); returns the events
    // they complete. closed() once the client has gone.
    std::vector<PacketReader::Event> receive(std::chrono::milliseconds timeout) {
        std::vector<PacketReader::Event> events;
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(timeout.count())) <= 0) return events;
        if (fds[1].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) return events;
        uint8_t buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) closed_ = true;
        for (ssize_t i = 0; i < n; ++i)
            if (auto event = reader_.feed(buffer[i])) events.push_back(std::move(*event));
        return events;
    }
    bool closed() const { return closed_; }

    void send_raw(std::string_view bytes) {
        while (!bytes.empty() && !closed_) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { // an error, or the send timeout: a client that stopped reading is gone
                closed_ = true;
                break;
            }
            bytes.remove_prefix(static_cast<size_t>(n));
        }
    }
    void send_packet(std::string_view payload) {
        last_ = frame(payload);
        send_raw(last_);
    }
    void resend() { send_raw(last_); }

    bool no_ack = false; // after QStartNoAckMode

  private:
    int fd_, wake_fd_;
    bool closed_ = false;
    PacketReader reader_;
    std::string last_;
};

namespace {

std::runtime_error listen_error(const Server::Config& config, std::string_view why) {
    return std::runtime_error("-gdb tcp:" + config.host + ":" + std::to_string(config.port) + ": " + std::string(why));
}

} // namespace

Server::Server(Config config) : config_(std::move(config)), stopped_(config_.start_stopped) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(config_.port);
    if (const int error = ::getaddrinfo(config_.host.c_str(), port.c_str(), &hints, &found); error != 0)
        throw listen_error(config_, gai_strerror(error));
    std::string why = "no address to listen on";
    for (addrinfo* a = found; a && listen_fd_ < 0; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1) == 0) {
            listen_fd_ = fd;
        } else {
            why = std::strerror(errno);
            ::close(fd);
        }
    }
    ::freeaddrinfo(found);
    if (listen_fd_ < 0) throw listen_error(config_, why);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
        ::close(listen_fd_);
        throw listen_error(config_, "cannot create an eventfd");
    }
    thread_ = std::thread([this] { serve(); });
}

Server::~Server() {
    {
        std::lock_guard lock(mutex_);
        shutdown_ = true;
    }
    changed_.notify_all();
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_fd_);
}

Server::Attachment Server::attach(Machine& machine) {
    std::lock_guard lock(mutex_);
    machine_ = &machine;
    if (stopped_) machine.debug_stop(); // before run(): the harts start held
    if (session_) session_->set_machine(machine);
    changed_.notify_all();
    return Attachment(this);
}

void Server::detach(std::optional<int> exit_status) {
    {
        std::lock_guard lock(mutex_);
        machine_ = nullptr;
        if (exit_status) exit_status_ = exit_status;
    }
    changed_.notify_all();
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

bool Server::has_replacement() const {
    std::lock_guard lock(mutex_);
    return replacement_ != nullptr;
}

std::unique_ptr<Machine> Server::take_replacement() {
    std::lock_guard lock(mutex_);
    return std::move(replacement_);
}

Machine* Server::wait_for_machine(std::unique_lock<std::mutex>& lock) {
    // After monitor loadstate the old machine is still attached until its run has ended: the client's
    // next packets are for the replacement.
    changed_.wait(lock, [this] { return (machine_ && !replacement_) || exit_status_ || shutdown_; });
    return exit_status_ || shutdown_ ? nullptr : machine_;
}

std::string Server::load_state(Machine& machine, const std::string& path) {
    // Like Ctrl-A l (savestate/console_commands.cpp): the file's machine, this command line's engine.
    savestate::LoadOptions options;
    options.command_line = config_.command_line;
    options.command_line.drives.clear(); // the file says which disks
    try {
        replacement_ = savestate::load(path, options);
    } catch (const std::exception& e) {
        return "loadstate: " + std::string(e.what()) + "; the machine is unchanged\n";
    }
    machine.request_exit(0); // main.cpp runs the replacement next, stopped like this one
    return "loaded " + path + "; the harts are stopped at its state. `maintenance flush register-cache` "
           "makes GDB read it\n";
}

void Server::serve() {
    while (!shutdown_) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
        if (fds[1].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
        }
        if (shutdown_ || !(fds[0].revents & POLLIN)) continue;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const timeval send_timeout{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
        Connection client(fd, wake_fd_);
        serve_client(client);
    }
}

void Server::serve_client(Connection& client) {
    std::unique_lock lock(mutex_);
    Machine* machine = wait_for_machine(lock);
    if (!machine) return;
    StateFiles files;
    files.save = [this](Machine& m, const std::string& path) -> std::string {
        try {
            savestate::save(m, path, config_.save);
        } catch (const std::exception& e) {
            return "savestate not written: " + std::string(e.what()) + "\n";
        }
        return "saved " + path + "\n";
    };
    files.load = [this](Machine& m, const std::string& path) { return load_state(m, path); };
    Session session(*machine, files);
    session_ = &session;
    // The harts stop for a new client, as QEMU's do.
    if (!stopped_) machine->debug_stop();
    stopped_ = true;
    session.note_stop(machine->debug_wait(0ms).value_or(DebugStop{}));
    lock.unlock();

    // The session's end: the machine runs on without its points (when there is one still).
    auto forget = [&](bool resume) {
        if (!lock) lock.lock();
        if (machine_ && !exit_status_) {
            session.clear_points();
            if (resume) {
                machine_->debug_continue();
                stopped_ = false;
            }
        }
        session_ = nullptr;
    };
    for (;;) {
        const std::vector<PacketReader::Event> events = client.receive(100ms);
        if (shutdown_) return forget(false);
        for (const PacketReader::Event& event : events) {
            using Kind = PacketReader::Event::Kind;
            if (event.kind == Kind::Nak) client.resend();
            if (event.kind == Kind::Corrupt) client.send_raw("-");
            if (event.kind == Kind::TooLong) {
                if (!client.no_ack) client.send_raw("+");
                client.send_packet("E01");
            }
            if (event.kind != Kind::Packet) continue; // acks; an interrupt while stopped
            if (!client.no_ack) client.send_raw("+");
            lock.lock();
            machine = wait_for_machine(lock);
            if (!machine) return forget(false); // the run is over: Tern exits
            const Outcome out = session.handle(event.payload);
            for (const std::string& reply : out.replies)
                client.send_packet(reply);
            if (event.payload == "QStartNoAckMode") client.no_ack = true;
            switch (out.resume.kind) {
            case Resume::Kind::None: break;
            case Resume::Kind::Continue:
            case Resume::Kind::ContinueHart:
            case Resume::Kind::Step:
                if (out.resume.kind == Resume::Kind::Continue)
                    machine->debug_continue();
                else if (out.resume.kind == Resume::Kind::ContinueHart)
                    machine->debug_continue_hart(out.resume.hart);
                else
                    machine->debug_step(out.resume.hart);
                stopped_ = false;
                lock.unlock();
                if (!wait_for_stop(client, session)) return forget(true);
                break;
            case Resume::Kind::Detach: return forget(true);
            case Resume::Kind::Kill:
                session.clear_points();
                machine->request_exit(0);
                return forget(false);
            }
            if (lock) lock.unlock();
        }
        if (client.closed()) return forget(true);
    }
}

std::unique_ptr<Server> start_server(const Options& options) {
    if (!options.gdb) return nullptr;
    Server::Config config{options.gdb->host, options.gdb->port, options.start_stopped, options.machine, {}};
    if (options.savestate_reference) config.save.disks = savestate::DiskMode::Reference;
    auto server = std::make_unique<Server>(config);
    std::fprintf(stderr, "tern: GDB server on %s port %u%s\n", config.host.c_str(), server->port(),
                 options.start_stopped ? ", the harts wait for it" : "");
    return server;
}

bool Server::wait_for_stop(Connection& client, Session& session) {
    for (;;) {
        bool interrupt = false;
        for (const PacketReader::Event& event : client.receive(10ms)) {
            using Kind = PacketReader::Event::Kind;
            if (event.kind == Kind::Interrupt) interrupt = true;
            if (event.kind == Kind::Nak) client.resend();
            if (event.kind == Kind::Corrupt) client.send_raw("-");
            // Other packets while running are not part of all-stop mode: dropped.
        }
        std::lock_guard lock(mutex_);
        if (exit_status_) {
            std::string reply = "W";
            append_hex_le(reply, static_cast<uint64_t>(*exit_status_) & 0xff, 1);
            client.send_packet(reply);
            return false;
        }
        if (shutdown_ || client.closed()) return false;
        if (!machine_ || replacement_) continue; // between two machines (a reset, monitor loadstate)
        if (interrupt) machine_->debug_stop();
        std::optional<DebugStop> stop = machine_->debug_wait(0ms);
        if (!stop || stop->reason == DebugStop::Reason::Exited) continue; // main.cpp says what the exit means
        stopped_ = true;
        client.send_packet(session.stop_reply(*stop));
        return true;
    }
}

} // namespace tern::gdb
