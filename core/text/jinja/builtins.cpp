// The built-ins a chat template can call: Jinja2's filters and tests, the Python methods of
// str, dict and list that templates use, the globals transformers provides
// (raise_exception, strftime_now) plus Jinja2's (range, namespace, dict), Python's
// operators, and the sandbox's attribute and item access.
#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <limits>
#include <unordered_map>

#include "core/text/jinja/interpreter.h"

namespace tunesmith::text::jinja {
namespace {

constexpr std::int64_t kMaxRange = 100000;  // Jinja2 sandbox's MAX_RANGE

[[noreturn]] void type_error(const std::string& message) { throw ValueError(message); }

[[noreturn]] void undefined_error(const Value& v) {
  throw ValueError(v.undefined_hint().empty() ? std::string("value is undefined")
                                              : "'" + v.undefined_hint() + "' is undefined");
}

// Reads a built-in's arguments by position or name, as Python binds them.
class Args {
 public:
  Args(CallArgs& a, std::string fname) : a_(a), fname_(std::move(fname)) {}
  bool has(std::size_t i, const char* name) const { return find(i, name) != nullptr; }
  Value get(std::size_t i, const char* name, Value fallback = Value::none()) const {
    const Value* v = find(i, name);
    return v ? *v : fallback;
  }
  Value require(std::size_t i, const char* name) const {
    const Value* v = find(i, name);
    if (!v) type_error(fname_ + "() missing required argument '" + name + "'");
    return *v;
  }
  std::string get_str(std::size_t i, const char* name, const std::string& fallback) const {
    const Value* v = find(i, name);
    if (!v || v->is_none()) return fallback;
    if (!v->is_string()) type_error(fname_ + "() argument '" + name + "' must be str, not " + v->type_name());
    return v->str();
  }
  std::int64_t get_int(std::size_t i, const char* name, std::int64_t fallback) const {
    const Value* v = find(i, name);
    if (!v || v->is_none()) return fallback;
    if (!v->is_int() && !v->is_bool()) type_error(fname_ + "() argument '" + name + "' must be int, not " + v->type_name());
    return v->as_int();
  }
  bool get_bool(std::size_t i, const char* name, bool fallback) const {
    const Value* v = find(i, name);
    return v ? v->truthy() : fallback;
  }
  std::size_t positional() const { return a_.positional.size(); }
  CallArgs& raw() { return a_; }

 private:
  const Value* find(std::size_t i, const char* name) const {
    if (i < a_.positional.size()) return &a_.positional[i];
    for (const auto& [k, v] : a_.named)
      if (k == name) return &v;
    return nullptr;
  }
  CallArgs& a_;
  std::string fname_;
};

const std::string& need_str(const Value& v, const char* what) {
  if (v.is_undefined()) undefined_error(v);
  if (!v.is_string()) type_error(std::string(what) + " requires a str, not '" + v.type_name() + "'");
  return v.str();
}

// ---- unicode string helpers ----

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out += decode_utf8(s, i);
  return out;
}

char32_t to_upper(char32_t c) { return c < 0x80 ? (c >= 'a' && c <= 'z' ? c - 32 : c) : static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c))); }
char32_t to_lower(char32_t c) { return c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))); }
char32_t to_title(char32_t c) { return c < 0x80 ? to_upper(c) : static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(c))); }
bool is_cased(char32_t c) { return to_upper(c) != c || to_lower(c) != c || utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_LT; }
bool is_alpha(char32_t c) {
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}
bool is_digit(char32_t c) { return utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_ND; }

std::string map_chars(std::string_view s, char32_t (*f)(char32_t)) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) append_utf8(out, f(decode_utf8(s, i)));
  return out;
}

// Python str.upper(): simple mappings plus the one full mapping chat text meets (ß -> SS).
std::string py_upper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = decode_utf8(s, i);
    if (c == 0xDF) out += "SS";
    else append_utf8(out, to_upper(c));
  }
  return out;
}

std::string py_title(std::string_view s) {
  std::string out;
  bool prev_cased = false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = decode_utf8(s, i);
    append_utf8(out, prev_cased ? to_lower(c) : to_title(c));
    prev_cased = is_cased(c);
  }
  return out;
}

std::string py_capitalize(std::string_view s) {
  std::string out;
  bool first = true;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = decode_utf8(s, i);
    append_utf8(out, first ? to_title(c) : to_lower(c));
    first = false;
  }
  return out;
}

// str.strip family: `chars` (None means whitespace); keeps origins.
Value py_strip(const Value& s, const Value& chars, bool left, bool right) {
  const std::string& t = s.str();
  std::u32string set;
  bool ws = chars.is_none() || chars.is_undefined();
  if (!ws) set = to_u32(need_str(chars, "strip()"));
  auto strip_it = [&](char32_t c) { return ws ? py_isspace(c) : set.find(c) != std::u32string::npos; };
  std::size_t begin = 0;
  std::size_t end = t.size();
  if (left) {
    while (begin < end) {
      std::size_t j = begin;
      if (!strip_it(decode_utf8(t, j))) break;
      begin = j;
    }
  }
  if (right) {
    while (end > begin) {
      std::size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(t[start]) & 0xC0) == 0x80) --start;
      std::size_t j = start;
      if (!strip_it(decode_utf8(t, j))) break;
      end = start;
    }
  }
  return substring(s, begin, end);
}

Value py_split(const Value& s, const Value& sep, std::int64_t maxsplit, bool from_right) {
  const std::string& t = s.str();
  std::vector<Value> parts;
  if (sep.is_none() || sep.is_undefined()) {
    // Runs of whitespace; leading/trailing whitespace ignored.
    std::vector<std::pair<std::size_t, std::size_t>> words;
    std::size_t i = 0;
    while (i < t.size()) {
      std::size_t j = i;
      if (py_isspace(decode_utf8(t, j))) {
        i = j;
        continue;
      }
      std::size_t start = i;
      while (i < t.size()) {
        std::size_t k = i;
        if (py_isspace(decode_utf8(t, k))) break;
        i = k;
      }
      words.emplace_back(start, i);
    }
    if (maxsplit >= 0 && static_cast<std::int64_t>(words.size()) > maxsplit + 1) {
      // The remainder (from the first unsplit word to the end, right-stripped) stays whole.
      if (!from_right) {
        auto n = static_cast<std::size_t>(maxsplit);
        for (std::size_t w = 0; w < n; ++w) parts.push_back(substring(s, words[w].first, words[w].second));
        Value rest = py_strip(substring(s, words[n].first, t.size()), Value::none(), false, true);
        parts.push_back(rest);
      } else {
        auto n = static_cast<std::size_t>(maxsplit);
        std::size_t first_kept = words.size() - n;
        parts.push_back(py_strip(substring(s, 0, words[first_kept - 1].second), Value::none(), true, false));
        for (std::size_t w = first_kept; w < words.size(); ++w)
          parts.push_back(substring(s, words[w].first, words[w].second));
      }
    } else {
      for (auto [b, e] : words) parts.push_back(substring(s, b, e));
    }
    return Value::list(std::move(parts));
  }
  const std::string& d = need_str(sep, "split()");
  if (d.empty()) type_error("empty separator");
  std::vector<std::size_t> cuts;  // start offsets of separators used
  if (!from_right) {
    std::size_t pos = 0;
    while ((maxsplit < 0 || static_cast<std::int64_t>(cuts.size()) < maxsplit)) {
      std::size_t f = t.find(d, pos);
      if (f == std::string::npos) break;
      cuts.push_back(f);
      pos = f + d.size();
    }
  } else {
    std::size_t end = t.size();
    while ((maxsplit < 0 || static_cast<std::int64_t>(cuts.size()) < maxsplit) && end >= d.size()) {
      std::size_t f = t.rfind(d, end - d.size());
      if (f == std::string::npos) break;
      cuts.push_back(f);
      if (f < d.size()) {
        if (f == 0) break;
      }
      end = f;
      if (end < d.size()) break;
    }
    std::reverse(cuts.begin(), cuts.end());
  }
  std::size_t start = 0;
  for (std::size_t c : cuts) {
    parts.push_back(substring(s, start, c));
    start = c + d.size();
  }
  parts.push_back(substring(s, start, t.size()));
  return Value::list(std::move(parts));
}

