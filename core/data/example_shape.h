#pragma once
// The "shape" of one chat example: the few facts the validation rules and the stats
// look at, pulled out of the JSON once. The streaming validator fills it from simdjson,
// the editor's in-memory path from nlohmann JSON; the rules then run on this struct
// alone, so they exist in one place and both paths agree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::data {

enum class JsonKind { Missing, Null, Bool, Number, String, Array, Object };

std::string_view json_kind_name(JsonKind kind);  // "missing", "null", "a number", ...

struct MessageShape {
  bool is_object = false;
  JsonKind role_kind = JsonKind::Missing;
  std::string role;  // the role when it is a string
  JsonKind content_kind = JsonKind::Missing;
  // content_text(): the string, or the text parts joined with "\n".
  std::string text;
  // The first content part that is not {"type": ..., ...} (or a text part without a
  // string "text"), 1-based; 0 when every part is fine.
  std::size_t bad_part = 0;
  bool has_tool_calls = false;     // "tool_calls" present and not null
  bool has_function_call = false;  // "function_call" present and not null
  JsonKind weight_kind = JsonKind::Missing;
  double weight = 0;  // when weight_kind is Number
  std::vector<std::string> unknown_keys;  // keys outside the known message keys
};

struct ExampleShape {
  JsonKind messages_kind = JsonKind::Missing;
  std::vector<MessageShape> messages;  // empty unless messages_kind is Array
  // "prompt"/"completion" without "messages": the legacy completion format.
  bool legacy_prompt_completion = false;

  void clear();
};

// The message keys the OpenAI chat format knows; other keys draw a warning.
bool is_known_message_key(std::string_view key);

// Shape of a parsed example (must be an object).
void shape_of(const Json& example, ExampleShape& out);

// Appends normalize_text(text) to `out` (same bytes, without a temporary string).
void append_normalized(std::string& out, std::string_view text);

// stable_hash(normalized_example(c)) for the conversation c the shape came from,
// computed from the shape (see normalize.h). `scratch` is reused between calls.
std::uint64_t normalized_hash(const ExampleShape& shape, std::string& scratch);

}  // namespace tunesmith::data
