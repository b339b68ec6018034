#pragma once
// Dataset statistics for `data stats` and the editor's stats panel: examples, messages
// per example, characters and tokens per role, the distribution of example lengths, the
// examples a token limit would truncate and the tokens billed per epoch (as the OpenAI
// cookbook counts them: each example's tokens capped at the limit). Token counts come
// from a TokenCounter and are labelled "estimated" without a tokenizer.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"
#include "core/data/json.h"
#include "core/data/token_counter.h"
#include "core/data/validate.h"

namespace tunesmith::data {

struct StatsOptions {
  Target target = Target::OpenAI;  // picks the default token limit
  std::size_t max_tokens = 0;      // 0 = default_max_tokens(target)
  const TokenCounter* tokens = nullptr;  // nullptr = EstimatedTokenCounter
};

struct RoleStats {
  std::size_t messages = 0;
  std::uint64_t chars = 0;   // Unicode code points of the content text
  std::uint64_t tokens = 0;  // of the content text alone
};

struct HistogramBin {
  std::size_t low = 0, high = 0;  // example tokens in [low, high]
  std::size_t count = 0;
};

struct DatasetStats {
  std::string file;
  std::optional<Finding> not_jsonl;  // the file is binary / not UTF-8 / empty: nothing counted
  std::size_t examples = 0;
  std::size_t unreadable_lines = 0;  // non-blank lines that are not a JSON object
  std::size_t messages_min = 0, messages_max = 0;
  std::uint64_t messages_total = 0;
  // Indexed by Role (system, developer, user, assistant, tool, function); unknown roles
  // and messages without a role count under `other_role`.
  std::array<RoleStats, 6> by_role{};
  RoleStats other_role;
  std::vector<std::uint32_t> example_tokens;  // per example, sorted ascending
  std::size_t max_tokens = 0;
  std::size_t truncated = 0;  // examples over max_tokens
  std::uint64_t total_tokens = 0;
  std::uint64_t billable_tokens = 0;  // per epoch: sum of min(example tokens, max_tokens)
  bool estimated = true;

  double messages_mean() const;
  std::size_t percentile(double p) const;  // of example_tokens; p in [0, 100]
  std::uint64_t assistant_tokens() const;
};

// Streams the file (bounded memory: 4 bytes per example). Throws IoError.
DatasetStats compute_stats(const std::string& path, const StatsOptions& options);
// The same over a loaded dataset.
DatasetStats compute_stats(const Dataset& dataset, const StatsOptions& options);

// Power-of-two bins of example tokens, from the smallest to the largest non-empty one.
std::vector<HistogramBin> length_histogram(const DatasetStats& stats);

std::string format_stats(const DatasetStats& stats);  // readable text, several lines
Json stats_json(const DatasetStats& stats);

}  // namespace tunesmith::data