Value py_replace(const Value& s, const std::string& old, const std::string& repl, std::int64_t count, Interpreter& in) {
  const std::string& t = s.str();
  std::string out;
  std::int64_t done = 0;
  if (old.empty()) {
    // Python inserts `repl` before every character and at the end.
    std::size_t i = 0;
    while (i <= t.size()) {
      if (count >= 0 && done >= count) {
        out += t.substr(i);
        break;
      }
      out += repl;
      ++done;
      if (i == t.size()) break;
      std::size_t j = i;
      decode_utf8(t, j);
      out += t.substr(i, j - i);
      i = j;
      in.check_size(out.size());
    }
    return Value(std::move(out));
  }
  std::size_t pos = 0;
  for (;;) {
    if (count >= 0 && done >= count) break;
    std::size_t f = t.find(old, pos);
    if (f == std::string::npos) break;
    out += t.substr(pos, f - pos);
    out += repl;
    in.check_size(out.size());
    pos = f + old.size();
    ++done;
  }
  if (done == 0) return s;
  out += t.substr(pos);
  return Value(std::move(out));
}

// Python's printf-style `fmt % args`.
std::string percent_format(const std::string& fmt, const Value& rhs) {
  std::vector<Value> args;
  const DictData* mapping = nullptr;
  if (rhs.is_tuple()) args = rhs.items();
  else if (rhs.is_dict()) mapping = rhs.dict_data().get();
  else args.push_back(rhs);
  std::size_t next = 0;
  std::string out;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) type_error("incomplete format");
    const Value* arg = nullptr;
    if (fmt[i] == '(') {
      std::size_t close = fmt.find(')', i);
      if (close == std::string::npos || !mapping) type_error("format requires a mapping");
      arg = mapping->find(fmt.substr(i + 1, close - i - 1));
      if (!arg) type_error("KeyError: " + fmt.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    std::string flags;
    while (i < fmt.size() && std::string("-+ #0").find(fmt[i]) != std::string::npos) flags += fmt[i++];
    std::string width;
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) width += fmt[i++];
    std::string prec;
    if (i < fmt.size() && fmt[i] == '.') {
      prec = ".";
      ++i;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) prec += fmt[i++];
    }
    if (i >= fmt.size()) type_error("incomplete format");
    char conv = fmt[i];
    if (conv == '%') {
      out += '%';
      continue;
    }
    if (!arg) {
      if (mapping) {
        if (next >= 1) type_error("not enough arguments for format string");
        arg = &rhs;
        ++next;
      } else {
        if (next >= args.size()) type_error("not enough arguments for format string");
        arg = &args[next++];
      }
    }
    std::string piece;
    std::string spec = "%" + flags + width + prec;
    char buf[512];
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        piece = conv == 's' ? arg->to_str() : arg->repr();
        if (arg->is_undefined() && conv == 's') piece = "";
        if (prec.size() > 1) {
          auto cps = char_starts(piece);
          auto n = static_cast<std::size_t>(std::stoll(prec.substr(1)));
          if (n < cps.size()) piece = piece.substr(0, cps[n]);
        }
        if (!width.empty()) {
          auto w = static_cast<std::size_t>(std::stoll(width));
          std::size_t len = char_starts(piece).size();
          if (len < w) {
            std::string pad(w - len, ' ');
            piece = flags.find('-') != std::string::npos ? piece + pad : pad + piece;
          }
        }
        break;
      }
      case 'd':
      case 'i':
      case 'u': {
        if (!arg->is_number()) type_error(std::string("%") + conv + " format: a real number is required, not " + arg->type_name());
        long long v = arg->is_float() ? static_cast<long long>(arg->as_float()) : arg->as_int();
        std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), v);
        piece = buf;
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        if (!arg->is_int() && !arg->is_bool()) type_error(std::string("%") + conv + " format: an integer is required");
        std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), static_cast<long long>(arg->as_int()));
        piece = buf;
        break;
      }
      case 'c': {
        if (arg->is_string()) piece = arg->str();
        else append_utf8(piece, static_cast<char32_t>(arg->as_int()));
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (!arg->is_number()) type_error(std::string("must be real number, not ") + arg->type_name());
        std::snprintf(buf, sizeof buf, (spec + conv).c_str(), arg->as_float());
        piece = buf;
        break;
      }
      default:
        type_error(std::string("unsupported format character '") + conv + "'");
    }
    out += piece;
  }
  if (!mapping && next < args.size()) type_error("not all arguments converted during string formatting");
  return out;
}

// Python's str.format for {} / {0} / {name} fields (no format specs beyond !r and !s).
std::string brace_format(const std::string& fmt, CallArgs& a) {
  std::string out;
  std::size_t auto_index = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      out += '}';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    std::size_t close = fmt.find('}', i);
    if (close == std::string::npos) type_error("Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, close - i - 1);
    bool as_repr = false;
    if (auto bang = field.find('!'); bang != std::string::npos) {
      as_repr = field.substr(bang + 1) == "r";
      field = field.substr(0, bang);
    }
    if (field.find(':') != std::string::npos) type_error("format specs in str.format are not supported");
    const Value* v = nullptr;
    if (field.empty() || std::isdigit(static_cast<unsigned char>(field[0]))) {
      std::size_t idx = field.empty() ? auto_index++ : static_cast<std::size_t>(std::stoul(field));
      if (idx >= a.positional.size()) type_error("Replacement index " + std::to_string(idx) + " out of range");
      v = &a.positional[idx];
    } else {
      for (const auto& [k, val] : a.named)
        if (k == field) v = &val;
      if (!v) type_error("KeyError: '" + field + "'");
    }
    out += as_repr ? v->repr() : v->to_str();
    i = close;
  }
  return out;
}

std::int64_t char_index(const std::string& s, std::size_t byte) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < byte && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

