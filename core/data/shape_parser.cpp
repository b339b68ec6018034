#include "core/data/shape_parser.h"

#include "core/data/line_reader.h"
#include "core/data/text_sniff.h"

#ifdef TUNESMITH_HAVE_SIMDJSON
#include <simdjson.h>
#endif

namespace tunesmith::data {
namespace {

// The slow path: nlohmann, for its error position and message, and for the rare line
// simdjson refuses although it is valid JSON (nesting deeper than 1024, integers
// beyond 64 bits).
ParsedLine parse_with_nlohmann(std::string_view line, ExampleShape& out) {
  ParsedLine r;
  Json value;
  try {
    value = Json::parse(line);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    auto colon = what.find(": ", what.find("column"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    r.column = e.byte;
    bool utf8 = reason.find("UTF-8") != std::string::npos;
    r.status = utf8 ? ParsedLine::InvalidUtf8 : ParsedLine::InvalidJson;
    r.message = printable(reason, 160);
    return r;
  }
  if (!value.is_object()) {
    r.status = ParsedLine::NotObject;
    r.kind = value.is_array() ? JsonKind::Array : value.is_string() ? JsonKind::String
             : value.is_number() ? JsonKind::Number : value.is_boolean() ? JsonKind::Bool : JsonKind::Null;
    return r;
  }
  shape_of(value, out);
  return r;
}

}  // namespace

#ifdef TUNESMITH_HAVE_SIMDJSON
static_assert(LineReader::kPadding >= simdjson::SIMDJSON_PADDING, "LineReader must pad for simdjson");

namespace {

namespace dom = simdjson::dom;

JsonKind kind_of(dom::element v) {
  switch (v.type()) {
    case dom::element_type::ARRAY: return JsonKind::Array;
    case dom::element_type::OBJECT: return JsonKind::Object;
    case dom::element_type::STRING: return JsonKind::String;
    case dom::element_type::BOOL: return JsonKind::Bool;
    case dom::element_type::NULL_VALUE: return JsonKind::Null;
    default: return JsonKind::Number;  // INT64, UINT64, DOUBLE
  }
}

// Same facts as shape_of() in example_shape.cpp; keep the two in step.
void content_of(dom::element content, MessageShape& m) {
  m.content_kind = kind_of(content);
  std::string_view str;
  if (!content.get_string().get(str)) {
    m.text = str;
    return;
  }
  dom::array parts;
  if (content.get_array().get(parts)) return;
  bool first = true;
  std::size_t index = 0;
  for (dom::element part : parts) {
    ++index;
    dom::object obj;
    if (part.get_object().get(obj)) {
      if (!m.bad_part) m.bad_part = index;
      continue;
    }
    // Last occurrence wins on duplicate keys, as in nlohmann.
    bool has_type = false, type_is_text = false, has_text = false;
    std::string_view text;
    for (dom::key_value_pair kv : obj) {
      if (kv.key == "type") {
        std::string_view t;
        has_type = !kv.value.get_string().get(t);
        type_is_text = has_type && t == "text";
      } else if (kv.key == "text") {
        has_text = !kv.value.get_string().get(text);
      }
    }
    if (!m.bad_part && (!has_type || (type_is_text && !has_text))) m.bad_part = index;
    if (!has_text) continue;
    if (!first) m.text += '\n';
    m.text += text;
    first = false;
  }
}

void shape_of(dom::object example, ExampleShape& out) {
  out.clear();
  dom::element msgs;
  bool has_messages = false, has_prompt = false;
  for (dom::key_value_pair kv : example) {
    if (kv.key == "messages") {
      msgs = kv.value;
      has_messages = true;
    } else if (kv.key == "prompt" || kv.key == "completion") {
      has_prompt = true;
    }
  }
  if (!has_messages) {
    out.legacy_prompt_completion = has_prompt;
    return;
  }
  out.messages_kind = kind_of(msgs);
  dom::array arr;
  if (msgs.get_array().get(arr)) return;
  out.messages.resize(arr.size());
  std::size_t i = 0;
  for (dom::element msg : arr) {
    MessageShape& m = out.messages[i++];
    dom::object obj;
    if (msg.get_object().get(obj)) continue;
    m.is_object = true;
    for (dom::key_value_pair kv : obj) {
      std::string_view key = kv.key;
      if (key == "role") {
        m.role_kind = kind_of(kv.value);
        std::string_view role;
        if (kv.value.get_string().get(role)) role = {};
        m.role.assign(role);
      } else if (key == "content") {
        m.text.clear();
        m.bad_part = 0;
        content_of(kv.value, m);
      } else if (key == "tool_calls") {
        m.has_tool_calls = !kv.value.is_null();
      } else if (key == "function_call") {
        m.has_function_call = !kv.value.is_null();
      } else if (key == "weight") {
        m.weight_kind = kind_of(kv.value);
        double w = 0;
        m.weight = (m.weight_kind == JsonKind::Number && !kv.value.get_double().get(w)) ? w : 0.0;
      } else if (!is_known_message_key(key)) {
        m.unknown_keys.emplace_back(key);
      }
    }
  }
}

}  // namespace

struct ShapeParser::Impl {
  dom::parser parser;
};

ShapeParser::ShapeParser() : impl_(std::make_unique<Impl>()) {}
ShapeParser::~ShapeParser() = default;

ParsedLine ShapeParser::parse(std::string_view line, ExampleShape& out) {
  dom::element doc;
  // realloc_if_needed = false: the caller guarantees the padding, so no copy.
  if (impl_->parser.parse(line.data(), line.size(), false).get(doc)) return parse_with_nlohmann(line, out);
  ParsedLine r;
  dom::object obj;
  if (doc.get_object().get(obj)) {
    r.status = ParsedLine::NotObject;
    r.kind = kind_of(doc);
    return r;
  }
  shape_of(obj, out);
  return r;
}

#else  // no simdjson: nlohmann alone

struct ShapeParser::Impl {};
ShapeParser::ShapeParser() = default;
ShapeParser::~ShapeParser() = default;
ParsedLine ShapeParser::parse(std::string_view line, ExampleShape& out) { return parse_with_nlohmann(line, out); }

#endif

}  // namespace tunesmith::data
