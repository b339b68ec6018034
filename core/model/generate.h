#pragma once
// Autoregressive generation on token ids: a batch of prompts, left-padded, one
// prefill forward then one forward per new token through the KV cache.
// Text-level concerns (chat template, detokenizing) come in as callbacks, so this
// file does not depend on the tokenizer.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model/sampling.h"
#include "core/model/transformer.h"

namespace tunesmith::model {

enum class FinishReason { Eos, StopString, Length, Cancelled };
std::string_view finish_reason_name(FinishReason r);  // "eos", "stop", "length", "cancelled"

struct GenerateOptions {
  std::int64_t max_new_tokens = 128;
  // Every row draws from its own generator seeded with sampling.seed, so a prompt gives
  // the same text alone or in any batch.
  SamplingParams sampling;
  std::vector<std::int64_t> eos_token_ids;  // stop after any of these (kept out of `tokens`)
  std::vector<std::string> stop_strings;    // stop once the decoded text contains one
  // ids -> text; required for stop strings and for Generation::text.
  std::function<std::string(const std::vector<std::int64_t>&)> decode;
  // Called for each generated token of each row as soon as it is chosen (not for eos).
  std::function<void(std::size_t row, std::int64_t token)> on_token;
  const std::atomic<bool>* cancel = nullptr;  // checked before every forward
  std::int64_t pad_token_id = 0;              // fills the left padding (masked out)
};

struct Generation {
  std::vector<std::int64_t> tokens;  // generated ids, without the prompt and the eos
  FinishReason finish = FinishReason::Length;
  std::string text;  // decode(tokens) cut before the stop string; empty without decode
};

// prompts: token ids per row (each non-empty). Runs under c10::InferenceMode.
std::vector<Generation> generate(const Transformer& net, const std::vector<std::vector<std::int64_t>>& prompts,
                                 const GenerateOptions& options);

}  // namespace tunesmith::model
