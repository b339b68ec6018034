#include "core/text/jinja/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tunesmith::text::jinja {

// ---- UTF-8 ---------------------------------------------------------------------------

char32_t decode_utf8(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (n == 1 || i + n > s.size()) {
    ++i;
    return c;
  }
  char32_t cp = n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::vector<std::size_t> char_starts(std::string_view s) {
  std::vector<std::size_t> starts;
  starts.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    starts.push_back(i);
    decode_utf8(s, i);
  }
  return starts;
}

bool py_isspace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// ---- DictData ------------------------------------------------------------------------

const Value* DictData::find(std::string_view key) const {
  for (const auto& [k, v] : items)
    if (k == key) return &v;
  return nullptr;
}

Value* DictData::find(std::string_view key) {
  for (auto& [k, v] : items)
    if (k == key) return &v;
  return nullptr;
}

void DictData::set(const std::string& key, Value value) {
  if (Value* v = find(key)) {
    *v = std::move(value);
  } else {
    items.emplace_back(key, std::move(value));
  }
}

// ---- construction ----------------------------------------------------------------------

Value Value::undefined(std::string hint) {
  Value v;
  v.hint_ = std::move(hint);
  return v;
}

Value Value::none() {
  Value v;
  v.type_ = Type::kNone;
  return v;
}

Value::Value(bool b) : type_(Type::kBool) { b_ = b; }
Value::Value(std::int64_t i) : type_(Type::kInt) { i_ = i; }
Value::Value(double f) : type_(Type::kFloat) { f_ = f; }
Value::Value(std::string s) : type_(Type::kString) {
  str_ = std::make_shared<const StringData>(StringData{std::move(s), {}});
}

Value Value::string(std::string s, std::vector<Origin> origins) {
  Value v;
  v.type_ = Type::kString;
  v.str_ = std::make_shared<const StringData>(StringData{std::move(s), std::move(origins)});
  return v;
}

Value Value::list(std::vector<Value> items, bool tuple) {
  Value v;
  v.type_ = Type::kList;
  v.list_ = std::make_shared<ListData>(ListData{std::move(items), tuple});
  return v;
}

Value Value::dict(std::shared_ptr<DictData> d) {
  Value v;
  v.type_ = Type::kDict;
  v.dict_ = std::move(d);
  return v;
}

Value Value::dict() { return dict(std::make_shared<DictData>()); }

Value Value::function(std::string name, std::function<Value(CallArgs&, Interpreter&)> fn) {
  Value v;
  v.type_ = Type::kFunction;
  v.fn_ = std::make_shared<const Function>(Function{std::move(name), std::move(fn)});
  return v;
}

namespace {

constexpr int kMaxJsonDepth = 200;

Value from_json_impl(const data::Json& j, int depth, int source) {
  if (depth > kMaxJsonDepth) throw ValueError("input nested deeper than 200 levels");
  switch (j.type()) {
    case data::Json::value_t::null:
      return Value::none();
    case data::Json::value_t::boolean:
      return Value(j.get<bool>());
    case data::Json::value_t::number_integer:
      return Value(j.get<std::int64_t>());
    case data::Json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
      return Value(static_cast<std::int64_t>(u));
    }
    case data::Json::value_t::number_float:
      return Value(j.get<double>());
    case data::Json::value_t::string: {
      auto s = j.get<std::string>();
      if (source < 0 || s.empty()) return Value(std::move(s));
      std::size_t n = s.size();
      return Value::string(std::move(s), {Origin{0, n, source}});
    }
    case data::Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(from_json_impl(e, depth + 1, source));
      return Value::list(std::move(items));
    }
    case data::Json::value_t::object: {
      auto d = std::make_shared<DictData>();
      d->items.reserve(j.size());
      for (const auto& [k, e] : j.items()) d->set(k, from_json_impl(e, depth + 1, source));
      return Value::dict(std::move(d));
    }
    default:
      return Value::none();
  }
}

}  // namespace

Value Value::from_json(const data::Json& j, int depth) { return from_json_impl(j, depth, -1); }

