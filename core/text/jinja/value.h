#pragma once
// The values a chat template computes with, with Python's semantics (Jinja2 runs on
// Python, and transformers renders chat templates with Jinja2): none, bool, int, float,
// str, list/tuple, dict (insertion-ordered, string keys), callables, and Jinja2's
// Undefined. Lists and dicts are shared by reference as in Python; strings are immutable.
//
// A string may carry origins: byte spans that were copied from a tracked source (the
// content of message i). Operations that copy text (concatenation, slicing, strip, split,
// join, printing) carry them along; operations that transform text drop them. The loss
// mask uses them to find where each assistant message's content landed in the output.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::text::jinja {

// A span [begin, end) of a string's bytes copied from source `source` (a message index).
struct Origin {
  std::size_t begin = 0;
  std::size_t end = 0;
  int source = -1;
};

// An error without a position; the interpreter adds the template line and column of the
// expression that raised it.
struct ValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Value;
class Interpreter;

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> named;
};

struct Function {
  std::string name;
  std::function<Value(CallArgs&, Interpreter&)> call;
};

struct StringData {
  std::string text;
  std::vector<Origin> origins;  // sorted, non-overlapping
};

struct ListData {
  std::vector<Value> items;
  bool tuple = false;
};

struct DictData {
  std::vector<std::pair<std::string, Value>> items;  // insertion order
  bool is_namespace = false;                         // Jinja2 namespace(): attributes settable
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  void set(const std::string& key, Value value);
};

class Value {
 public:
  enum class Type : std::uint8_t { kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kDict, kFunction };

  Value() = default;  // Undefined
  static Value undefined(std::string hint = {});
  static Value none();
  Value(bool b);  // NOLINT(google-explicit-constructor)
  Value(std::int64_t i);  // NOLINT
  Value(int i) : Value(static_cast<std::int64_t>(i)) {}  // NOLINT
  Value(double f);  // NOLINT
  Value(std::string s);  // NOLINT
  Value(const char* s) : Value(std::string(s)) {}  // NOLINT
  static Value string(std::string s, std::vector<Origin> origins);
  static Value list(std::vector<Value> items, bool tuple = false);
  static Value dict(std::shared_ptr<DictData> d);
  static Value dict();
  static Value function(std::string name, std::function<Value(CallArgs&, Interpreter&)> fn);

  // JSON input as Python's json.loads gives it. With track_source >= 0, every string that is
  // a message content (see from_messages) carries an origin for that source.
  static Value from_json(const data::Json& j, int depth = 0);
  // `messages` as transformers passes it; message i's content strings (string content, or
  // the strings inside content parts) carry origin source i.
  static Value from_messages(const data::Json& messages);

  Type type() const { return type_; }
  bool is_undefined() const { return type_ == Type::kUndefined; }
  bool is_none() const { return type_ == Type::kNone; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_int() const { return type_ == Type::kInt; }
  bool is_float() const { return type_ == Type::kFloat; }
  bool is_number() const { return type_ == Type::kInt || type_ == Type::kFloat || type_ == Type::kBool; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_list() const { return type_ == Type::kList; }
  bool is_tuple() const { return type_ == Type::kList && list_->tuple; }
  bool is_dict() const { return type_ == Type::kDict; }
  bool is_namespace() const { return type_ == Type::kDict && dict_->is_namespace; }
  bool is_function() const { return type_ == Type::kFunction; }

  bool as_bool() const { return b_; }
  std::int64_t as_int() const { return type_ == Type::kBool ? (b_ ? 1 : 0) : i_; }  // bool counts as int
  double as_float() const { return type_ == Type::kFloat ? f_ : static_cast<double>(as_int()); }
  const std::string& str() const { return str_->text; }
  const std::vector<Origin>& origins() const { return str_->origins; }
  const std::vector<Value>& items() const { return list_->items; }
  const std::shared_ptr<ListData>& list_data() const { return list_; }
  const std::shared_ptr<DictData>& dict_data() const { return dict_; }
  const Function& fn() const { return *fn_; }
  const std::string& undefined_hint() const { return hint_; }

  bool truthy() const;                 // Python bool()
  std::string to_str() const;          // Python str() ("" for Undefined)
  std::string repr() const;            // Python repr()
  const char* type_name() const;       // Python type name for error messages
  // Python str() keeping origins (a string keeps its own).
  Value as_string_value() const;

  // Python == (1 == 1.0 == True; [1] != (1,); Undefined == Undefined).
  friend bool operator==(const Value& a, const Value& b);
  // Python <; throws ValueError for unorderable types.
  static bool less(const Value& a, const Value& b);

  // Python iteration: list items, dict keys, string characters; Undefined is empty.
  std::vector<Value> iterate() const;
  // Python len(); throws for types without one.
  std::int64_t length() const;

 private:
  Type type_ = Type::kUndefined;
  union {
    bool b_;
    std::int64_t i_ = 0;
    double f_;
  };
  std::shared_ptr<const StringData> str_;
  std::shared_ptr<ListData> list_;
  std::shared_ptr<DictData> dict_;
  std::shared_ptr<const Function> fn_;
  std::string hint_;  // what an Undefined stands for (for error messages)
};

// Python float repr (shortest round-trip, "1.0", "1e+16").
std::string float_repr(double f);
// Python repr of a str.
std::string string_repr(std::string_view s);
// json.dumps(v, ensure_ascii=False, indent, separators, sort_keys) as transformers' tojson.
// indent < 0 means None; indent_str overrides indent when non-empty.
std::string to_json(const Value& v, int indent, const std::string& indent_str, const std::string& item_sep,
                    const std::string& key_sep, bool sort_keys);

// UTF-8 helpers on code points (Python strings index by code point).
std::vector<std::size_t> char_starts(std::string_view s);  // byte offset of every code point
bool is_ascii(std::string_view s);
bool py_isspace(char32_t cp);
char32_t decode_utf8(std::string_view s, std::size_t& i);  // lenient: invalid bytes decode as themselves
void append_utf8(std::string& out, char32_t cp);

// A substring that keeps the origins falling inside [begin, end).
Value substring(const Value& s, std::size_t begin, std::size_t end);
// Concatenation that keeps both sides' origins.
Value concat(const Value& a, const Value& b);

// Builds a string with origins piece by piece.
class StringBuilder {
 public:
  void append(const Value& s);  // a string Value (origins kept)
  void append(std::string_view text);
  std::size_t size() const { return text_.size(); }
  Value build();
  std::string& text() { return text_; }
  const std::vector<Origin>& origins() const { return origins_; }

 private:
  std::string text_;
  std::vector<Origin> origins_;
};

}  // namespace tunesmith::text::jinja
