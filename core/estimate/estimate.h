#pragma once
// Estimates before a launch: tokens and dollars for an OpenAI fine-tuning job, time and
// GPU memory for a local run. Qt-free and torch-free: they need token counts, a price
// table and config.json fields, not tensors.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/conversation.h"
#include "core/data/json.h"
#include "core/data/token_counter.h"

namespace tunesmith::estimate {

using Json = data::Json;

// OpenAI's default number of epochs (the fine-tuning guide's cost cookbook): 3, raised
// so small datasets see at least 100 examples (at most 25 epochs) and lowered so big
// ones see at most 25,000 (at least 1 epoch). Integer division, as OpenAI's code does.
inline constexpr int kTargetEpochs = 3;
inline constexpr std::size_t kMinTargetExamples = 100;
inline constexpr std::size_t kMaxTargetExamples = 25000;
inline constexpr int kMinDefaultEpochs = 1;
inline constexpr int kMaxDefaultEpochs = 25;
int openai_default_epochs(std::size_t n_examples);

// Tokens of one example as OpenAI counts a chat: the text of every message plus
// data::kTokensPerMessage each plus data::kTokensPerConversation. Tool calls and
// function calls count as their JSON text.
std::size_t example_tokens(const data::Conversation& example, const data::TokenCounter& counter);

struct TokenEstimate {
  std::size_t examples = 0;
  std::uint64_t tokens = 0;          // all tokens, before truncation
  std::uint64_t billed_per_epoch = 0;  // sum of min(tokens, context_limit)
  std::size_t truncated = 0;         // examples longer than the limit
  std::size_t max_example_tokens = 0;
  bool is_estimate = true;           // counted with the byte heuristic, not a tokenizer
};
TokenEstimate count_training_tokens(const std::vector<data::Conversation>& examples,
                                    const data::TokenCounter& counter, std::size_t context_limit);

// ---------------------------------------------------------------- prices

struct PriceEntry {
  std::string model;  // "gpt-4o-mini-2024-07-18"
  std::vector<std::string> aliases;  // "gpt-4o-mini"
  std::optional<double> training_per_1m;  // USD per 1M training tokens (nullopt: not fine-tunable)
  std::optional<double> input_per_1m, cached_input_per_1m, output_per_1m;  // the fine-tuned model's inference
};

struct PriceTable {
  std::string as_of;  // "2025-06-01"
  std::string currency = "USD";
  std::string note, source;
  std::vector<PriceEntry> models;
  // Exact id, then an alias, then the base of a fine-tuned id ("ft:BASE:org:suffix:id"),
  // then the longest entry that `model` starts with. nullptr when none.
  const PriceEntry* find(std::string_view model) const;
};

struct PriceTableError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
PriceTable parse_price_table(const Json& j);          // throws PriceTableError
PriceTable load_price_table(const std::string& path); // throws PriceTableError

struct CostEstimate {
  int epochs = 0;
  bool default_epochs = true;          // epochs from openai_default_epochs()
  std::uint64_t billed_tokens = 0;     // billed_per_epoch * epochs
  std::optional<double> dollars;       // nullopt when the model has no training price
  std::string priced_as;               // the price table entry used ("" when none)
  std::string price_as_of;
  bool tokens_estimated = true;
};
CostEstimate estimate_openai_cost(const TokenEstimate& tokens, std::optional<int> epochs, std::string_view model,
                                  const PriceTable* prices);

// ---------------------------------------------------------------- local runs

// The shape fields of a Hugging Face config.json (Llama, Mistral, Qwen2/3 layout).
struct ModelShape {
  std::int64_t hidden = 0, intermediate = 0, layers = 0, heads = 0, kv_heads = 0, vocab = 0, head_dim = 0;
  bool tie_embeddings = false;
  std::int64_t parameter_count = 0;  // the weights' element count, biases and norms included
  std::int64_t parameters() const { return parameter_count; }
};
// Parsed and checked by model::ModelConfig, the loader's own reader, so an estimate never
// accepts a config that loading would refuse. Throws std::invalid_argument naming the field.
ModelShape model_shape_from_config(const Json& config);

enum class Quantization { None16, Int8, NF4, Float32 };
double bytes_per_weight(Quantization q);

struct LocalRunSetup {
  int lora_rank = 16;          // 0 = full fine-tuning
  bool all_linear = false;     // LoRA on all 7 linear layers, else q_proj and v_proj
  std::int64_t seq_len = 2048;
  std::int64_t batch = 1;      // micro-batch
  Quantization quantization = Quantization::None16;
  bool gradient_checkpointing = true;
};

// GiB per part; a rough upper-bound style estimate (documented in estimate.cpp).
struct VramEstimate {
  double weights = 0, trainable = 0, gradients = 0, optimizer = 0, activations = 0, logits = 0, overhead = 0;
  std::int64_t trainable_parameters = 0;
  double total() const { return weights + trainable + gradients + optimizer + activations + logits + overhead; }
};
VramEstimate estimate_vram(const ModelShape& shape, const LocalRunSetup& setup);

// Seconds for `tokens` tokens of training (all epochs) at a measured throughput.
double estimate_local_seconds(std::uint64_t tokens, double tokens_per_s);

}  // namespace tunesmith::estimate
