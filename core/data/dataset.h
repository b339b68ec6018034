#pragma once
// A JSONL dataset held in memory (the editor's and the CLI's working copy). For files
// bigger than memory, stream with LineReader instead (the validator does).
#include <string>
#include <vector>

#include "core/data/conversation.h"
#include "core/data/finding.h"

namespace tunesmith::data {

struct Dataset {
  std::string path;
  std::vector<Conversation> examples;
  std::vector<std::size_t> lines;  // source line of each example (0 for ones added in the app)
};

struct LoadResult {
  Dataset dataset;
  std::vector<Finding> findings;  // lines that could not be read as an object (skipped)
};

// Reads every line that holds a JSON object; other non-blank lines become error
// findings ("invalid-json" with line and column, "not-an-object", "line-too-long",
// "not-text"). Throws IoError when the file cannot be read at all.
LoadResult load_jsonl(const std::string& path);

// Writes the examples atomically, one line each, untouched examples byte for byte.
void save_jsonl(const std::string& path, const std::vector<Conversation>& examples);

// The column (1-based) of a nlohmann parse error inside a single line.
std::size_t parse_error_column(const std::exception& e);

}  // namespace tunesmith::data
