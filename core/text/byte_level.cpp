#include "core/text/byte_level.h"

#include <array>
#include <unordered_map>

#include "core/text/unicode.h"

namespace tunesmith::text::detail {
namespace {
struct Tables {
  std::array<char32_t, 256> b2c{};
  std::array<std::string, 256> b2u;
  std::unordered_map<char32_t, int> c2b;
  Tables() {
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      b2c[b] = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
      unicode::append_utf8(b2u[b], b2c[b]);
      c2b[b2c[b]] = b;
    }
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}
}  // namespace

char32_t byte_to_char(uint8_t b) { return tables().b2c[b]; }
const std::string& byte_to_utf8(uint8_t b) { return tables().b2u[b]; }
int char_to_byte(char32_t c) {
  const auto& m = tables().c2b;
  auto it = m.find(c);
  return it == m.end() ? -1 : it->second;
}

std::optional<std::string> byte_level_to_bytes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    int b = char_to_byte(unicode::next_cp(s, i));
    if (b < 0) return std::nullopt;
    out.push_back(static_cast<char>(b));
  }
  return out;
}

}  // namespace tunesmith::text::detail
