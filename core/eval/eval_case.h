#pragma once
// A test case of an evaluation: one example of a chat JSONL file, cut at its last
// assistant message. The input is the conversation before that message (what every
// answerer is asked), the reference is the message itself, and `expected` holds the
// example's key phrases for the contains scorer (CLI.md: a string or a list).
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::eval {

using Json = data::Json;

struct EvalCase {
  std::string id;          // the example's "id" field, else its 1-based line number
  std::size_t line = 0;    // where the example starts in its file
  Json input;              // messages array: everything before the last assistant message
  std::string reference;   // that assistant message's text ("" when the example has none)
  bool has_reference = false;
  std::optional<std::vector<std::string>> expected;  // nullopt: the example has no "expected"
  std::string system_prompt;  // the input's leading system message ("" when none)
  Json source;             // the whole example, as read
};

struct CaseError : std::runtime_error {
  using std::runtime_error::runtime_error;  // "FILE:LINE: message"
};

// One example -> a case. Throws CaseError naming `where` ("FILE:LINE") when the example
// has no messages or nothing to answer (no user message before the cut).
EvalCase make_case(const Json& example, std::size_t line, const std::string& where);

// Every example of a JSONL (or JSON array) file. Throws data::IoError when unreadable and
// CaseError on the first broken example (the file and line named).
std::vector<EvalCase> load_cases(const std::string& path);

// The text of the last user message of an input (for tables and judge prompts).
std::string last_user_text(const Json& input);
// The whole input as plain text, one "role: content" block per message.
std::string conversation_text(const Json& input);

}  // namespace tunesmith::eval
