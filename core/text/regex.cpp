#include "core/text/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstring>
#include <stdexcept>

#include "core/text/unicode.h"

namespace tunesmith::text::detail {

namespace {
// Oniguruma's \s is Unicode White_Space (PCRE2's \s with UCP adds U+180E).
constexpr const char* kSpace = "\\p{White_Space}";
constexpr const char* kNotSpace = "\\P{White_Space}";
// Oniguruma's \w (Unicode): Alphabetic, marks, decimal digits, connector punctuation.
constexpr const char* kWordInner = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}";

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
}  // namespace

std::string translate_oniguruma(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 32);
  int class_depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) throw std::invalid_argument("trailing backslash");
      char e = p[++i];
      switch (e) {
        case 's': out += kSpace; break;
        case 'S': out += kNotSpace; break;
        case 'd': out += "\\p{Nd}"; break;
        case 'D': out += "\\P{Nd}"; break;
        case 'w':
          if (class_depth) out += kWordInner;
          else out += std::string("[") + kWordInner + "]";
          break;
        case 'W':
          if (class_depth) throw std::invalid_argument("\\W inside a character class is not supported");
          out += std::string("[^") + kWordInner + "]";
          break;
        case 'h': out += class_depth ? "0-9a-fA-F" : "[0-9a-fA-F]"; break;  // Ruby: hex digit
        case 'H':
          if (class_depth) throw std::invalid_argument("\\H inside a character class is not supported");
          out += "[^0-9a-fA-F]";
          break;
        case 'u': {  // \uHHHH
          std::size_t k = i + 1;
          while (k < p.size() && k < i + 5 && is_hex(p[k])) ++k;
          if (k != i + 5) throw std::invalid_argument("bad \\u escape");
          out += "\\x{" + std::string(p.substr(i + 1, 4)) + "}";
          i += 4;
          break;
        }
        case 'p': case 'P': {
          out += '\\';
          out += e;
          // \p{^L} (Oniguruma negation) -> \P{L}
          if (i + 2 < p.size() && p[i + 1] == '{' && p[i + 2] == '^') {
            out.back() = e == 'p' ? 'P' : 'p';
            out += '{';
            i += 2;
          }
          break;
        }
        default:
          out += '\\';
          out += e;
      }
      continue;
    }
    if (c == '[') {
      if (class_depth > 0) {
        if (i + 1 < p.size() && p[i + 1] == ':') {  // POSIX class [:alpha:]
          std::size_t close = p.find(":]", i + 2);
          if (close == std::string_view::npos) throw std::invalid_argument("bad POSIX class");
          out.append(p.substr(i, close + 2 - i));
          i = close + 1;
          continue;
        }
        throw std::invalid_argument("nested character classes are not supported");
      }
      class_depth = 1;
      out += c;
      // A ']' right after '[' or '[^' is literal in both engines.
      if (i + 1 < p.size() && p[i + 1] == '^') { out += '^'; ++i; }
      if (i + 1 < p.size() && p[i + 1] == ']') { out += "\\]"; ++i; }
      continue;
    }
    if (c == ']' && class_depth) {
      class_depth = 0;
      out += c;
      continue;
    }
    if (class_depth && c == '&' && i + 1 < p.size() && p[i + 1] == '&')
      throw std::invalid_argument("character class intersection (&&) is not supported");
    out += c;
  }
  if (class_depth) throw std::invalid_argument("unterminated character class");
  return out;
}

namespace {
struct ThreadState {
  pcre2_match_data* md = nullptr;
  pcre2_match_context* mc = nullptr;
  pcre2_jit_stack* js = nullptr;
  ThreadState() {
    md = pcre2_match_data_create(1, nullptr);
    mc = pcre2_match_context_create(nullptr);
    js = pcre2_jit_stack_create(64 * 1024, 64 * 1024 * 1024, nullptr);
    pcre2_jit_stack_assign(mc, nullptr, js);
    pcre2_set_match_limit(mc, 4000000000u);
    pcre2_set_depth_limit(mc, 4000000000u);
  }
  ~ThreadState() {
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    pcre2_jit_stack_free(js);
  }
};
ThreadState& thread_state() {
  thread_local ThreadState s;
  return s;
}
}  // namespace

Regex::Regex(std::string_view pattern) : source_(pattern) {
  std::string translated;
  try {
    translated = translate_oniguruma(pattern);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("regex '" + source_ + "': " + e.what());
  }
  int err = 0;
  PCRE2_SIZE off = 0;
  auto* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                             PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &err, &off, nullptr);
  if (!code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    throw std::invalid_argument("regex '" + source_ + "': " + reinterpret_cast<const char*>(buf) + " at offset " +
                                std::to_string(off));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when JIT is unavailable
  code_ = code;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

void Regex::find_all(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& out) const {
  auto& ts = thread_state();
  auto* code = static_cast<pcre2_code*>(code_);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t pos = 0;
  std::size_t last_end = SIZE_MAX;
  while (pos <= text.size()) {
    int rc = pcre2_match(code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, ts.md, ts.mc);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(rc, buf, sizeof buf);
      throw std::runtime_error("regex '" + source_ + "': " + reinterpret_cast<const char*>(buf));
    }
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(ts.md);
    std::size_t s = ov[0], e = ov[1];
    if (s == e && s == last_end) {
      if (s >= text.size()) break;
      pos = s + unicode::utf8_len(static_cast<unsigned char>(text[s]));
      continue;
    }
    out.emplace_back(static_cast<uint32_t>(s), static_cast<uint32_t>(e));
    last_end = e;
    if (e == s) {
      if (s >= text.size()) break;
      pos = s + unicode::utf8_len(static_cast<unsigned char>(text[s]));
    } else {
      pos = e;
    }
  }
}

Pattern Pattern::literal(std::string s) {
  Pattern p;
  p.literal_ = std::move(s);
  return p;
}
Pattern Pattern::regex(std::string_view onig) {
  Pattern p;
  p.regex_ = std::make_shared<Regex>(onig);
  return p;
}
Pattern Pattern::predicate(bool (*fn)(char32_t)) {
  Pattern p;
  p.fn_ = fn;
  return p;
}

void Pattern::find_ranges(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& out) const {
  if (regex_) {
    regex_->find_all(text, out);
  } else if (fn_) {
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t cs = i;
      char32_t cp = unicode::next_cp(text, i);
      if (fn_(cp)) out.emplace_back(static_cast<uint32_t>(cs), static_cast<uint32_t>(i));
    }
  } else if (!literal_.empty()) {
    std::size_t pos = 0;
    while (true) {
      std::size_t f = text.find(literal_, pos);
      if (f == std::string_view::npos) break;
      out.emplace_back(static_cast<uint32_t>(f), static_cast<uint32_t>(f + literal_.size()));
      pos = f + literal_.size();
    }
  }
}

void Pattern::find_matches(std::string_view text, std::vector<Match>& out) const {
  out.clear();
  if (text.empty()) {
    out.push_back({0, 0, false});
    return;
  }
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  find_ranges(text, ranges);
  uint32_t prev = 0;
  for (auto [s, e] : ranges) {
    if (prev != s) out.push_back({prev, s, false});
    out.push_back({s, e, true});
    prev = e;
  }
  if (prev != text.size()) out.push_back({prev, static_cast<uint32_t>(text.size()), false});
}

}  // namespace tunesmith::text::detail