bool starts_or_ends(const Value& s, const Value& what, bool start) {
  auto check = [&](const Value& p) {
    const std::string& t = s.str();
    const std::string& x = need_str(p, start ? "startswith()" : "endswith()");
    if (x.size() > t.size()) return false;
    return start ? t.compare(0, x.size(), x) == 0 : t.compare(t.size() - x.size(), x.size(), x) == 0;
  };
  if (what.is_tuple()) {
    for (const auto& p : what.items())
      if (check(p)) return true;
    return false;
  }
  return check(what);
}

Value string_method(const Value& self, const std::string& name, CallArgs& ca, Interpreter& in) {
  Args a(ca, name);
  const std::string& s = self.str();
  if (name == "strip") return py_strip(self, a.get(0, "chars"), true, true);
  if (name == "lstrip") return py_strip(self, a.get(0, "chars"), true, false);
  if (name == "rstrip") return py_strip(self, a.get(0, "chars"), false, true);
  if (name == "split" || name == "rsplit")
    return py_split(self, a.get(0, "sep"), a.get_int(1, "maxsplit", -1), name == "rsplit");
  if (name == "startswith") return Value(starts_or_ends(self, a.require(0, "prefix"), true));
  if (name == "endswith") return Value(starts_or_ends(self, a.require(0, "suffix"), false));
  if (name == "upper") return Value(py_upper(s));
  if (name == "lower") return Value(map_chars(s, to_lower));
  if (name == "title") return Value(py_title(s));
  if (name == "capitalize") return Value(py_capitalize(s));
  if (name == "replace")
    return py_replace(self, need_str(a.require(0, "old"), "replace()"), need_str(a.require(1, "new"), "replace()"),
                      a.get_int(2, "count", -1), in);
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
    const std::string& sub = need_str(a.require(0, "sub"), name.c_str());
    std::size_t f = name[0] == 'r' ? s.rfind(sub) : s.find(sub);
    if (f == std::string::npos) {
      if (name == "index" || name == "rindex") type_error("substring not found");
      return Value(-1);
    }
    return Value(char_index(s, f));
  }
  if (name == "count") {
    const std::string& sub = need_str(a.require(0, "sub"), "count()");
    if (sub.empty()) return Value(self.length() + 1);
    std::int64_t n = 0;
    for (std::size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size())) ++n;
    return Value(n);
  }
  if (name == "join") {
    StringBuilder sb;
    bool first = true;
    for (const auto& item : a.require(0, "iterable").iterate()) {
      if (!first) sb.append(self);
      first = false;
      need_str(item, "join()");
      sb.append(item);
      in.check_size(sb.size());
    }
    return sb.build();
  }
  if (name == "format") return Value(brace_format(s, ca));
  if (name == "removeprefix" || name == "removesuffix") {
    const std::string& x = need_str(a.require(0, "fix"), name.c_str());
    if (name == "removeprefix" && s.compare(0, x.size(), x) == 0 && x.size() <= s.size())
      return substring(self, x.size(), s.size());
    if (name == "removesuffix" && !x.empty() && x.size() <= s.size() && s.compare(s.size() - x.size(), x.size(), x) == 0)
      return substring(self, 0, s.size() - x.size());
    return self;
  }
  if (name == "splitlines") {
    std::vector<Value> lines;
    bool keep = a.get_bool(0, "keepends", false);
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size();) {
      std::size_t j = i;
      char32_t c = decode_utf8(s, j);
      bool br = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
                c == 0x85 || c == 0x2028 || c == 0x2029;
      if (br) {
        std::size_t end = j;
        if (c == '\r' && j < s.size() && s[j] == '\n') ++end;
        lines.push_back(substring(self, start, keep ? end : i));
        start = end;
        j = end;
      }
      i = j;
    }
    if (start < s.size()) lines.push_back(substring(self, start, s.size()));
    return Value::list(std::move(lines));
  }
  if (name == "partition" || name == "rpartition") {
    const std::string& sep = need_str(a.require(0, "sep"), name.c_str());
    if (sep.empty()) type_error("empty separator");
    std::size_t f = name == "partition" ? s.find(sep) : s.rfind(sep);
    if (f == std::string::npos) {
      if (name == "partition") return Value::list({self, Value(""), Value("")}, true);
      return Value::list({Value(""), Value(""), self}, true);
    }
    return Value::list({substring(self, 0, f), Value(sep), substring(self, f + sep.size(), s.size())}, true);
  }
  auto all_chars = [&](bool (*pred)(char32_t)) {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size();)
      if (!pred(decode_utf8(s, i))) return false;
    return true;
  };
  if (name == "isspace") return Value(all_chars(py_isspace));
  if (name == "isalpha") return Value(all_chars(is_alpha));
  if (name == "isdigit" || name == "isnumeric" || name == "isdecimal") return Value(all_chars(is_digit));
  if (name == "isalnum") return Value(all_chars([](char32_t c) { return is_alpha(c) || is_digit(c); }));
  if (name == "isupper" || name == "islower") {
    bool any_cased = false;
    for (std::size_t i = 0; i < s.size();) {
      char32_t c = decode_utf8(s, i);
      if (!is_cased(c)) continue;
      any_cased = true;
      if (name == "isupper" ? to_upper(c) != c : to_lower(c) != c) return Value(false);
    }
    return Value(any_cased);
  }
  if (name == "zfill" || name == "ljust" || name == "rjust" || name == "center") {
    std::int64_t width = a.get_int(0, "width", 0);
    std::string fill = name == "zfill" ? "0" : a.get_str(1, "fillchar", " ");
    std::int64_t len = self.length();
    if (width <= len) return self;
    in.check_size(static_cast<std::size_t>(width) * fill.size());
    std::int64_t pad = width - len;
    auto rep = [&](std::int64_t n) {
      std::string r;
      for (std::int64_t k = 0; k < n; ++k) r += fill;
      return r;
    };
    if (name == "ljust") return Value(s + rep(pad));
    if (name == "rjust") return Value(rep(pad) + s);
    if (name == "zfill") {
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) return Value(s.substr(0, 1) + rep(pad) + s.substr(1));
      return Value(rep(pad) + s);
    }
    std::int64_t left = pad / 2 + (pad & width & 1);
    return Value(rep(left) + s + rep(pad - left));
  }
  type_error("'str' object has no attribute '" + name + "'");
}

const char* const kStringMethods[] = {
    "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith", "upper", "lower", "title",
    "capitalize", "replace", "find", "rfind", "index", "rindex", "count", "join", "format", "removeprefix",
    "removesuffix", "splitlines", "partition", "rpartition", "isspace", "isalpha", "isdigit", "isnumeric",
    "isdecimal", "isalnum", "isupper", "islower", "zfill", "ljust", "rjust", "center"};

Value items_of(const Value& v) {
  std::vector<Value> out;
  for (const auto& [k, val] : v.dict_data()->items) out.push_back(Value::list({Value(k), val}, true));
  return Value::list(std::move(out));
}

