#pragma once
// Hex text as the GDB remote protocol writes it: numbers ("1a2b"), byte strings ("00ff") and
// little-endian register values. Every parser checks every digit and the range; none throws.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern::gdb {

// The value of one hex digit, or -1.
int hex_digit(char c);

// A whole field of 1 to 16 hex digits (no sign, no prefix); nullopt for anything else.
std::optional<uint64_t> parse_hex(std::string_view text);

// Splits `text` at the first `separator`: the part before it, and `text` becomes the rest.
// nullopt (text unchanged) when there is no separator.
std::optional<std::string_view> take_until(std::string_view& text, char separator);

// Bytes from an even number of hex digits; nullopt for an odd count or a bad digit.
std::optional<std::vector<uint8_t>> parse_hex_bytes(std::string_view text);

void append_hex_bytes(std::string& out, std::span<const uint8_t> bytes);
std::string hex_bytes(std::string_view text); // qRcmd's output: the text's bytes in hex
// A register value of `bytes` bytes in target (little-endian) order.
void append_hex_le(std::string& out, uint64_t value, unsigned bytes);
// The inverse: exactly 2 * bytes digits.
std::optional<uint64_t> parse_hex_le(std::string_view text, unsigned bytes);

} // namespace tern::gdb
