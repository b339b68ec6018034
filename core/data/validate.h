#pragma once
// Validation of OpenAI chat fine-tuning data: one Finding per problem, with a category,
// the file, line and column. Streaming for files bigger than memory (validate_file) and
// in-memory for the editor (validate_dataset). Both apply the same rules.
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"
#include "core/data/token_counter.h"

namespace tunesmith::data {

enum class Target { OpenAI, Local };

struct ValidationOptions {
  Target target = Target::OpenAI;  // OpenAI: dataset-size rules are errors; Local: warnings
  std::size_t max_tokens = 0;      // per-example limit; 0 = the target's default
  const TokenCounter* tokens = nullptr;  // nullptr = EstimatedTokenCounter
};

// Streams the file. Throws IoError when it cannot be read at all.
std::vector<Finding> validate_file(const std::string& path, const ValidationOptions& options);

// The same rules over a loaded dataset (Finding::example is the index into examples;
// Finding::line the example's source line when it has one).
std::vector<Finding> validate_dataset(const Dataset& dataset, const ValidationOptions& options);

}  // namespace tunesmith::data