Value Value::from_messages(const data::Json& messages) {
  if (!messages.is_array()) return from_json(messages);
  std::vector<Value> items;
  items.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (!m.is_object()) {
      items.push_back(from_json(m, 1));
      continue;
    }
    auto d = std::make_shared<DictData>();
    for (const auto& [k, e] : m.items())
      d->set(k, from_json_impl(e, 2, k == "content" ? static_cast<int>(i) : -1));
    items.push_back(Value::dict(std::move(d)));
  }
  return Value::list(std::move(items));
}

// ---- Python semantics ------------------------------------------------------------------

bool Value::truthy() const {
  switch (type_) {
    case Type::kUndefined:
    case Type::kNone:
      return false;
    case Type::kBool:
      return b_;
    case Type::kInt:
      return i_ != 0;
    case Type::kFloat:
      return f_ != 0.0;
    case Type::kString:
      return !str_->text.empty();
    case Type::kList:
      return !list_->items.empty();
    case Type::kDict:
      return dict_->is_namespace || !dict_->items.empty();
    case Type::kFunction:
      return true;
  }
  return false;
}

const char* Value::type_name() const {
  switch (type_) {
    case Type::kUndefined: return "Undefined";
    case Type::kNone: return "NoneType";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kFloat: return "float";
    case Type::kString: return "str";
    case Type::kList: return list_->tuple ? "tuple" : "list";
    case Type::kDict: return dict_->is_namespace ? "Namespace" : "dict";
    case Type::kFunction: return "function";
  }
  return "?";
}

std::string float_repr(double f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  if (f == 0.0) return std::signbit(f) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+16"
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  auto epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::stoi(sci.substr(epos + 1));
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out = neg ? "-" : "";
  if (exp >= -4 && exp < 16) {  // Python repr: fixed notation when the decimal point lands in (-4, 16]
    int decpt = exp + 1;        // digits before the point
    if (decpt <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
      out += digits + std::string(static_cast<std::size_t>(decpt) - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + ebuf;
}

namespace {

bool py_isprintable(char32_t c) {
  if (c < 0x20 || c == 0x7F) return false;
  if (c >= 0x80 && c <= 0xA0) return false;
  if (c == 0xAD) return false;
  if (c == 0x1680 || (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F))
    return false;
  if (c == 0x3000 || c == 0xFEFF || (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xE000 && c <= 0xF8FF)) return false;
  if (c >= 0xFFF9 && c <= 0xFFFB) return false;
  if (c == 0x061C || (c >= 0x0600 && c <= 0x0605) || c == 0x06DD || c == 0x070F) return false;
  if (c >= 0xF0000) return false;
  return true;
}

}  // namespace

std::string string_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = decode_utf8(s, i);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (!py_isprintable(c)) {
      char buf[16];
      if (c < 0x100) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      } else if (c < 0x10000) {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      }
      out += buf;
    } else {
      append_utf8(out, c);
    }
  }
  out += quote;
  return out;
}

std::string Value::to_str() const {
  switch (type_) {
    case Type::kUndefined:
      return "";
    case Type::kString:
      return str_->text;
    default:
      return repr();
  }
}

std::string Value::repr() const {
  switch (type_) {
    case Type::kUndefined:
      return "";
    case Type::kNone:
      return "None";
    case Type::kBool:
      return b_ ? "True" : "False";
    case Type::kInt:
      return std::to_string(i_);
    case Type::kFloat:
      return float_repr(f_);
    case Type::kString:
      return string_repr(str_->text);
    case Type::kList: {
      std::string out = list_->tuple ? "(" : "[";
      for (std::size_t i = 0; i < list_->items.size(); ++i) {
        if (i) out += ", ";
        out += list_->items[i].repr();
      }
      if (list_->tuple && list_->items.size() == 1) out += ",";
      out += list_->tuple ? ")" : "]";
      return out;
    }
    case Type::kDict: {
      std::string out = dict_->is_namespace ? "<Namespace {" : "{";
      bool first = true;
      for (const auto& [k, v] : dict_->items) {
        if (!first) out += ", ";
        first = false;
        out += string_repr(k) + ": " + v.repr();
      }
      out += dict_->is_namespace ? "}>" : "}";
      return out;
    }
    case Type::kFunction:
      return "<function " + fn_->name + ">";
  }
  return "";
}

