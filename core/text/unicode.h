#pragma once
// UTF-8 and Unicode character properties for the tokenizer (utf8proc underneath).
// Semantics follow Rust's `char` methods, which the reference implementation uses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tunesmith::text::unicode {

inline std::size_t utf8_len(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Decodes the code point at s[i] (s is valid UTF-8) and advances i past it.
inline char32_t next_cp(std::string_view s, std::size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { ++i; return c; }
  if (c < 0xE0) {
    char32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    i += 2;
    return cp;
  }
  if (c < 0xF0) {
    char32_t cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                  (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    i += 3;
    return cp;
  }
  char32_t cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
  i += 4;
  return cp;
}

inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

void append_utf8(std::string& out, char32_t cp);
std::size_t cp_len(char32_t cp);

// Offset of the first invalid byte, or npos when s is valid UTF-8 (no surrogates, <= U+10FFFF).
std::size_t find_invalid_utf8(std::string_view s);
// Rust's String::from_utf8_lossy: each maximal invalid subpart becomes one U+FFFD.
std::string utf8_lossy(std::string_view bytes);

bool is_whitespace(char32_t cp);    // White_Space (Rust char::is_whitespace, Oniguruma \s)
bool is_numeric(char32_t cp);       // Nd | Nl | No (Rust char::is_numeric)
bool is_alphabetic(char32_t cp);    // Alphabetic, approximated from general categories
bool is_alphanumeric(char32_t cp);  // is_alphabetic || is_numeric
bool is_word_char(char32_t cp);     // Rust regex \w: Alphabetic | M | Nd | Pc | Join_Control
bool is_punctuation(char32_t cp);   // ASCII punctuation or general category P*
int combining_class(char32_t cp);

// Full lowercase mapping of one char (Rust char::to_lowercase, e.g. U+0130 -> "i\u0307").
void append_lowercase(std::string& out, char32_t cp);

enum class NormForm { NFC, NFD, NFKC, NFKD };
// Normalizes valid UTF-8 text.
std::string normalize(std::string_view s, NormForm form);

}  // namespace tunesmith::text::unicode