Value dict_method(const Value& self, const std::string& name, CallArgs& ca) {
  Args a(ca, name);
  if (name == "items") return items_of(self);
  if (name == "keys") return Value::list(self.iterate());
  if (name == "values") {
    std::vector<Value> out;
    for (const auto& kv : self.dict_data()->items) out.push_back(kv.second);
    return Value::list(std::move(out));
  }
  if (name == "get") {
    Value key = a.require(0, "key");
    if (key.is_string())
      if (const Value* v = self.dict_data()->find(key.str())) return *v;
    return a.get(1, "default", Value::none());
  }
  if (name == "copy") {
    auto d = std::make_shared<DictData>(*self.dict_data());
    d->is_namespace = false;
    return Value::dict(std::move(d));
  }
  type_error("'dict' object has no attribute '" + name + "'");
}

Value list_method(const Value& self, const std::string& name, CallArgs& ca) {
  Args a(ca, name);
  Value x = a.require(0, "value");
  const auto& items = self.items();
  if (name == "count") return Value(static_cast<std::int64_t>(std::count(items.begin(), items.end(), x)));
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i] == x) return Value(static_cast<std::int64_t>(i));
  type_error(x.repr() + " is not in list");
}

// ---- filters ----

using FilterFn = std::function<Value(Interpreter&, const Value&, Args&)>;
using TestFn = std::function<bool(Interpreter&, const Value&, Args&)>;

Value attribute_path(const Value& item, const Value& attr) {
  if (attr.is_int()) return get_item(item, attr);
  Value v = item;
  std::string path = attr.to_str();
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    v = numeric ? get_item(v, Value(static_cast<std::int64_t>(std::stoll(part)))) : get_item(v, Value(part));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return v;
}

bool sort_less(const Value& a, const Value& b, bool case_sensitive) {
  if (!case_sensitive && a.is_string() && b.is_string())
    return map_chars(a.str(), to_lower) < map_chars(b.str(), to_lower);
  return Value::less(a, b);
}

// select/reject/selectattr/rejectattr: test name and its arguments after `skip` leading args.
std::vector<Value> select_items(Interpreter& in, const Value& seq, Args& a, std::size_t skip, bool want, bool by_attr) {
  CallArgs& raw = a.raw();
  Value attr = by_attr ? a.require(0, "attribute") : Value();
  std::string test_name;
  CallArgs test_args;
  if (raw.positional.size() > skip) {
    test_name = need_str(raw.positional[skip], "select()");
    test_args.positional.assign(raw.positional.begin() + static_cast<std::ptrdiff_t>(skip) + 1, raw.positional.end());
  }
  for (const auto& [k, v] : raw.named)
    if (k != "attribute") test_args.named.emplace_back(k, v);
  std::vector<Value> out;
  for (const auto& item : seq.iterate()) {
    Value subject = by_attr ? attribute_path(item, attr) : item;
    bool ok;
    if (test_name.empty()) {
      ok = subject.truthy();
    } else {
      CallArgs copy = test_args;
      ok = in.test(test_name, subject, copy);
    }
    if (ok == want) out.push_back(item);
  }
  return out;
}

Value tojson_filter(Interpreter& in, const Value& v, Args& a) {
  Value indent = a.get(1, "indent");
  int n = -1;
  std::string indent_str;
  if (indent.is_int()) n = static_cast<int>(std::clamp<std::int64_t>(indent.as_int(), -1, 64));
  else if (indent.is_string()) indent_str = indent.str();
  bool pretty = n >= 0 || indent.is_string();
  if (indent.is_int() && indent.as_int() < 0) {
    n = 0;  // Python: a negative indent means newlines with no indentation
    pretty = true;
  }
  std::string item_sep = pretty ? "," : ", ";
  std::string key_sep = ": ";
  Value seps = a.get(2, "separators");
  if (seps.is_list() && seps.items().size() == 2) {
    item_sep = need_str(seps.items()[0], "tojson separators");
    key_sep = need_str(seps.items()[1], "tojson separators");
  }
  std::string out = to_json(v, pretty && indent_str.empty() ? n : (indent_str.empty() ? -1 : 0), indent_str, item_sep,
                            key_sep, a.get_bool(3, "sort_keys", false));
  in.check_size(out.size());
  return Value(std::move(out));
}