Value Value::as_string_value() const {
  if (type_ == Type::kString) return *this;
  return Value(to_str());
}

bool operator==(const Value& a, const Value& b) {
  using T = Value::Type;
  if (a.is_number() && b.is_number()) {
    if (a.type_ == T::kFloat || b.type_ == T::kFloat) return a.as_float() == b.as_float();
    return a.as_int() == b.as_int();
  }
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case T::kUndefined:
    case T::kNone:
      return true;
    case T::kString:
      return a.str_->text == b.str_->text;
    case T::kList: {
      if (a.list_->tuple != b.list_->tuple) return false;
      if (a.list_ == b.list_) return true;
      const auto& x = a.list_->items;
      const auto& y = b.list_->items;
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!(x[i] == y[i])) return false;
      return true;
    }
    case T::kDict: {
      if (a.dict_ == b.dict_) return true;
      if (a.dict_->is_namespace || b.dict_->is_namespace) return false;
      if (a.dict_->items.size() != b.dict_->items.size()) return false;
      for (const auto& [k, v] : a.dict_->items) {
        const Value* o = b.dict_->find(k);
        if (!o || !(v == *o)) return false;
      }
      return true;
    }
    case T::kFunction:
      return a.fn_ == b.fn_;
    default:
      return false;
  }
}

