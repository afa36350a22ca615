#include "gdb/packet.hpp"

#include "gdb/hex.hpp"

namespace tern::gdb {

namespace {
constexpr char kEscape = '}';
bool needs_escape(char c) { return c == '$' || c == '#' || c == '}' || c == '*'; }
} // namespace

std::optional<PacketReader::Event> PacketReader::feed(uint8_t byte) {
    const char c = static_cast<char>(byte);
    switch (state_) {
    case State::Idle:
        // Between packets only acks, the interrupt byte and a packet start mean anything; GDB
        // sends nothing else, so other bytes (line noise) are dropped.
        if (c == '$') {
            state_ = State::Payload;
            payload_.clear();
            sum_ = 0;
            too_long_ = false;
        } else if (byte == 0x03) {
            return Event{Event::Kind::Interrupt, {}};
        } else if (c == '+') {
            return Event{Event::Kind::Ack, {}};
        } else if (c == '-') {
            return Event{Event::Kind::Nak, {}};
        }
        return std::nullopt;
    case State::Payload:
        if (c == '#') {
            state_ = State::Checksum1;
        } else if (c == '$') { // a new start: the previous packet was cut off; GDB resends it
            payload_.clear();
            sum_ = 0;
            too_long_ = false;
        } else {
            sum_ = static_cast<uint8_t>(sum_ + byte);
            if (payload_.size() < kMaxPayload)
                payload_ += c;
            else
                too_long_ = true;
        }
        return std::nullopt;
    case State::Checksum1:
        checksum_high_ = hex_digit(c);
        state_ = State::Checksum2;
        return std::nullopt;
    case State::Checksum2: {
        state_ = State::Idle;
        const int low = hex_digit(c);
        std::string payload = std::move(payload_);
        payload_.clear();
        if (checksum_high_ < 0 || low < 0 || (checksum_high_ << 4 | low) != sum_) return Event{Event::Kind::Corrupt, {}};
        if (too_long_) return Event{Event::Kind::TooLong, {}};
        return Event{Event::Kind::Packet, std::move(payload)};
    }
    }
    return std::nullopt;
}

std::string escape(std::string_view binary) {
    std::string out;
    out.reserve(binary.size());
    for (char c : binary) {
        if (needs_escape(c)) {
            out += kEscape;
            out += static_cast<char>(c ^ 0x20);
        } else {
            out += c;
        }
    }
    return out;
}

std::string frame(std::string_view payload) {
    std::string out = "$" + std::string(payload) + "#";
    uint8_t sum = 0;
    for (size_t i = 1; i + 1 < out.size(); ++i)
        sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(out[i]));
    append_hex_le(out, sum, 1);
    return out;
}

std::optional<std::string> unescape(std::string_view binary) {
    std::string out;
    out.reserve(binary.size());
    for (size_t i = 0; i < binary.size(); ++i) {
        if (binary[i] != kEscape) {
            out += binary[i];
            continue;
        }
        if (++i == binary.size()) return std::nullopt;
        out += static_cast<char>(binary[i] ^ 0x20);
    }
    return out;
}

} // namespace tern::gdb