const std::unordered_map<std::string, FilterFn>& filters() {
  static const std::unordered_map<std::string, FilterFn> table = [] {
    std::unordered_map<std::string, FilterFn> t;
    t["trim"] = [](Interpreter&, const Value& v, Args& a) {
      Value s = v.as_string_value();
      return py_strip(s, a.get(0, "chars"), true, true);
    };
    t["length"] = [](Interpreter&, const Value& v, Args&) { return Value(v.length()); };
    t["count"] = t["length"];
    t["tojson"] = tojson_filter;
    t["items"] = [](Interpreter&, const Value& v, Args&) {
      if (v.is_undefined()) return Value::list({});
      if (!v.is_dict() || v.is_namespace()) type_error("Can only get item pairs from a mapping.");
      return items_of(v);
    };
    t["join"] = [](Interpreter& in, const Value& v, Args& a) {
      Value sep = a.get(0, "d", Value("")).as_string_value();
      Value attr = a.get(1, "attribute");
      StringBuilder sb;
      bool first = true;
      for (const auto& item : v.iterate()) {
        if (!first) sb.append(sep);
        first = false;
        sb.append((attr.is_none() ? item : attribute_path(item, attr)).as_string_value());
        in.check_size(sb.size());
      }
      return sb.build();
    };
    t["select"] = [](Interpreter& in, const Value& v, Args& a) { return Value::list(select_items(in, v, a, 0, true, false)); };
    t["reject"] = [](Interpreter& in, const Value& v, Args& a) { return Value::list(select_items(in, v, a, 0, false, false)); };
    t["selectattr"] = [](Interpreter& in, const Value& v, Args& a) { return Value::list(select_items(in, v, a, 1, true, true)); };
    t["rejectattr"] = [](Interpreter& in, const Value& v, Args& a) { return Value::list(select_items(in, v, a, 1, false, true)); };
    t["map"] = [](Interpreter& in, const Value& v, Args& a) {
      CallArgs& raw = a.raw();
      std::vector<Value> out;
      if (raw.positional.empty()) {
        Value attr = a.require(99, "attribute");
        Value def = a.get(99, "default", Value::undefined());
        for (const auto& item : v.iterate()) {
          Value x = attribute_path(item, attr);
          out.push_back(x.is_undefined() && !def.is_undefined() ? def : x);
        }
      } else {
        std::string fname = need_str(raw.positional[0], "map()");
        CallArgs rest;
        rest.positional.assign(raw.positional.begin() + 1, raw.positional.end());
        rest.named = raw.named;
        for (const auto& item : v.iterate()) {
          CallArgs copy = rest;
          out.push_back(in.filter(fname, item, copy));
        }
      }
      return Value::list(std::move(out));
    };
    t["default"] = [](Interpreter&, const Value& v, Args& a) {
      bool boolean = a.get_bool(1, "boolean", false);
      if (v.is_undefined() || (boolean && !v.truthy())) return a.get(0, "default_value", Value(""));
      return v;
    };
    t["d"] = t["default"];
    t["replace"] = [](Interpreter& in, const Value& v, Args& a) {
      Value s = v.as_string_value();
      return py_replace(s, a.require(0, "old").to_str(), a.require(1, "new").to_str(), a.get_int(2, "count", -1), in);
    };
    t["lower"] = [](Interpreter&, const Value& v, Args&) { return Value(map_chars(v.to_str(), to_lower)); };
    t["upper"] = [](Interpreter&, const Value& v, Args&) { return Value(py_upper(v.to_str())); };
    t["title"] = [](Interpreter&, const Value& v, Args&) { return Value(py_title(v.to_str())); };
    t["capitalize"] = [](Interpreter&, const Value& v, Args&) { return Value(py_capitalize(v.to_str())); };
    t["string"] = [](Interpreter&, const Value& v, Args&) { return v.as_string_value(); };
    t["safe"] = [](Interpreter&, const Value& v, Args&) { return v.as_string_value(); };
    t["e"] = [](Interpreter&, const Value& v, Args&) {
      std::string out;
      for (char c : v.to_str()) {
        switch (c) {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '"': out += "&#34;"; break;
          case '\'': out += "&#39;"; break;
          default: out += c;
        }
      }
      return Value(out);
    };
    t["escape"] = t["e"];
    t["list"] = [](Interpreter&, const Value& v, Args&) { return Value::list(v.iterate()); };
    t["first"] = [](Interpreter&, const Value& v, Args&) {
      auto items = v.iterate();
      return items.empty() ? Value::undefined("first of empty sequence") : items.front();
    };
    t["last"] = [](Interpreter&, const Value& v, Args&) {
      auto items = v.iterate();
      return items.empty() ? Value::undefined("last of empty sequence") : items.back();
    };
    t["reverse"] = [](Interpreter&, const Value& v, Args&) {
      if (v.is_string()) return slice(v, Value::none(), Value::none(), Value(-1));
      auto items = v.iterate();
      std::reverse(items.begin(), items.end());
      return Value::list(std::move(items));
    };
    t["int"] = [](Interpreter&, const Value& v, Args& a) {
      Value def = a.get(0, "default", Value(0));
      if (v.is_int() || v.is_bool()) return Value(v.as_int());
      if (v.is_float()) return Value(static_cast<std::int64_t>(v.as_float()));
      if (v.is_string()) {
        std::string s = py_strip(v, Value::none(), true, true).str();
        try {
          std::size_t used = 0;
          long long n = std::stoll(s, &used, static_cast<int>(a.get_int(1, "base", 10)));
          if (used == s.size()) return Value(static_cast<std::int64_t>(n));
          double f = std::stod(s, &used);
          if (used == s.size()) return Value(static_cast<std::int64_t>(f));
        } catch (const std::exception&) {
        }
      }
      return def;
    };
    t["float"] = [](Interpreter&, const Value& v, Args& a) {
      Value def = a.get(0, "default", Value(0.0));
      if (v.is_number()) return Value(v.as_float());
      if (v.is_string()) {
        try {
          std::size_t used = 0;
          std::string s = py_strip(v, Value::none(), true, true).str();
          double f = std::stod(s, &used);
          if (used == s.size()) return Value(f);
        } catch (const std::exception&) {
        }
      }
      return def;
    };
    t["abs"] = [](Interpreter&, const Value& v, Args&) {
      if (v.is_float()) return Value(std::fabs(v.as_float()));
      if (v.is_number()) return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
      type_error(std::string("bad operand type for abs(): '") + v.type_name() + "'");
    };
    t["round"] = [](Interpreter&, const Value& v, Args& a) {
      std::int64_t precision = a.get_int(0, "precision", 0);
      std::string method = a.get_str(1, "method", "common");
      double scale = std::pow(10.0, static_cast<double>(precision));
      double x = v.as_float() * scale;
      double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::round(x);
      return Value(r / scale);
    };
    t["indent"] = [](Interpreter&, const Value& v, Args& a) {
      Value w = a.get(0, "width", Value(4));
      std::string pad = w.is_string() ? w.str() : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, w.as_int())), ' ');
      bool first = a.get_bool(1, "first", false);
      bool blank = a.get_bool(2, "blank", false);
      std::string s = v.to_str();
      std::vector<std::string> lines;
      for (std::size_t start = 0;;) {
        std::size_t nl = s.find('\n', start);
        lines.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      std::string out = lines[0];
      for (std::size_t i = 1; i < lines.size(); ++i) out += "\n" + ((blank || !lines[i].empty()) ? pad : "") + lines[i];
      return Value(first ? pad + out : out);
    };
    t["unique"] = [](Interpreter&, const Value& v, Args& a) {
      bool cs = a.get_bool(0, "case_sensitive", false);
      Value attr = a.get(1, "attribute");
      std::vector<Value> out;
      std::vector<Value> seen;
      for (const auto& item : v.iterate()) {
        Value key = attr.is_none() ? item : attribute_path(item, attr);
        if (!cs && key.is_string()) key = Value(map_chars(key.str(), to_lower));
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        out.push_back(item);
      }
      return Value::list(std::move(out));
    };
    t["sort"] = [](Interpreter&, const Value& v, Args& a) {
      bool reverse = a.get_bool(0, "reverse", false);
      bool cs = a.get_bool(1, "case_sensitive", false);
      Value attr = a.get(2, "attribute");
      auto items = v.iterate();
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        Value kx = attr.is_none() ? x : attribute_path(x, attr);
        Value ky = attr.is_none() ? y : attribute_path(y, attr);
        return reverse ? sort_less(ky, kx, cs) : sort_less(kx, ky, cs);
      });
      return Value::list(std::move(items));
    };
    t["dictsort"] = [](Interpreter&, const Value& v, Args& a) {
      if (!v.is_dict()) type_error("dictsort() requires a dict");
      bool cs = a.get_bool(0, "case_sensitive", false);
      std::string by = a.get_str(1, "by", "key");
      bool reverse = a.get_bool(2, "reverse", false);
      auto items = items_of(v).items();
      std::size_t idx = by == "value" ? 1 : 0;
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        return reverse ? sort_less(y.items()[idx], x.items()[idx], cs) : sort_less(x.items()[idx], y.items()[idx], cs);
      });
      return Value::list(std::move(items));
    };
    t["sum"] = [](Interpreter& in, const Value& v, Args& a) {
      Value attr = a.get(0, "attribute");
      Value total = a.get(1, "start", Value(0));
      for (const auto& item : v.iterate()) total = binary_op("+", total, attr.is_none() ? item : attribute_path(item, attr), in);
      return total;
    };
    auto minmax = [](bool want_max) {
      return [want_max](Interpreter&, const Value& v, Args& a) {
        bool cs = a.get_bool(0, "case_sensitive", false);
        Value attr = a.get(1, "attribute");
        auto items = v.iterate();
        if (items.empty()) return Value::undefined("no items in sequence");
        Value best = items[0];
        for (std::size_t i = 1; i < items.size(); ++i) {
          Value kb = attr.is_none() ? best : attribute_path(best, attr);
          Value ki = attr.is_none() ? items[i] : attribute_path(items[i], attr);
          if (want_max ? sort_less(kb, ki, cs) : sort_less(ki, kb, cs)) best = items[i];
        }
        return best;
      };
    };
    t["max"] = minmax(true);
    t["min"] = minmax(false);
    t["wordcount"] = [](Interpreter&, const Value& v, Args&) {
      return Value(static_cast<std::int64_t>(py_split(v.as_string_value(), Value::none(), -1, false).items().size()));
    };
    t["format"] = [](Interpreter&, const Value& v, Args& a) {
      CallArgs& raw = a.raw();
      if (!raw.named.empty()) {
        auto d = std::make_shared<DictData>();
        for (const auto& [k, x] : raw.named) d->set(k, x);
        return Value(percent_format(v.to_str(), Value::dict(d)));
      }
      return Value(percent_format(v.to_str(), Value::list(raw.positional, true)));
    };
    t["attr"] = [](Interpreter&, const Value& v, Args& a) { return get_attr(v, a.require(0, "name").to_str()); };
    t["center"] = [](Interpreter& in, const Value& v, Args& a) {
      CallArgs ca;
      ca.positional.push_back(Value(a.get_int(0, "width", 80)));
      return string_method(v.as_string_value(), "center", ca, in);
    };
    return t;
  }();
  return table;
}