bool Value::less(const Value& a, const Value& b) {
  if (a.is_undefined() || b.is_undefined()) throw ValueError("'" + (a.is_undefined() ? a.hint_ : b.hint_) + "' is undefined");
  if (a.is_number() && b.is_number()) {
    if (a.type_ == Type::kFloat || b.type_ == Type::kFloat) return a.as_float() < b.as_float();
    return a.as_int() < b.as_int();
  }
  if (a.is_string() && b.is_string()) return a.str() < b.str();  // UTF-8 byte order == code point order
  if (a.is_list() && b.is_list() && a.is_tuple() == b.is_tuple()) {
    const auto& x = a.items();
    const auto& y = b.items();
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!(x[i] == y[i])) return less(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  throw ValueError(std::string("'<' not supported between instances of '") + a.type_name() + "' and '" +
                   b.type_name() + "'");
}

std::vector<Value> Value::iterate() const {
  switch (type_) {
    case Type::kUndefined:
      return {};
    case Type::kList:
      return list_->items;
    case Type::kDict: {
      if (dict_->is_namespace) break;
      std::vector<Value> keys;
      keys.reserve(dict_->items.size());
      for (const auto& kv : dict_->items) keys.emplace_back(kv.first);
      return keys;
    }
    case Type::kString: {
      std::vector<Value> chars;
      const std::string& s = str_->text;
      for (std::size_t i = 0; i < s.size();) {
        std::size_t start = i;
        decode_utf8(s, i);
        chars.push_back(substring(*this, start, i));
      }
      return chars;
    }
    default:
      break;
  }
  throw ValueError(std::string("'") + type_name() + "' object is not iterable");
}

std::int64_t Value::length() const {
  switch (type_) {
    case Type::kUndefined:
      return 0;
    case Type::kString: {
      std::int64_t n = 0;
      for (char c : str_->text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
      return n;
    }
    case Type::kList:
      return static_cast<std::int64_t>(list_->items.size());
    case Type::kDict:
      if (!dict_->is_namespace) return static_cast<std::int64_t>(dict_->items.size());
      break;
    default:
      break;
  }
  throw ValueError(std::string("object of type '") + type_name() + "' has no len()");
}

// ---- strings with origins ----------------------------------------------------------------

Value substring(const Value& s, std::size_t begin, std::size_t end) {
  const std::string& text = s.str();
  if (begin == 0 && end == text.size()) return s;
  std::vector<Origin> origins;
  for (const Origin& o : s.origins()) {
    std::size_t b = std::max(o.begin, begin);
    std::size_t e = std::min(o.end, end);
    if (b < e) origins.push_back(Origin{b - begin, e - begin, o.source});
  }
  return Value::string(text.substr(begin, end - begin), std::move(origins));
}

void StringBuilder::append(const Value& s) {
  if (!s.is_string()) {
    text_ += s.to_str();
    return;
  }
  std::size_t base = text_.size();
  for (const Origin& o : s.origins()) {
    if (!origins_.empty() && origins_.back().source == o.source && origins_.back().end == base + o.begin) {
      origins_.back().end = base + o.end;  // contiguous: merge
    } else {
      origins_.push_back(Origin{base + o.begin, base + o.end, o.source});
    }
  }
  text_ += s.str();
}

void StringBuilder::append(std::string_view text) { text_ += text; }

Value StringBuilder::build() {
  Value v = origins_.empty() ? Value(std::move(text_)) : Value::string(std::move(text_), std::move(origins_));
  text_.clear();
  origins_.clear();
  return v;
}

Value concat(const Value& a, const Value& b) {
  if (a.origins().empty() && b.origins().empty()) return Value(a.str() + b.str());
  StringBuilder sb;
  sb.append(a);
  sb.append(b);
  return sb.build();
}

// ---- JSON ----------------------------------------------------------------------------------

namespace {

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

struct JsonWriter {
  int indent;
  std::string indent_str;
  std::string item_sep;
  std::string key_sep;
  bool sort_keys;
  bool pretty() const { return indent >= 0 || !indent_str.empty(); }
  std::string unit() const { return indent_str.empty() ? std::string(static_cast<std::size_t>(indent), ' ') : indent_str; }

  void newline(std::string& out, int level) const {
    out += '\n';
    std::string u = unit();
    for (int i = 0; i < level; ++i) out += u;
  }

  void write(std::string& out, const Value& v, int level, int depth) const {
    if (depth > 500) throw ValueError("tojson: nested too deeply");
    switch (v.type()) {
      case Value::Type::kNone: out += "null"; return;
      case Value::Type::kBool: out += v.as_bool() ? "true" : "false"; return;
      case Value::Type::kInt: out += std::to_string(v.as_int()); return;
      case Value::Type::kFloat: {
        double f = v.as_float();
        if (std::isnan(f)) out += "NaN";
        else if (std::isinf(f)) out += f > 0 ? "Infinity" : "-Infinity";
        else out += float_repr(f);
        return;
      }
      case Value::Type::kString: json_string(out, v.str()); return;
      case Value::Type::kList: {
        const auto& items = v.items();
        if (items.empty()) { out += "[]"; return; }
        out += '[';
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (i) out += item_sep;
          if (pretty()) newline(out, level + 1);
          write(out, items[i], level + 1, depth + 1);
        }
        if (pretty()) newline(out, level);
        out += ']';
        return;
      }
      case Value::Type::kDict: {
        if (v.is_namespace()) throw ValueError("Object of type Namespace is not JSON serializable");
        std::vector<const std::pair<std::string, Value>*> items;
        for (const auto& kv : v.dict_data()->items) items.push_back(&kv);
        if (sort_keys)
          std::stable_sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->first < b->first; });
        if (items.empty()) { out += "{}"; return; }
        out += '{';
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (i) out += item_sep;
          if (pretty()) newline(out, level + 1);
          json_string(out, items[i]->first);
          out += key_sep;
          write(out, items[i]->second, level + 1, depth + 1);
        }
        if (pretty()) newline(out, level);
        out += '}';
        return;
      }
      case Value::Type::kUndefined:
        throw ValueError("Object of type Undefined is not JSON serializable");
      case Value::Type::kFunction:
        throw ValueError("Object of type function is not JSON serializable");
    }
  }
};

}  // namespace

std::string to_json(const Value& v, int indent, const std::string& indent_str, const std::string& item_sep,
                    const std::string& key_sep, bool sort_keys) {
  JsonWriter w{indent, indent_str, item_sep, key_sep, sort_keys};
  std::string out;
  w.write(out, v, 0, 0);
  return out;
}

}  // namespace tunesmith::text::jinja
