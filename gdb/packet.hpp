#pragma once
// The remote serial protocol's framing (GDB manual, "Remote Protocol", "Overview"): a packet is
// "$payload#cc", cc the payload's byte sum modulo 256 in two hex digits; '+' and '-' acknowledge
// (until QStartNoAckMode), and a bare 0x03 byte asks a running target to stop. The bytes come
// from the network: nothing about their order, length or content is assumed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern::gdb {

class PacketReader {
  public:
    // Longest payload accepted (qSupported's PacketSize): a longer one is reported TooLong, whole.
    static constexpr size_t kMaxPayload = 0x4000;

    struct Event {
        enum class Kind : uint8_t {
            Packet,    // a payload with a good checksum, escapes still in it (the checksum covers them)
            Interrupt, // 0x03 outside a packet
            Ack,       // '+'
            Nak,       // '-': resend the last reply
            Corrupt,   // a checksum that is not two hex digits, or does not match: answer '-'
            TooLong,   // a payload past kMaxPayload (its bytes are dropped as they come)
        };
        Kind kind;
        std::string payload;
    };

    // Takes the next byte from the connection; an event when it completes one.
    std::optional<Event> feed(uint8_t byte);

  private:
    enum class State : uint8_t { Idle, Payload, Checksum1, Checksum2 };
    State state_ = State::Idle;
    std::string payload_;
    uint8_t sum_ = 0;
    int checksum_high_ = 0;
    bool too_long_ = false;
};

// "$payload#cc". The payload is sent as it is: replies are text that holds none of '$', '#', '}' and
// '*' (the run-length marker), except binary data, which escape() has escaped.
std::string frame(std::string_view payload);

// The bytes of binary data (X packets): "}c" stands for c ^ 0x20. nullopt for a '}' at the end.
std::optional<std::string> unescape(std::string_view binary);

// Binary data for a reply (qXfer): '$', '#', '}' and '*' become '}' and the byte ^ 0x20.
std::string escape(std::string_view binary);

} // namespace tern::gdb