// ---- tests ----

const std::unordered_map<std::string, TestFn>& tests() {
  static const std::unordered_map<std::string, TestFn> table = [] {
    std::unordered_map<std::string, TestFn> t;
    t["defined"] = [](Interpreter&, const Value& v, Args&) { return !v.is_undefined(); };
    t["undefined"] = [](Interpreter&, const Value& v, Args&) { return v.is_undefined(); };
    t["none"] = [](Interpreter&, const Value& v, Args&) { return v.is_none(); };
    t["boolean"] = [](Interpreter&, const Value& v, Args&) { return v.is_bool(); };
    t["false"] = [](Interpreter&, const Value& v, Args&) { return v.is_bool() && !v.as_bool(); };
    t["true"] = [](Interpreter&, const Value& v, Args&) { return v.is_bool() && v.as_bool(); };
    t["integer"] = [](Interpreter&, const Value& v, Args&) { return v.is_int(); };
    t["float"] = [](Interpreter&, const Value& v, Args&) { return v.is_float(); };
    t["number"] = [](Interpreter&, const Value& v, Args&) { return v.is_number(); };
    t["string"] = [](Interpreter&, const Value& v, Args&) { return v.is_string(); };
    t["mapping"] = [](Interpreter&, const Value& v, Args&) { return v.is_dict() && !v.is_namespace(); };
    t["iterable"] = [](Interpreter&, const Value& v, Args&) {
      return v.is_undefined() || v.is_string() || v.is_list() || (v.is_dict() && !v.is_namespace());
    };
    t["sequence"] = t["iterable"];
    t["callable"] = [](Interpreter&, const Value& v, Args&) { return v.is_function() || v.is_undefined(); };
    t["sameas"] = [](Interpreter&, const Value& v, Args& a) {
      Value o = a.require(0, "other");
      if (v.type() != o.type()) return false;
      if (v.is_none() || v.is_undefined()) return true;
      if (v.is_bool()) return v.as_bool() == o.as_bool();
      if (v.is_list()) return v.list_data() == o.list_data();
      if (v.is_dict()) return v.dict_data() == o.dict_data();
      return v == o;
    };
    t["eq"] = [](Interpreter&, const Value& v, Args& a) { return v == a.require(0, "other"); };
    t["equalto"] = t["eq"];
    t["=="] = t["eq"];
    t["ne"] = [](Interpreter&, const Value& v, Args& a) { return !(v == a.require(0, "other")); };
    t["!="] = t["ne"];
    t["lt"] = [](Interpreter&, const Value& v, Args& a) { return Value::less(v, a.require(0, "other")); };
    t["lessthan"] = t["lt"];
    t["<"] = t["lt"];
    t["gt"] = [](Interpreter&, const Value& v, Args& a) { return Value::less(a.require(0, "other"), v); };
    t["greaterthan"] = t["gt"];
    t[">"] = t["gt"];
    t["le"] = [](Interpreter&, const Value& v, Args& a) {
      Value o = a.require(0, "other");
      return Value::less(v, o) || v == o;
    };
    t["<="] = t["le"];
    t["ge"] = [](Interpreter&, const Value& v, Args& a) {
      Value o = a.require(0, "other");
      return Value::less(o, v) || v == o;
    };
    t[">="] = t["ge"];
    t["in"] = [](Interpreter&, const Value& v, Args& a) { return contains(a.require(0, "seq"), v); };
    t["odd"] = [](Interpreter&, const Value& v, Args&) {
      if (!v.is_int() && !v.is_bool()) type_error("odd test requires an integer");
      return (v.as_int() % 2) != 0;
    };
    t["even"] = [](Interpreter&, const Value& v, Args&) {
      if (!v.is_int() && !v.is_bool()) type_error("even test requires an integer");
      return (v.as_int() % 2) == 0;
    };
    t["divisibleby"] = [](Interpreter&, const Value& v, Args& a) {
      std::int64_t n = a.get_int(0, "num", 1);
      if (n == 0) type_error("integer division or modulo by zero");
      return (v.as_int() % n) == 0;
    };
    t["lower"] = [](Interpreter&, const Value& v, Args&) { return v.is_string() && map_chars(v.str(), to_lower) == v.str(); };
    t["upper"] = [](Interpreter&, const Value& v, Args&) { return v.is_string() && map_chars(v.str(), to_upper) == v.str(); };
    t["escaped"] = [](Interpreter&, const Value&, Args&) { return false; };
    t["filter"] = [](Interpreter&, const Value& v, Args&) { return v.is_string() && has_filter(v.str()); };
    t["test"] = [](Interpreter&, const Value& v, Args&) { return v.is_string() && has_test(v.str()); };
    return t;
  }();
  return table;
}

void check_overflow(bool overflow) {
  if (overflow) throw ValueError("integer overflow");
}

std::string strftime_utc(const std::string& fmt, std::chrono::system_clock::time_point tp) {
  std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  // Python's datetime.strftime on an aware UTC datetime: %Z is "UTC", %z "+0000".
  std::string f;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      if (fmt[i + 1] == 'Z') { f += "UTC"; ++i; continue; }
      if (fmt[i + 1] == 'z') { f += "+0000"; ++i; continue; }
      if (fmt[i + 1] == '%') { f += "%%"; ++i; continue; }
    }
    f += fmt[i];
  }
  if (f.empty()) return "";
  std::string out(f.size() * 8 + 256, '\0');
  std::size_t n = std::strftime(out.data(), out.size(), f.c_str(), &tm);
  out.resize(n);
  return out;
}

}  // namespace

// ---- access ----

