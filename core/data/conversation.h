#pragma once
// One training example in OpenAI's chat format:
//   {"messages": [{"role": "system"|"user"|"assistant"|..., "content": ...}, ...], ...}
// The whole JSON object is kept, so every field the app does not interpret (name,
// weight, tool_calls, tools, functions, metadata, expected, unknown keys) survives a
// read-write cycle. An example that was never edited is written back byte for byte.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::data {

enum class Role { System, Developer, User, Assistant, Tool, Function };

std::optional<Role> role_from_string(std::string_view name);
std::string_view role_name(Role role);

// Content as text: a string as is; a list of content parts as the concatenation of its
// text parts (separated by "\n"); anything else (null, numbers, objects) as "".
std::string content_text(const Json& content);

class Conversation {
 public:
  Conversation();                     // {"messages": []}
  explicit Conversation(Json value);  // any JSON object
  // Parses one JSONL line and keeps it as the untouched source text. Throws
  // Json::parse_error on invalid JSON and std::invalid_argument when not an object.
  static Conversation from_jsonl(std::string_view line);

  const Json& json() const { return value_; }
  // For edits not covered below. Marks the example modified.
  Json& mutable_json();
  bool is_modified() const { return source_.empty(); }
  // One line of JSONL, without the line break: the source line when untouched.
  std::string to_jsonl() const;

  std::size_t message_count() const;
  bool has_message_list() const;
  std::string role(std::size_t i) const;     // "" when missing or not a string
  std::string text(std::size_t i) const;     // content_text() of message i
  const Json& message(std::size_t i) const;  // the message object (throws when out of range)

  void set_role(std::size_t i, std::string_view role);
  void set_text(std::size_t i, std::string_view text);  // content becomes a string
  void insert_message(std::size_t at, std::string_view role, std::string_view text);
  void remove_message(std::size_t i);
  void move_message(std::size_t from, std::size_t to);
  // Sets the leading system message's text, inserting one at the top when absent.
  void set_system_prompt(std::string_view text);

  // First / last message with the given role, as text; "" when there is none.
  std::string first_text(std::string_view role) const;
  std::string last_text(std::string_view role) const;
  // The "expected" key phrases of a test example: a string or a list of strings.
  std::vector<std::string> expected() const;

 private:
  Json& messages_mut();
  Json value_;
  std::string source_;  // the original line while the example is untouched
};

}  // namespace tunesmith::data
