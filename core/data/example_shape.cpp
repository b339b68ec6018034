#include "core/data/example_shape.h"

#include "core/data/normalize.h"

namespace tunesmith::data {
namespace {

JsonKind kind_of(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return JsonKind::Null;
    case Json::value_t::boolean: return JsonKind::Bool;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return JsonKind::Number;
    case Json::value_t::string: return JsonKind::String;
    case Json::value_t::array: return JsonKind::Array;
    case Json::value_t::object: return JsonKind::Object;
    default: return JsonKind::Null;  // discarded / binary never come out of the parser
  }
}

void content_of(const Json& content, MessageShape& m) {
  m.content_kind = kind_of(content);
  if (content.is_string()) {
    m.text = content.get_ref<const std::string&>();
    return;
  }
  if (!content.is_array()) return;
  bool first = true;
  std::size_t index = 0;
  for (const auto& part : content) {
    ++index;
    if (!part.is_object()) {
      if (!m.bad_part) m.bad_part = index;
      continue;
    }
    auto type = part.find("type");
    auto text = part.find("text");
    bool has_text = text != part.end() && text->is_string();
    if (!m.bad_part && (type == part.end() || !type->is_string() ||
                        (type->get_ref<const std::string&>() == "text" && !has_text)))
      m.bad_part = index;
    if (!has_text) continue;  // as content_text(): only string "text" fields count
    if (!first) m.text += '\n';
    m.text += text->get_ref<const std::string&>();
    first = false;
  }
}

}  // namespace

void append_normalized(std::string& out, std::string_view text) {
  // One table lookup a byte into a buffer sized up front: normalize_text() builds a new
  // string with a push_back per byte, which was half of `data validate`'s time.
  struct Tables {
    bool space[256] = {};
    char lower[256] = {};
    Tables() {
      for (int c = 0; c < 256; ++c) lower[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) space[c] = true;
    }
  };
  static const Tables t;
  const std::size_t start = out.size();
  out.resize(start + text.size() + 1);  // never longer, plus one byte of slack for the stores below
  char* w = out.data() + start;
  // Branch-free: whitespace arrives every few bytes, too often for the branch predictor.
  // Every byte stores a pending space and its lower-cased self, and the pointer advances
  // only past what belongs in the output.
  bool pending_space = false, any = false;
  for (unsigned char c : text) {
    const bool space = t.space[c];
    const bool emit_space = pending_space & !space;
    *w = ' ';
    w += emit_space;
    *w = t.lower[c];
    w += !space;
    pending_space = space & any;
    any |= !space;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
}

std::string_view json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::Missing: return "missing";
    case JsonKind::Null: return "null";
    case JsonKind::Bool: return "a boolean";
    case JsonKind::Number: return "a number";
    case JsonKind::String: return "a string";
    case JsonKind::Array: return "a list";
    case JsonKind::Object: return "an object";
  }
  return "missing";
}

void ExampleShape::clear() {
  messages_kind = JsonKind::Missing;
  messages.clear();
  legacy_prompt_completion = false;
}

bool is_known_message_key(std::string_view key) {
  return key == "role" || key == "content" || key == "name" || key == "weight" || key == "tool_calls" ||
         key == "tool_call_id" || key == "function_call" || key == "refusal";
}

void shape_of(const Json& example, ExampleShape& out) {
  out.clear();
  auto msgs = example.find("messages");
  if (msgs == example.end()) {
    out.legacy_prompt_completion = example.contains("prompt") || example.contains("completion");
    return;
  }
  out.messages_kind = kind_of(*msgs);
  if (!msgs->is_array()) return;
  out.messages.resize(msgs->size());
  std::size_t i = 0;
  for (const auto& msg : *msgs) {
    MessageShape& m = out.messages[i++];
    if (!msg.is_object()) continue;
    m.is_object = true;
    for (auto it = msg.begin(); it != msg.end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      if (key == "role") {
        m.role_kind = kind_of(v);
        m.role = v.is_string() ? v.get_ref<const std::string&>() : std::string{};
      } else if (key == "content") {
        m.text.clear();
        m.bad_part = 0;
        content_of(v, m);
      } else if (key == "tool_calls") {
        m.has_tool_calls = !v.is_null();
      } else if (key == "function_call") {
        m.has_function_call = !v.is_null();
      } else if (key == "weight") {
        m.weight_kind = kind_of(v);
        m.weight = v.is_number() ? v.get<double>() : 0.0;
      } else if (!is_known_message_key(key)) {
        m.unknown_keys.push_back(key);
      }
    }
  }
}

std::uint64_t normalized_hash(const ExampleShape& shape, std::string& scratch) {
  // Mirrors normalized_example(): "role: text\n" per message, text normalized; a
  // message that is not an object, or a role that is not a string, counts as "".
  scratch.clear();
  for (const auto& m : shape.messages) {
    if (m.is_object) scratch += m.role;
    scratch += ": ";
    if (m.is_object) append_normalized(scratch, m.text);
    scratch += '\n';
  }
  return stable_hash(scratch);
}

}  // namespace tunesmith::data