Value get_method(const Value& obj, const std::string& name) {
  if (obj.is_string()) {
    for (const char* m : kStringMethods) {
      if (name == m) {
        return Value::function("str." + name, [obj, name](CallArgs& a, Interpreter& in) {
          return string_method(obj, name, a, in);
        });
      }
    }
  } else if (obj.is_dict() && !obj.is_namespace()) {
    if (name == "items" || name == "keys" || name == "values" || name == "get" || name == "copy") {
      return Value::function("dict." + name, [obj, name](CallArgs& a, Interpreter&) { return dict_method(obj, name, a); });
    }
  } else if (obj.is_list() && (name == "index" || name == "count")) {
    return Value::function("list." + name, [obj, name](CallArgs& a, Interpreter&) { return list_method(obj, name, a); });
  }
  return Value::undefined(std::string(obj.type_name()) + " object has no attribute '" + name + "'");
}

Value get_attr(const Value& obj, const std::string& name) {
  if (obj.is_undefined()) undefined_error(obj);
  if (obj.is_dict()) {
    if (obj.is_namespace()) {
      const Value* v = obj.dict_data()->find(name);
      return v ? *v : Value::undefined("namespace object has no attribute '" + name + "'");
    }
    Value m = get_method(obj, name);
    if (!m.is_undefined()) return m;
    const Value* v = obj.dict_data()->find(name);
    return v ? *v : Value::undefined("'dict object' has no attribute '" + name + "'");
  }
  return get_method(obj, name);
}

