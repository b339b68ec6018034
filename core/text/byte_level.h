#pragma once
// Internal: GPT-2's bytes_to_unicode table (each byte <-> a printable character).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tunesmith::text::detail {

// The character for byte b.
char32_t byte_to_char(uint8_t b);
// UTF-8 of byte_to_char(b).
const std::string& byte_to_utf8(uint8_t b);
// The byte for character c, or -1 when c is not one of the 256.
int char_to_byte(char32_t c);
// Converts a byte-level string (every char one of the 256) to its raw bytes.
std::optional<std::string> byte_level_to_bytes(std::string_view s);

}  // namespace tunesmith::text::detail
