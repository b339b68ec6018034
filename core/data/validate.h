#pragma once
// Validation of OpenAI chat fine-tuning data: one Finding per problem, with a category,
// the file, line and column. Streaming for files bigger than memory (validate_file) and
// in-memory for the editor (validate_dataset). Both apply the same rules (rules.h, on
// the ExampleShape of each example).
//
// Categories (severity): invalid-json, invalid-utf8, not-an-object, not-text, not-utf8,
// empty-file, line-too-long, too-many-errors, missing-messages, message-not-object,
// missing-role, unknown-role, missing-content, content-type, empty-assistant-content,
// missing-assistant, invalid-weight (errors); deprecated-role, unknown-key, empty-content,
// role-order, duplicate, too-many-tokens (warnings); dataset-size (error, warning or
// note by the number of examples and the target).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"
#include "core/data/token_counter.h"

namespace tunesmith::data {

enum class Target { OpenAI, Local };

// Per-example token limits when ValidationOptions::max_tokens is 0. OpenAI: the
// training context of gpt-4o-mini and gpt-4.1 (65,536 tokens; gpt-3.5-turbo has
// 16,385: pass --max-tokens for it). Local: a context that small models train at
// comfortably on one GPU.
inline constexpr std::size_t kOpenAIMaxTokens = 65536;
inline constexpr std::size_t kLocalMaxTokens = 4096;
std::size_t default_max_tokens(Target target);

// So many unreadable lines in a row mean the file is not JSONL (a CSV, a log, a
// concatenated JSON document): stop there with one summary finding instead of thousands.
inline constexpr std::size_t kMaxConsecutiveBadLines = 10;

struct ValidationOptions {
  Target target = Target::OpenAI;  // OpenAI: dataset-size rules are errors; Local: warnings
  std::size_t max_tokens = 0;      // per-example limit; 0 = the target's default
  const TokenCounter* tokens = nullptr;  // nullptr = EstimatedTokenCounter
  // Called now and then while a file is read (bytes done, file size); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct ValidationReport {
  std::vector<Finding> findings;
  std::size_t examples = 0;  // lines that hold a JSON object
  std::size_t lines = 0;     // lines read
  std::uint64_t bytes = 0;   // bytes read
  bool stopped_early = false;  // too many unreadable lines in a row
};

// Streams the file. Throws IoError when it cannot be read at all.
std::vector<Finding> validate_file(const std::string& path, const ValidationOptions& options);
// The same, with counts.
ValidationReport validate_file_report(const std::string& path, const ValidationOptions& options);

// The same rules over a loaded dataset (Finding::example is the index into examples;
// Finding::line the example's source line when it has one).
std::vector<Finding> validate_dataset(const Dataset& dataset, const ValidationOptions& options);

}  // namespace tunesmith::data