Value get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) undefined_error(obj);
  if (obj.is_dict() && !obj.is_namespace()) {
    if (key.is_string()) {
      if (const Value* v = obj.dict_data()->find(key.str())) return *v;
      Value m = get_method(obj, key.str());
      if (!m.is_undefined()) return m;
      return Value::undefined("'dict object' has no attribute '" + key.str() + "'");
    }
    return Value::undefined("'dict object' has no attribute " + key.repr());
  }
  if ((obj.is_list() || obj.is_string()) && (key.is_int() || key.is_bool())) {
    std::int64_t i = key.as_int();
    if (obj.is_list()) {
      auto n = static_cast<std::int64_t>(obj.items().size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Value::undefined(std::string(obj.type_name()) + " object has no element " + key.repr());
      return obj.items()[static_cast<std::size_t>(i)];
    }
    const std::string& s = obj.str();
    if (is_ascii(s)) {
      auto n = static_cast<std::int64_t>(s.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Value::undefined("str object has no element " + key.repr());
      return substring(obj, static_cast<std::size_t>(i), static_cast<std::size_t>(i) + 1);
    }
    auto starts = char_starts(s);
    auto n = static_cast<std::int64_t>(starts.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) return Value::undefined("str object has no element " + key.repr());
    std::size_t b = starts[static_cast<std::size_t>(i)];
    std::size_t e = static_cast<std::size_t>(i) + 1 < starts.size() ? starts[static_cast<std::size_t>(i) + 1] : s.size();
    return substring(obj, b, e);
  }
  if (key.is_string()) return get_attr(obj, key.str());
  return Value::undefined(std::string(obj.type_name()) + " object has no element " + key.repr());
}

Value slice(const Value& obj, const Value& start_v, const Value& stop_v, const Value& step_v) {
  if (obj.is_undefined()) undefined_error(obj);
  if (!obj.is_list() && !obj.is_string()) return Value::undefined(std::string(obj.type_name()) + " object is not sliceable");
  auto as_index = [](const Value& v) -> std::optional<std::int64_t> {
    if (v.is_none()) return std::nullopt;
    if (!v.is_int() && !v.is_bool()) throw ValueError("slice indices must be integers or None");
    return v.as_int();
  };
  std::optional<std::int64_t> start = as_index(start_v), stop = as_index(stop_v), step_o = as_index(step_v);
  std::int64_t step = step_o.value_or(1);
  if (step == 0) throw ValueError("slice step cannot be zero");
  const bool ascii = obj.is_string() && is_ascii(obj.str());
  std::vector<std::size_t> starts;
  if (obj.is_string() && !ascii) starts = char_starts(obj.str());
  std::int64_t len = obj.is_list() ? static_cast<std::int64_t>(obj.items().size())
                                   : ascii ? static_cast<std::int64_t>(obj.str().size()) : static_cast<std::int64_t>(starts.size());
  // Python's slice.indices()
  auto adjust = [&](std::optional<std::int64_t> v, std::int64_t def, std::int64_t lo, std::int64_t hi) {
    if (!v) return def;
    std::int64_t x = *v;
    if (x < 0) x += len;
    return std::clamp(x, lo, hi);
  };
  std::int64_t b, e;
  if (step > 0) {
    b = adjust(start, 0, 0, len);
    e = adjust(stop, len, 0, len);
  } else {
    b = adjust(start, len - 1, -1, len - 1);
    e = adjust(stop, -1, -1, len - 1);
  }
  std::vector<std::int64_t> idx;
  if (step > 0) {
    for (std::int64_t i = b; i < e; i += step) idx.push_back(i);
  } else {
    for (std::int64_t i = b; i > e; i += step) idx.push_back(i);
  }
  if (obj.is_list()) {
    std::vector<Value> out;
    out.reserve(idx.size());
    for (auto i : idx) out.push_back(obj.items()[static_cast<std::size_t>(i)]);
    return Value::list(std::move(out), obj.is_tuple());
  }
  const std::string& s = obj.str();
  auto byte_at = [&](std::int64_t i) -> std::size_t {
    if (ascii) return static_cast<std::size_t>(i);
    return i < static_cast<std::int64_t>(starts.size()) ? starts[static_cast<std::size_t>(i)] : s.size();
  };
  if (step == 1) return b < e ? substring(obj, byte_at(b), byte_at(e)) : Value("");
  std::string out;
  for (auto i : idx) out += s.substr(byte_at(i), byte_at(i + 1) - byte_at(i));
  return Value(std::move(out));
}

bool contains(const Value& container, const Value& item) {
  if (container.is_undefined()) return false;
  if (container.is_string()) {
    if (!item.is_string()) throw ValueError(std::string("'in <string>' requires string as left operand, not ") + item.type_name());
    return container.str().find(item.str()) != std::string::npos;
  }
  if (container.is_list()) {
    for (const auto& x : container.items())
      if (x == item) return true;
    return false;
  }
  if (container.is_dict() && !container.is_namespace()) {
    return item.is_string() && container.dict_data()->find(item.str()) != nullptr;
  }
  throw ValueError(std::string("argument of type '") + container.type_name() + "' is not iterable");
}

Value binary_op(const std::string& op, const Value& a, const Value& b, Interpreter& in) {
  if (a.is_undefined()) undefined_error(a);
  if (b.is_undefined()) undefined_error(b);
  auto unsupported = [&]() -> Value {
    type_error("unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'");
  };
  const bool nums = a.is_number() && b.is_number();
  const bool ints = nums && !a.is_float() && !b.is_float();
  std::int64_t r = 0;
  if (op == "+") {
    if (ints) {
      check_overflow(__builtin_add_overflow(a.as_int(), b.as_int(), &r));
      return Value(r);
    }
    if (nums) return Value(a.as_float() + b.as_float());
    if (a.is_string() && b.is_string()) {
      in.check_size(a.str().size() + b.str().size());
      return concat(a, b);
    }
    if (a.is_list() && b.is_list() && a.is_tuple() == b.is_tuple()) {
      in.check_size((a.items().size() + b.items().size()) * 16);
      std::vector<Value> items = a.items();
      items.insert(items.end(), b.items().begin(), b.items().end());
      return Value::list(std::move(items), a.is_tuple());
    }
    if (a.is_string()) type_error(std::string("can only concatenate str (not \"") + b.type_name() + "\") to str");
    if (a.is_list() && !a.is_tuple()) type_error(std::string("can only concatenate list (not \"") + b.type_name() + "\") to list");
    return unsupported();
  }
  if (op == "-") {
    if (ints) {
      check_overflow(__builtin_sub_overflow(a.as_int(), b.as_int(), &r));
      return Value(r);
    }
    if (nums) return Value(a.as_float() - b.as_float());
    return unsupported();
  }
  if (op == "*") {
    if (ints) {
      check_overflow(__builtin_mul_overflow(a.as_int(), b.as_int(), &r));
      return Value(r);
    }
    if (nums) return Value(a.as_float() * b.as_float());
    const Value* seq = nullptr;
    const Value* count = nullptr;
    if ((a.is_string() || a.is_list()) && (b.is_int() || b.is_bool())) {
      seq = &a;
      count = &b;
    } else if ((b.is_string() || b.is_list()) && (a.is_int() || a.is_bool())) {
      seq = &b;
      count = &a;
    }
    if (!seq) return unsupported();
    std::int64_t n = std::max<std::int64_t>(0, count->as_int());
    std::size_t unit = seq->is_string() ? seq->str().size() : seq->items().size() * 16;
    if (unit && static_cast<std::uint64_t>(n) > std::numeric_limits<std::size_t>::max() / unit)
      in.check_size(std::numeric_limits<std::size_t>::max());
    in.check_size(unit * static_cast<std::size_t>(n));
    in.charge_steps(unit * static_cast<std::size_t>(n) / 256);  // building it costs in proportion
    if (seq->is_string()) {
      std::string out;
      out.reserve(seq->str().size() * static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) out += seq->str();
      return Value(std::move(out));
    }
    std::vector<Value> out;
    for (std::int64_t i = 0; i < n; ++i) out.insert(out.end(), seq->items().begin(), seq->items().end());
    return Value::list(std::move(out), seq->is_tuple());
  }
  if (op == "/") {
    if (!nums) return unsupported();
    if (b.as_float() == 0.0) type_error("division by zero");
    return Value(a.as_float() / b.as_float());
  }
  if (op == "//") {
    if (!nums) return unsupported();
    if (ints) {
      if (b.as_int() == 0) type_error("integer division or modulo by zero");
      std::int64_t q = a.as_int() / b.as_int();
      if ((a.as_int() % b.as_int() != 0) && ((a.as_int() < 0) != (b.as_int() < 0))) --q;
      return Value(q);
    }
    if (b.as_float() == 0.0) type_error("float floor division by zero");
    return Value(std::floor(a.as_float() / b.as_float()));
  }
  if (op == "%") {
    if (a.is_string()) {
      std::string s = percent_format(a.str(), b);
      in.check_size(s.size());
      return Value(std::move(s));
    }
    if (!nums) return unsupported();
    if (ints) {
      if (b.as_int() == 0) type_error("integer division or modulo by zero");
      std::int64_t m = a.as_int() % b.as_int();
      if (m != 0 && ((m < 0) != (b.as_int() < 0))) m += b.as_int();
      return Value(m);
    }
    if (b.as_float() == 0.0) type_error("float modulo");
    double m = std::fmod(a.as_float(), b.as_float());
    if (m != 0 && ((m < 0) != (b.as_float() < 0))) m += b.as_float();
    return Value(m);
  }
  if (op == "**") {
    if (!nums) return unsupported();
    if (ints && b.as_int() >= 0) {
      std::int64_t base = a.as_int(), e = b.as_int(), result = 1;
      while (e > 0) {
        if (e & 1) check_overflow(__builtin_mul_overflow(result, base, &result));
        e >>= 1;
        if (e) check_overflow(__builtin_mul_overflow(base, base, &base));
      }
      return Value(result);
    }
    return Value(std::pow(a.as_float(), b.as_float()));
  }
  type_error("unknown operator " + op);
}

// ---- tables ----

bool has_filter(const std::string& name) { return filters().count(name) != 0; }
bool has_test(const std::string& name) { return tests().count(name) != 0; }

Value apply_filter(Interpreter& in, const std::string& name, const Value& input, CallArgs& args) {
  auto it = filters().find(name);
  if (it == filters().end()) throw ValueError("no filter named '" + name + "'");
  Args a(args, name);
  return it->second(in, input, a);
}

bool apply_test(Interpreter& in, const std::string& name, const Value& input, CallArgs& args) {
  auto it = tests().find(name);
  if (it == tests().end()) throw ValueError("no test named '" + name + "'");
  Args a(args, name);
  return it->second(in, input, a);
}

std::vector<std::pair<std::string, Value>> builtin_globals() {
  std::vector<std::pair<std::string, Value>> g;
  g.emplace_back("range", Value::function("range", [](CallArgs& ca, Interpreter& in) {
    Args a(ca, "range");
    std::int64_t start = 0, stop, step = 1;
    if (ca.positional.size() == 1) {
      stop = a.get_int(0, "stop", 0);
    } else {
      start = a.get_int(0, "start", 0);
      stop = a.get_int(1, "stop", 0);
      step = a.get_int(2, "step", 1);
    }
    if (step == 0) type_error("range() arg 3 must not be zero");
    std::int64_t n = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                              : (start > stop ? (start - stop - step - 1) / -step : 0);
    if (n > kMaxRange) type_error("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    in.charge_steps(static_cast<std::uint64_t>(n));
    std::vector<Value> out;
    out.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0, v = start; i < n; ++i, v += step) out.emplace_back(v);
    return Value::list(std::move(out));
  }));
  auto make_dict = [](CallArgs& ca, bool ns) {
    auto d = std::make_shared<DictData>();
    d->is_namespace = ns;
    for (const auto& p : ca.positional) {
      if (!p.is_dict()) type_error("dict() positional argument must be a mapping");
      for (const auto& [k, v] : p.dict_data()->items) d->set(k, v);
    }
    for (const auto& [k, v] : ca.named) d->set(k, v);
    return Value::dict(std::move(d));
  };
  g.emplace_back("namespace", Value::function("namespace", [make_dict](CallArgs& ca, Interpreter&) { return make_dict(ca, true); }));
  g.emplace_back("dict", Value::function("dict", [make_dict](CallArgs& ca, Interpreter&) { return make_dict(ca, false); }));
  g.emplace_back("raise_exception", Value::function("raise_exception", [](CallArgs& ca, Interpreter&) -> Value {
    std::string message = ca.positional.empty() ? std::string() : ca.positional[0].to_str();
    throw ValueError("raise_exception: " + message);
  }));
  g.emplace_back("strftime_now", Value::function("strftime_now", [](CallArgs& ca, Interpreter& in) {
    Args a(ca, "strftime_now");
    return Value(strftime_utc(a.get_str(0, "format", ""), in.now()));
  }));
  return g;
}

}  // namespace tunesmith::text::jinja
