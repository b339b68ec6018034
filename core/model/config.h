#pragma once
// config.json and generation_config.json of a Hugging Face causal LM, for the
// Llama family. Torch-free: estimators (memory, time) read these without tensors.
//
// Supported architectures:
//   LlamaForCausalLM   Llama 2, 3, 3.1/3.2 (rope_scaling llama3 or linear), TinyLlama, SmolLM2
//   MistralForCausalLM Mistral (sliding_window)
//   Qwen2ForCausalLM   Qwen2/2.5 (bias on q/k/v)
//   Qwen3ForCausalLM   Qwen3 (RMSNorm on q and k per head)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::model {

enum class Arch { Llama, Mistral, Qwen2, Qwen3 };

std::string_view arch_name(Arch a);        // "llama"
std::string_view arch_class_name(Arch a);  // "LlamaForCausalLM"
std::optional<Arch> parse_arch(std::string_view name);  // "llama" or "LlamaForCausalLM"

struct RopeScaling {
  enum class Type { None, Linear, Llama3 };
  Type type = Type::None;
  double factor = 1.0;                           // linear and llama3
  double low_freq_factor = 1.0;                  // llama3, e.g. 1
  double high_freq_factor = 4.0;                 // llama3, e.g. 4
  std::int64_t original_max_position_embeddings = 8192;  // llama3
};

struct ModelConfig {
  Arch arch = Arch::Llama;
  std::int64_t vocab_size = 32000;             // V
  std::int64_t hidden_size = 4096;             // C
  std::int64_t intermediate_size = 11008;      // I, SwiGLU width
  std::int64_t num_hidden_layers = 32;         // L
  std::int64_t num_attention_heads = 32;       // H
  std::int64_t num_key_value_heads = 32;       // KV (GQA: H % KV == 0; KV == H is MHA)
  std::int64_t head_dim = 128;                 // D (hidden_size / H unless given)
  double rms_norm_eps = 1e-6;                  // 1e-5 for Llama 2/3
  double rope_theta = 10000.0;                 // 500000 for Llama 3, 1e6 for Qwen
  RopeScaling rope_scaling;
  std::int64_t max_position_embeddings = 4096;
  bool tie_word_embeddings = false;            // lm_head shares embed_tokens
  bool attention_bias = false;                 // bias on q/k/v (and o for Llama/Qwen3)
  bool mlp_bias = false;                       // Llama only
  std::optional<std::int64_t> sliding_window;  // Mistral: a token sees at most this many keys
  std::string torch_dtype = "float32";         // as stored ("bfloat16", "float32", ...)
  std::optional<std::int64_t> bos_token_id;
  std::vector<std::int64_t> eos_token_ids;
  std::optional<std::int64_t> pad_token_id;

  bool qkv_bias() const { return attention_bias || arch == Arch::Qwen2; }
  bool o_bias() const { return attention_bias && (arch == Arch::Llama || arch == Arch::Qwen3); }
  bool qk_norm() const { return arch == Arch::Qwen3; }
  std::int64_t num_parameters() const;

  // Parses and validates; `path` names the file in messages. Throws ModelError for an
  // unsupported architecture or value (listing what is supported) or a bad field.
  static ModelConfig from_json(const data::Json& j, const std::string& path = "config.json");
  static ModelConfig from_file(const std::string& path);  // throws data::IoError, ModelError
  data::Json to_json() const;  // the config.json that transformers writes for this model
  void validate(const std::string& path = "config.json") const;
};

// generation_config.json: the defaults generate() starts from (HF GenerationConfig).
struct GenerationConfig {
  bool do_sample = false;
  double temperature = 1.0;
  std::int64_t top_k = 50;
  double top_p = 1.0;
  std::optional<std::int64_t> max_new_tokens;
  std::vector<std::int64_t> eos_token_ids;
  std::optional<std::int64_t> bos_token_id;
  std::optional<std::int64_t> pad_token_id;

  static GenerationConfig from_json(const data::Json& j, const std::string& path = "generation_config.json");
  static GenerationConfig from_file(const std::string& path);
  data::Json to_json() const;
};

}  // namespace tunesmith::model
