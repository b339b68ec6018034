#pragma once
// ShareGPT-format data (as LLaMA-Factory and FastChat define it) to chat examples:
//   {"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}],
//    "system": "...", "tools": "[...]"}
// in a JSON array or JSON Lines. "messages" with "role"/"content" is read too (the
// OpenAI-style ShareGPT variant). Speakers map to roles:
//   human, user                                  -> user
//   gpt, assistant, chatgpt, bing, bard, model, ai -> assistant
//   system                                       -> system
//   function_call (the model calling a tool: {"name", "arguments"} or a list of them)
//                                                -> assistant message with tool_calls
//   observation, tool (the tool's answer)        -> tool message answering that call
// Any other speaker makes the record an error: guessing a role would train the model on
// the wrong side of the conversation.
#include <string>

#include "core/data/import.h"
#include "core/data/json.h"

namespace tunesmith::data {

ImportResult import_sharegpt(const std::string& path, const ImportOptions& options);

// One record to an example; throws std::invalid_argument with a message fit for the
// user when the record cannot be converted.
Conversation sharegpt_to_conversation(const Json& record, const ImportOptions& options);

}  // namespace tunesmith::data
