#include "core/text/jinja/lexer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "core/text/jinja/value.h"

namespace tunesmith::text::jinja {
namespace {

bool is_space_at(std::string_view s, std::size_t i, std::size_t* len) {
  std::size_t j = i;
  char32_t c = decode_utf8(s, j);
  *len = j - i;
  return py_isspace(c);
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  std::size_t len = 0;
  while (i < s.size() && is_space_at(s, i, &len)) i += len;
  return i;
}

// Python str.rstrip() (Unicode whitespace).
std::string_view py_rstrip(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t j = start;
    if (!py_isspace(decode_utf8(s, j))) break;
    end = start;
  }
  return s.substr(0, end);
}

bool all_space(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (!py_isspace(decode_utf8(s, i))) return false;
  }
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) {
    // Jinja2: every \r\n, \r and \n is a newline; one trailing newline is dropped.
    src_.reserve(source.size());
    for (std::size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\r') {
        if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        src_ += '\n';
      } else {
        src_ += source[i];
      }
    }
    if (!src_.empty() && src_.back() == '\n') src_.pop_back();
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::vector<Token> run() {
    std::size_t pos = 0;
    bool line_starting = true;
    const std::string_view s = src_;
    while (pos < s.size()) {
      std::size_t t = find_tag(pos);
      if (t == std::string_view::npos) {
        emit_data(pos, s.substr(pos));
        break;
      }
      char kind = s[t + 1];
      std::size_t after = t + 2;
      char sign = 0;
      if (after < s.size() && (s[after] == '-' || s[after] == '+')) sign = s[after++];
      std::string_view text = s.substr(pos, t - pos);

      std::size_t raw_end = kind == '%' ? match_raw_begin(after) : std::string_view::npos;
      text = strip_before(text, sign, kind != '{', line_starting);
      emit_data(pos, text);

      if (raw_end != std::string_view::npos) {
        line_starting = s[raw_end - 1] == '\n';
        pos = lex_raw(t, raw_end, line_starting);
      } else if (kind == '#') {
        pos = lex_comment(t, after, line_starting);
      } else {
        pos = lex_tag(t, after, kind == '%', line_starting);
      }
    }
    Token eof;
    eof.kind = Tok::kEof;
    eof.pos = pos_at(s.size());
    tokens_.push_back(eof);
    return std::move(tokens_);
  }

 private:
  SourcePos pos_at(std::size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
    std::size_t start = line_starts_[line - 1];
    int col = 1;
    for (std::size_t i = start; i < offset && i < src_.size(); ++i)
      if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) ++col;
    return SourcePos{static_cast<int>(line), col};
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    SourcePos p = pos_at(offset);
    throw TemplateError(p.line, p.column, message);
  }

  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = src_.find('{', from); i != std::string::npos; i = src_.find('{', i + 1)) {
      if (i + 1 < src_.size() && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) return i;
    }
    return std::string_view::npos;
  }

  // Jinja2's OptionalLStrip: `-` strips all whitespace before the tag; otherwise, for block
  // and comment tags (not `+`), lstrip_blocks removes spaces before the tag on its line.
  std::string_view strip_before(std::string_view text, char sign, bool lstrip_kind, bool line_starting) const {
    if (sign == '-') return py_rstrip(text);
    if (sign != '+' && lstrip_kind) {
      std::size_t nl = text.rfind('\n');
      std::size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
      if ((l_pos > 0 || line_starting) && all_space(text.substr(l_pos))) return text.substr(0, l_pos);
    }
    return text;
  }

  void emit_data(std::size_t offset, std::string_view text) {
    if (text.empty()) return;
    Token tok;
    tok.kind = Tok::kData;
    tok.text = std::string(text);
    tok.pos = pos_at(offset);
    tokens_.push_back(std::move(tok));
  }

  void emit(Tok kind, std::size_t offset, std::string text = {}) {
    Token tok;
    tok.kind = kind;
    tok.text = std::move(text);
    tok.pos = pos_at(offset);
    tokens_.push_back(std::move(tok));
  }

  // `{%[-+]\s*raw\s*(-%}\s*|%})` starting after the sign: the end of the match, or npos.
  std::size_t match_raw_begin(std::size_t after) const {
    std::size_t i = skip_space(src_, after);
    if (src_.compare(i, 3, "raw") != 0) return std::string_view::npos;
    i = skip_space(src_, i + 3);
    if (src_.compare(i, 3, "-%}") == 0) return skip_space(src_, i + 3);
    if (src_.compare(i, 2, "%}") == 0) return i + 2;
    return std::string_view::npos;
  }

  std::size_t lex_raw(std::size_t tag_start, std::size_t body, bool line_starting) {
    for (std::size_t i = src_.find("{%", body); i != std::string::npos; i = src_.find("{%", i + 1)) {
      std::size_t j = i + 2;
      char sign = 0;
      if (j < src_.size() && (src_[j] == '-' || src_[j] == '+')) sign = src_[j++];
      j = skip_space(src_, j);
      if (src_.compare(j, 6, "endraw") != 0) continue;
      j = skip_space(src_, j + 6);
      std::size_t end;
      if (src_.compare(j, 3, "+%}") == 0) {
        end = j + 3;
      } else if (src_.compare(j, 3, "-%}") == 0) {
        end = skip_space(src_, j + 3);
      } else if (src_.compare(j, 2, "%}") == 0) {
        end = j + 2;
        if (end < src_.size() && src_[end] == '\n') ++end;
      } else {
        continue;
      }
      std::string_view text = std::string_view(src_).substr(body, i - body);
      emit_data(body, strip_before(text, sign, true, line_starting));
      return end;
    }
    fail(tag_start, "missing end of raw directive");
  }

  std::size_t lex_comment(std::size_t tag_start, std::size_t after, bool& line_starting) {
    for (std::size_t i = after; i < src_.size(); ++i) {
      std::size_t end = std::string::npos;
      if (src_.compare(i, 3, "+#}") == 0) {
        end = i + 3;
      } else if (src_.compare(i, 3, "-#}") == 0) {
        end = skip_space(src_, i + 3);
      } else if (src_.compare(i, 2, "#}") == 0) {
        end = i + 2;
        if (end < src_.size() && src_[end] == '\n') ++end;
      }
      if (end != std::string::npos) {
        line_starting = src_[end - 1] == '\n';
        return end;
      }
    }
    fail(tag_start, "missing end of comment tag");
  }

  // The inside of a {% %} or {{ }} tag, up to and including its end.
  std::size_t lex_tag(std::size_t tag_start, std::size_t pos, bool block, bool& line_starting) {
    emit(block ? Tok::kBlockBegin : Tok::kVarBegin, tag_start);
    std::vector<char> balance;
    const std::string_view s = src_;
    for (;;) {
      if (pos >= s.size())
        fail(tag_start, block ? "unexpected end of template: '{%' tag is never closed with '%}'"
                              : "unexpected end of template: '{{' tag is never closed with '}}'");
      if (balance.empty()) {
        std::size_t end = std::string::npos;
        if (block) {
          if (s.compare(pos, 3, "+%}") == 0) {
            end = pos + 3;
          } else if (s.compare(pos, 3, "-%}") == 0) {
            end = skip_space(s, pos + 3);
          } else if (s.compare(pos, 2, "%}") == 0) {
            end = pos + 2;
            if (end < s.size() && s[end] == '\n') ++end;  // trim_blocks
          }
        } else {
          if (s.compare(pos, 3, "-}}") == 0) {
            end = skip_space(s, pos + 3);
          } else if (s.compare(pos, 2, "}}") == 0) {
            end = pos + 2;
          }
        }
        if (end != std::string::npos) {
          emit(block ? Tok::kBlockEnd : Tok::kVarEnd, pos);
          line_starting = s[end - 1] == '\n';
          return end;
        }
      }
      std::size_t len = 0;
      if (is_space_at(s, pos, &len)) {
        pos += len;
        continue;
      }
      char c = s[pos];
      if (is_digit(c)) {
        pos = lex_number(pos);
        continue;
      }
      if (is_name_start(c)) {
        std::size_t e = pos;
        while (e < s.size() && is_name_char(s[e])) ++e;
        emit(Tok::kName, pos, std::string(s.substr(pos, e - pos)));
        pos = e;
        continue;
      }
      if (c == '\'' || c == '"') {
        pos = lex_string(pos);
        continue;
      }
      static const char* const kOps[] = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[",
                                         "]",  "(",  ")",  "{",  "}",  ">",  "<", "=", ".", ":", "|", ",", ";"};
      std::string op;
      for (const char* o : kOps) {
        if (s.compare(pos, std::char_traits<char>::length(o), o) == 0) {
          op = o;
          break;
        }
      }
      if (op.empty()) {
        std::size_t j = pos;
        std::string ch;
        append_utf8(ch, decode_utf8(s, j));
        fail(pos, "unexpected char " + string_repr(ch));
      }
      if (op == "(" || op == "[" || op == "{") {
        balance.push_back(op == "(" ? ')' : op == "[" ? ']' : '}');
      } else if (op == ")" || op == "]" || op == "}") {
        if (balance.empty()) fail(pos, "unexpected '" + op + "'");
        if (balance.back() != op[0]) fail(pos, "unexpected '" + op + "', expected '" + balance.back() + "'");
        balance.pop_back();
      }
      emit(Tok::kOp, pos, op);
      pos += op.size();
    }
  }

  std::size_t lex_number(std::size_t pos) {
    const std::string_view s = src_;
    auto digits = [&](std::size_t i, bool (*ok)(char)) {
      // (_?d)+ style runs with single underscores between digits
      while (i < s.size() && (ok(s[i]) || (s[i] == '_' && i + 1 < s.size() && ok(s[i + 1])))) ++i;
      return i;
    };
    auto dec = [](char c) { return c >= '0' && c <= '9'; };
    std::string clean;
    if (s[pos] == '0' && pos + 1 < s.size() && (s[pos + 1] == 'x' || s[pos + 1] == 'X' || s[pos + 1] == 'o' ||
                                                 s[pos + 1] == 'O' || s[pos + 1] == 'b' || s[pos + 1] == 'B')) {
      char base_ch = static_cast<char>(s[pos + 1] | 0x20);
      int base = base_ch == 'x' ? 16 : base_ch == 'o' ? 8 : 2;
      std::size_t i = pos + 2;
      std::int64_t v = 0;
      bool any = false;
      while (i < s.size()) {
        if (s[i] == '_') { ++i; continue; }
        int d = hex_value(s[i]);
        if (d < 0 || d >= base) break;
        if (v > (INT64_MAX - d) / base) fail(pos, "integer literal too large");
        v = v * base + d;
        any = true;
        ++i;
      }
      if (any) {
        Token tok;
        tok.kind = Tok::kInt;
        tok.int_value = v;
        tok.text = std::string(s.substr(pos, i - pos));
        tok.pos = pos_at(pos);
        tokens_.push_back(std::move(tok));
        return i;
      }
    }
    std::size_t i = digits(pos, dec);
    bool is_float = false;
    std::size_t j = i;
    if (j + 1 < s.size() && s[j] == '.' && dec(s[j + 1])) {
      j = digits(j + 1, dec);
      is_float = true;
    }
    if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
      if (k < s.size() && dec(s[k])) {
        j = digits(k, dec);
        is_float = true;
      }
    }
    if (is_float) i = j;
    for (std::size_t k = pos; k < i; ++k)
      if (s[k] != '_') clean += s[k];
    Token tok;
    tok.pos = pos_at(pos);
    tok.text = std::string(s.substr(pos, i - pos));
    if (is_float) {
      tok.kind = Tok::kFloat;
      tok.float_value = std::strtod(clean.c_str(), nullptr);
    } else {
      tok.kind = Tok::kInt;
      errno = 0;
      long long v = std::strtoll(clean.c_str(), nullptr, 10);
      if (errno == ERANGE) fail(pos, "integer literal too large");
      tok.int_value = v;
    }
    tokens_.push_back(std::move(tok));
    return i;
  }

  // Python's unicode-escape decoding of the literal's body (what Jinja2 does).
  std::size_t lex_string(std::size_t pos) {
    const std::string_view s = src_;
    char quote = s[pos];
    std::string out;
    std::size_t i = pos + 1;
    for (;;) {
      if (i >= s.size()) fail(pos, "unterminated string literal");
      char c = s[i];
      if (c == quote) break;
      if (c != '\\') {
        out += c;
        ++i;
        continue;
      }
      if (i + 1 >= s.size()) fail(pos, "unterminated string literal");
      char e = s[i + 1];
      i += 2;
      switch (e) {
        case '\n': break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x':
        case 'u':
        case 'U': {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          char32_t cp = 0;
          for (int k = 0; k < n; ++k) {
            int d = i < s.size() ? hex_value(s[i]) : -1;
            if (d < 0) fail(pos, std::string("truncated \\") + e + " escape in string literal");
            cp = cp * 16 + static_cast<char32_t>(d);
            ++i;
          }
          if (cp > 0x10FFFF) fail(pos, "illegal Unicode character in string literal");
          append_utf8(out, cp);
          break;
        }
        case 'N':
          fail(pos, "\\N{...} escapes are not supported");
        default:
          if (e >= '0' && e <= '7') {
            char32_t cp = static_cast<char32_t>(e - '0');
            for (int k = 0; k < 2 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++k, ++i) cp = cp * 8 + (s[i] - '0');
            append_utf8(out, cp);
          } else if (static_cast<unsigned char>(e) >= 0x80) {
            // Jinja2 backslash-replaces non-ASCII before decoding: "\é" stays "\xe9" literally.
            std::size_t j = i - 1;
            char32_t cp = decode_utf8(s, j);
            char buf[16];
            std::snprintf(buf, sizeof buf, cp < 0x100 ? "\\x%02x" : cp < 0x10000 ? "\\u%04x" : "\\U%08x",
                          static_cast<unsigned>(cp));
            out += buf;
            i = j;
          } else {
            out += '\\';
            out += e;
          }
      }
    }
    Token tok;
    tok.kind = Tok::kString;
    tok.text = std::move(out);
    tok.pos = pos_at(pos);
    tokens_.push_back(std::move(tok));
    return i + 1;
  }

  std::string src_;
  std::vector<std::size_t> line_starts_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

}  // namespace tunesmith::text::jinja
