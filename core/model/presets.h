#pragma once
// `model init`: named model shapes and a seeded random initialization, written as a
// complete Hugging Face folder (config.json, model.safetensors, generation_config.json,
// tokenizer.json, tokenizer_config.json).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <c10/core/ScalarType.h>

#include "core/model/config.h"
#include "core/model/transformer.h"

namespace tunesmith::model {

struct Preset {
  std::string name;         // "tiny", "small-100m", "llama-3.2-1b", ...
  std::optional<Arch> arch; // fixed for real-model shapes; chosen by --arch otherwise
  bool vocab_from_tokenizer;  // tiny/small-100m: the tokenizer's vocabulary size
  ModelConfig config;
  std::string description;
};

const std::vector<Preset>& presets();
const Preset* find_preset(const std::string& name);
std::string preset_names();  // "tiny, small-100m, ..." for messages

// The config of `preset` for `arch` (which must match a fixed one) and a tokenizer
// of `tokenizer_vocab` ids (0: unknown). Throws ModelError for unknown names or
// conflicts (e.g. the tokenizer has more ids than the preset's vocabulary).
ModelConfig preset_config(const std::string& preset, std::optional<Arch> arch, std::int64_t tokenizer_vocab);

// Normal(0, 0.02) projections and embeddings, ones for norms, zeros for biases, from
// a CPU generator seeded with `seed`: the same seed gives bit-identical weights.
Transformer init_random(const ModelConfig& config, std::uint64_t seed);

// What the tokenizer folder says: vocab size (highest id + 1 over model.vocab and
// added_tokens) and the ids of bos/eos/pad from tokenizer_config.json.
struct TokenizerFacts {
  std::int64_t vocab_size = 0;
  std::optional<std::int64_t> bos_id, eos_id, pad_id;
};
TokenizerFacts read_tokenizer_facts(const std::string& tokenizer_dir);

struct InitOptions {
  std::optional<Arch> arch;
  std::string preset = "tiny";
  std::string tokenizer_dir;  // required: its files are copied into the model folder
  std::string out_dir;
  std::uint64_t seed = 0;
  c10::ScalarType dtype = c10::kFloat;
};
// Returns the config written.
ModelConfig init_model(const InitOptions& options);

}  // namespace tunesmith::model
