#include "core/data/text_sniff.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/data/io_error.h"

namespace tunesmith::data {
namespace {

constexpr std::size_t kSniffBytes = std::size_t{64} << 10;

// Length of the UTF-8 sequence that starts at bytes[i], 0 when invalid, or npos when
// the bytes end before the sequence does.
std::size_t sequence_length(std::string_view b, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(b[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte (RFC 3629 table)
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    if (i + k >= b.size()) return std::string_view::npos;
    unsigned char cc = at(i + k);
    if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF)) return 0;
  }
  return n;
}

}  // namespace

std::size_t first_invalid_utf8(std::string_view bytes, bool allow_truncated_tail) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    // ASCII fast path, 8 bytes at a time.
    while (i + 8 <= bytes.size()) {
      std::uint64_t w;
      std::memcpy(&w, bytes.data() + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= bytes.size()) break;
    std::size_t n = sequence_length(bytes, i);
    if (n == std::string_view::npos) return allow_truncated_tail ? std::string_view::npos : i;
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::optional<Finding> sniff_text_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw IoError(path + ": cannot open: " + std::strerror(errno));
  std::string head(kSniffBytes, '\0');
  std::size_t n = std::fread(head.data(), 1, head.size(), f.get());
  if (std::ferror(f.get())) throw IoError(path + ": read failed: " + std::strerror(errno));
  head.resize(n);
  bool more = n == kSniffBytes;

  auto whole_file = [&](std::string category, std::string message, std::size_t line = 0, std::size_t col = 0) {
    return Finding{Severity::Error, std::move(category), path, line, col, std::move(message), std::size_t(-1)};
  };
  auto starts = [&](std::string_view bom) { return std::string_view(head).substr(0, bom.size()) == bom; };
  if (starts(std::string_view("\xFF\xFE\0\0", 4)) || starts(std::string_view("\0\0\xFE\xFF", 4)))
    return whole_file("not-text", "the file is UTF-32 text; JSONL must be UTF-8: re-save it as UTF-8");
  if (starts("\xFF\xFE") || starts("\xFE\xFF"))
    return whole_file("not-text", "the file is UTF-16 text; JSONL must be UTF-8: re-save it as UTF-8");
  if (std::memchr(head.data(), '\0', head.size()))
    return whole_file("not-text", "the file holds NUL bytes: it is binary, not a JSONL text file");

  std::size_t bad = first_invalid_utf8(head, more);
  if (bad == std::string_view::npos) return std::nullopt;
  // Line and column of the bad byte, for the user's editor.
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < bad; ++i)
    if (head[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return whole_file("not-utf8",
                    "the file is not valid UTF-8 (first bad byte here); OpenAI and the tokenizers need UTF-8: "
                    "re-save the file as UTF-8",
                    line, bad - line_start + 1);
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      static const char* hex = "0123456789abcdef";
      out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string("\\x") + hex[c >> 4] + hex[c & 15];
      ++i;
      continue;
    }
    std::size_t n = sequence_length(text, i);
    if (n == 0 || n == std::string_view::npos) {
      out += '?';
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace tunesmith::data
