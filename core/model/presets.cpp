#include "core/model/presets.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>
#include <map>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/model/error.h"
#include "core/model/loader.h"

namespace tunesmith::model {
namespace fs = std::filesystem;
using data::Json;

namespace {

ModelConfig shape(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t inter, std::int64_t layers,
                  std::int64_t heads, std::int64_t kv, std::int64_t head_dim, double theta, double eps,
                  std::int64_t max_pos, bool tie) {
  ModelConfig c;
  c.arch = arch;
  c.vocab_size = vocab;
  c.hidden_size = hidden;
  c.intermediate_size = inter;
  c.num_hidden_layers = layers;
  c.num_attention_heads = heads;
  c.num_key_value_heads = kv;
  c.head_dim = head_dim;
  c.rope_theta = theta;
  c.rms_norm_eps = eps;
  c.max_position_embeddings = max_pos;
  c.tie_word_embeddings = tie;
  return c;
}

std::vector<Preset> make_presets() {
  std::vector<Preset> p;
  p.push_back({"tiny", std::nullopt, true,
               shape(Arch::Llama, 0, 64, 128, 2, 4, 2, 16, 10000.0, 1e-6, 2048, true),
               "2 layers, hidden 64, 4 heads (2 KV), for tests"});
  // The demo's base model, pretrained by Tunesmith on resources/demo/corpus (core/train/
  // demo_pretrain.h): wide and deep enough to write English after ~2 minutes of CPU
  // pretraining, small enough (1.4M parameters with the demo's 4096 ids) for that budget.
  p.push_back({"demo", std::nullopt, true,
               shape(Arch::Llama, 0, 128, 384, 4, 4, 4, 32, 10000.0, 1e-6, 2048, true),
               "4 layers, hidden 128, 4 heads: the demo base model pretrained on the demo corpus"});
  p.push_back({"small-100m", std::nullopt, true,
               shape(Arch::Llama, 0, 768, 2048, 12, 12, 4, 64, 10000.0, 1e-6, 4096, true),
               "12 layers, hidden 768, 12 heads (4 KV): ~100M parameters with a 32k vocabulary"});
  {
    ModelConfig c = shape(Arch::Llama, 128256, 2048, 8192, 16, 32, 8, 64, 500000.0, 1e-5, 131072, true);
    c.rope_scaling = {RopeScaling::Type::Llama3, 32.0, 1.0, 4.0, 8192};
    p.push_back({"llama-3.2-1b", Arch::Llama, false, c, "the shape of Llama 3.2 1B (1.24B parameters)"});
  }
  p.push_back({"qwen2.5-0.5b", Arch::Qwen2, false,
               shape(Arch::Qwen2, 151936, 896, 4864, 24, 14, 2, 64, 1000000.0, 1e-6, 32768, true),
               "the shape of Qwen2.5 0.5B (494M parameters)"});
  p.push_back({"qwen3-0.6b", Arch::Qwen3, false,
               shape(Arch::Qwen3, 151936, 1024, 3072, 28, 16, 8, 128, 1000000.0, 1e-6, 40960, true),
               "the shape of Qwen3 0.6B (596M parameters)"});
  p.push_back({"smollm2-135m", Arch::Llama, false,
               shape(Arch::Llama, 49152, 576, 1536, 30, 9, 3, 64, 100000.0, 1e-5, 8192, true),
               "the shape of SmolLM2 135M"});
  p.push_back({"mistral-7b", Arch::Mistral, false,
               shape(Arch::Mistral, 32768, 4096, 14336, 32, 32, 8, 128, 1000000.0, 1e-5, 32768, false),
               "the shape of Mistral 7B v0.3 (7.2B parameters; 29 GB in fp32)"});
  return p;
}

// A special token's content in tokenizer_config.json: "text" or {"content": "text"}.
std::optional<std::string> token_content(const Json& cfg, const char* key) {
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    return (*it)["content"].get<std::string>();
  return std::nullopt;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> p = make_presets();
  return p;
}

const Preset* find_preset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return &p;
  return nullptr;
}

std::string preset_names() {
  std::string s;
  for (const auto& p : presets()) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

ModelConfig preset_config(const std::string& name, std::optional<Arch> arch, std::int64_t tokenizer_vocab) {
  const Preset* p = find_preset(name);
  if (!p) throw ModelError("unknown preset '" + name + "'; presets: " + preset_names());
  ModelConfig c = p->config;
  if (p->arch) {
    if (arch && *arch != *p->arch)
      throw ModelError("preset '" + name + "' is a " + std::string(arch_name(*p->arch)) + " model; --arch " +
                       std::string(arch_name(*arch)) + " does not fit it");
    c.arch = *p->arch;
  } else {
    c.arch = arch.value_or(Arch::Llama);
  }
  if (p->vocab_from_tokenizer) {
    if (tokenizer_vocab <= 0) throw ModelError("preset '" + name + "' takes its vocabulary size from the tokenizer");
    c.vocab_size = tokenizer_vocab;
  } else if (tokenizer_vocab > c.vocab_size) {
    throw ModelError("the tokenizer has " + std::to_string(tokenizer_vocab) + " ids but preset '" + name +
                     "' has a vocabulary of " + std::to_string(c.vocab_size));
  }
  c.validate("preset " + name);
  return c;
}

Transformer init_random(const ModelConfig& config, std::uint64_t seed) {
  c10::InferenceMode guard(false);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  Transformer net(config);
  const auto opts = at::TensorOptions().dtype(at::kFloat);
  for (TensorSlot& slot : net.tensor_slots()) {
    const bool is_norm = slot.name.ends_with("norm.weight");
    const bool is_bias = slot.name.ends_with(".bias");
    if (is_norm) *slot.tensor = at::ones(slot.shape, opts);
    else if (is_bias) *slot.tensor = at::zeros(slot.shape, opts);
    else *slot.tensor = at::normal(0.0, 0.02, slot.shape, gen, opts);
  }
  net.finalize();
  return net;
}

TokenizerFacts read_tokenizer_facts(const std::string& dir) {
  const std::string tj_path = (fs::path(dir) / "tokenizer.json").string();
  // Plain (hashed) nlohmann::json: ordered_json inserts in linear time, which makes a
  // 150k-entry vocabulary quadratic to parse.
  nlohmann::json tj;
  try {
    tj = nlohmann::json::parse(data::read_file(tj_path));
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(tj_path + ": not valid JSON: " + e.what());
  }
  std::map<std::string, std::int64_t> ids;
  std::int64_t max_id = -1;
  if (tj.contains("model") && tj["model"].contains("vocab")) {
    const auto& vocab = tj["model"]["vocab"];
    if (vocab.is_object()) {
      for (auto it = vocab.begin(); it != vocab.end(); ++it)
        if (it.value().is_number_integer()) {
          ids[it.key()] = it.value().get<std::int64_t>();
          max_id = std::max(max_id, it.value().get<std::int64_t>());
        }
    } else if (vocab.is_array()) {  // Unigram: [[piece, score], ...], id = index
      for (std::size_t i = 0; i < vocab.size(); ++i)
        if (vocab[i].is_array() && !vocab[i].empty() && vocab[i][0].is_string())
          ids[vocab[i][0].get<std::string>()] = static_cast<std::int64_t>(i);
      max_id = static_cast<std::int64_t>(vocab.size()) - 1;
    }
  }
  if (tj.contains("added_tokens") && tj["added_tokens"].is_array())
    for (const auto& t : tj["added_tokens"])
      if (t.contains("id") && t["id"].is_number_integer()) {
        const auto id = t["id"].get<std::int64_t>();
        max_id = std::max(max_id, id);
        if (t.contains("content") && t["content"].is_string()) ids[t["content"].get<std::string>()] = id;
      }
  if (max_id < 0) throw ModelError(tj_path + ": no vocabulary found (model.vocab / added_tokens)");
  TokenizerFacts f;
  f.vocab_size = max_id + 1;
  const fs::path tc_path = fs::path(dir) / "tokenizer_config.json";
  std::error_code ec;
  if (fs::exists(tc_path, ec)) {
    Json tc;
    try {
      tc = Json::parse(data::read_file(tc_path.string()));
    } catch (const Json::exception& e) {
      throw ModelError(tc_path.string() + ": not valid JSON: " + e.what());
    }
    auto lookup = [&](const char* key) -> std::optional<std::int64_t> {
      auto content = token_content(tc, key);
      if (!content) return std::nullopt;
      auto it = ids.find(*content);
      return it == ids.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
    };
    f.bos_id = lookup("bos_token");
    f.eos_id = lookup("eos_token");
    f.pad_id = lookup("pad_token");
  }
  return f;
}

ModelConfig init_model(const InitOptions& o) {
  if (o.tokenizer_dir.empty()) throw ModelError("model init needs a tokenizer folder (--tokenizer DIR)");
  std::error_code ec;
  if (!fs::exists(fs::path(o.tokenizer_dir) / "tokenizer.json", ec))
    throw data::IoError(o.tokenizer_dir + ": no tokenizer.json in the folder");
  const TokenizerFacts facts = read_tokenizer_facts(o.tokenizer_dir);
  ModelConfig config = preset_config(o.preset, o.arch, facts.vocab_size);
  config.bos_token_id = facts.bos_id;
  if (facts.eos_id) config.eos_token_ids = {*facts.eos_id};
  config.pad_token_id = facts.pad_id;

  Transformer net = init_random(config, o.seed);
  GenerationConfig gen;
  gen.bos_token_id = config.bos_token_id;
  gen.eos_token_ids = config.eos_token_ids;
  gen.pad_token_id = config.pad_token_id;
  save_model(net, gen, o.out_dir, o.dtype);
  for (const char* name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja"}) {
    const fs::path src = fs::path(o.tokenizer_dir) / name;
    if (fs::exists(src, ec)) data::write_file_atomic((fs::path(o.out_dir) / name).string(), data::read_file(src.string()));
  }
  return config;
}

}  // namespace tunesmith::model
