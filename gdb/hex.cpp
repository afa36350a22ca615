#include "gdb/hex.hpp"

namespace tern::gdb {

namespace {
constexpr char kDigits[] = "0123456789abcdef";
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<uint64_t> parse_hex(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        const int d = hex_digit(c);
        if (d < 0) return std::nullopt;
        value = value << 4 | static_cast<uint64_t>(d);
    }
    return value;
}

std::optional<std::string_view> take_until(std::string_view& text, char separator) {
    const size_t at = text.find(separator);
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view head = text.substr(0, at);
    text.remove_prefix(at + 1);
    return head;
}

std::optional<std::vector<uint8_t>> parse_hex_bytes(std::string_view text) {
    if (text.size() % 2) return std::nullopt;
    std::vector<uint8_t> bytes(text.size() / 2);
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return bytes;
}

void append_hex_bytes(std::string& out, std::span<const uint8_t> bytes) {
    for (uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
}

std::string hex_bytes(std::string_view text) {
    std::string out;
    append_hex_bytes(out, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    return out;
}

void append_hex_le(std::string& out, uint64_t value, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i, value >>= 8) {
        out += kDigits[(value >> 4) & 15];
        out += kDigits[value & 15];
    }
}

std::optional<uint64_t> parse_hex_le(std::string_view text, unsigned bytes) {
    if (bytes > 8 || text.size() != 2 * bytes) return std::nullopt;
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; ++i) {
        const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        value |= static_cast<uint64_t>(hi << 4 | lo) << (8 * i);
    }
    return value;
}

} // namespace tern::gdb
