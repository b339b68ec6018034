#pragma once
// Alpaca-format data (as LLaMA-Factory defines it) to chat examples:
//   {"instruction": "...", "input": "...", "output": "...", "system": "...",
//    "history": [["user turn", "assistant turn"], ...]}
// in a JSON array or JSON Lines. The example becomes: system (the record's, else
// --system), the history pairs in order, then user = instruction [+ "\n\n" + input] and
// assistant = output.
#include <string>

#include "core/data/import.h"
#include "core/data/json.h"

namespace tunesmith::data {

ImportResult import_alpaca(const std::string& path, const ImportOptions& options);

// One record to an example; throws std::invalid_argument with a message fit for the
// user when the record cannot be converted.
Conversation alpaca_to_conversation(const Json& record, const ImportOptions& options);

}  // namespace tunesmith::data
