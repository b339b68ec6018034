#include "core/model/config.h"

#include <array>

#include "core/data/atomic_file.h"
#include "core/model/error.h"

namespace tunesmith::model {
using data::Json;

namespace {

struct ArchRow {
  Arch arch;
  const char* name;
  const char* cls;
};
constexpr std::array<ArchRow, 4> kArchs = {{
    {Arch::Llama, "llama", "LlamaForCausalLM"},
    {Arch::Mistral, "mistral", "MistralForCausalLM"},
    {Arch::Qwen2, "qwen2", "Qwen2ForCausalLM"},
    {Arch::Qwen3, "qwen3", "Qwen3ForCausalLM"},
}};

std::string supported_archs() {
  std::string s;
  for (const auto& r : kArchs) s += (s.empty() ? "" : ", ") + std::string(r.cls);
  return s;
}

[[noreturn]] void bad(const std::string& path, const std::string& field, const std::string& what) {
  throw ModelError(path + ": \"" + field + "\": " + what);
}

std::optional<std::int64_t> opt_int(const Json& j, const std::string& key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) bad(path, key, "must be an integer, got " + it->dump());
  return it->get<std::int64_t>();
}
std::int64_t req_int(const Json& j, const std::string& key, const std::string& path) {
  auto v = opt_int(j, key, path);
  if (!v) bad(path, key, "is required");
  return *v;
}
std::optional<double> opt_num(const Json& j, const std::string& key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) bad(path, key, "must be a number, got " + it->dump());
  return it->get<double>();
}
std::optional<bool> opt_bool(const Json& j, const std::string& key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) bad(path, key, "must be true or false, got " + it->dump());
  return it->get<bool>();
}
// eos_token_id is an int or a list of ints.
std::vector<std::int64_t> int_or_list(const Json& j, const std::string& key, const std::string& path) {
  std::vector<std::int64_t> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (it->is_number_integer()) return {it->get<std::int64_t>()};
  if (!it->is_array()) bad(path, key, "must be an integer or a list of integers");
  for (const auto& x : *it) {
    if (!x.is_number_integer()) bad(path, key, "must be an integer or a list of integers");
    out.push_back(x.get<std::int64_t>());
  }
  return out;
}

Json parse_file(const std::string& path) {
  try {
    return Json::parse(data::read_file(path));
  } catch (const Json::exception& e) {
    throw ModelError(path + ": not valid JSON: " + e.what());
  }
}

}  // namespace

std::string_view arch_name(Arch a) {
  for (const auto& r : kArchs)
    if (r.arch == a) return r.name;
  return "?";
}
std::string_view arch_class_name(Arch a) {
  for (const auto& r : kArchs)
    if (r.arch == a) return r.cls;
  return "?";
}
std::optional<Arch> parse_arch(std::string_view name) {
  for (const auto& r : kArchs)
    if (name == r.name || name == r.cls) return r.arch;
  return std::nullopt;
}

std::int64_t ModelConfig::num_parameters() const {
  const std::int64_t C = hidden_size, V = vocab_size, I = intermediate_size, D = head_dim;
  const std::int64_t q = num_attention_heads * D, kv = num_key_value_heads * D;
  std::int64_t block = 2 * C;                        // two RMSNorms
  block += C * q + 2 * C * kv + q * C;               // q, k, v, o
  if (qkv_bias()) block += q + 2 * kv;
  if (o_bias()) block += C;
  if (qk_norm()) block += 2 * D;
  block += 3 * C * I + (mlp_bias ? 2 * I + C : 0);   // gate, up, down
  return V * C + num_hidden_layers * block + C + (tie_word_embeddings ? 0 : V * C);
}

ModelConfig ModelConfig::from_json(const Json& j, const std::string& path) {
  if (!j.is_object()) throw ModelError(path + ": not a JSON object");
  ModelConfig c;
  auto archs = j.find("architectures");
  if (archs == j.end() || !archs->is_array() || archs->empty() || !(*archs)[0].is_string())
    throw ModelError(path + ": \"architectures\" is missing; supported: " + supported_archs());
  const std::string cls = (*archs)[0].get<std::string>();
  auto arch = parse_arch(cls);
  if (!arch || cls.find("ForCausalLM") == std::string::npos)
    throw ModelError(path + ": architecture '" + cls + "' is not supported; supported: " + supported_archs());
  c.arch = *arch;

  c.vocab_size = req_int(j, "vocab_size", path);
  c.hidden_size = req_int(j, "hidden_size", path);
  c.intermediate_size = req_int(j, "intermediate_size", path);
  c.num_hidden_layers = req_int(j, "num_hidden_layers", path);
  c.num_attention_heads = req_int(j, "num_attention_heads", path);
  c.num_key_value_heads = opt_int(j, "num_key_value_heads", path).value_or(c.num_attention_heads);
  if (c.num_attention_heads <= 0) bad(path, "num_attention_heads", "must be positive");
  c.head_dim = opt_int(j, "head_dim", path).value_or(c.hidden_size / c.num_attention_heads);
  c.rms_norm_eps = opt_num(j, "rms_norm_eps", path).value_or(1e-6);
  c.rope_theta = opt_num(j, "rope_theta", path).value_or(10000.0);
  c.max_position_embeddings = opt_int(j, "max_position_embeddings", path).value_or(2048);
  // LlamaConfig, MistralConfig, Qwen2Config and Qwen3Config all default to untied.
  c.tie_word_embeddings = opt_bool(j, "tie_word_embeddings", path).value_or(false);
  c.attention_bias = opt_bool(j, "attention_bias", path).value_or(false);
  c.mlp_bias = opt_bool(j, "mlp_bias", path).value_or(false);
  if (c.mlp_bias && c.arch != Arch::Llama) bad(path, "mlp_bias", "is only supported for LlamaForCausalLM");
  if (c.attention_bias && c.arch == Arch::Mistral) bad(path, "attention_bias", "is not supported for MistralForCausalLM");

  if (auto act = j.find("hidden_act"); act != j.end() && !act->is_null()) {
    if (!act->is_string() || (act->get<std::string>() != "silu" && act->get<std::string>() != "swish"))
      bad(path, "hidden_act", act->dump() + " is not supported; supported: \"silu\"");
  }
  // Sliding window: Mistral always when set; Qwen only when use_sliding_window is true.
  if (auto sw = opt_int(j, "sliding_window", path)) {
    const bool use = c.arch == Arch::Mistral || opt_bool(j, "use_sliding_window", path).value_or(false);
    if (use) c.sliding_window = *sw;
  }
  if (auto it = j.find("torch_dtype"); it != j.end() && it->is_string()) c.torch_dtype = it->get<std::string>();
  else if (auto it2 = j.find("dtype"); it2 != j.end() && it2->is_string()) c.torch_dtype = it2->get<std::string>();
  c.bos_token_id = opt_int(j, "bos_token_id", path);
  c.eos_token_ids = int_or_list(j, "eos_token_id", path);
  c.pad_token_id = opt_int(j, "pad_token_id", path);

  if (auto rs = j.find("rope_scaling"); rs != j.end() && !rs->is_null()) {
    if (!rs->is_object()) bad(path, "rope_scaling", "must be an object or null");
    std::string type;
    if (auto t = rs->find("rope_type"); t != rs->end() && t->is_string()) type = t->get<std::string>();
    else if (auto t2 = rs->find("type"); t2 != rs->end() && t2->is_string()) type = t2->get<std::string>();
    const std::string where = "rope_scaling";
    if (type == "default" || type.empty()) {
      c.rope_scaling.type = RopeScaling::Type::None;
    } else if (type == "linear") {
      c.rope_scaling.type = RopeScaling::Type::Linear;
      c.rope_scaling.factor = opt_num(*rs, "factor", path).value_or(0);
    } else if (type == "llama3") {
      c.rope_scaling.type = RopeScaling::Type::Llama3;
      c.rope_scaling.factor = opt_num(*rs, "factor", path).value_or(0);
      c.rope_scaling.low_freq_factor = opt_num(*rs, "low_freq_factor", path).value_or(0);
      c.rope_scaling.high_freq_factor = opt_num(*rs, "high_freq_factor", path).value_or(0);
      c.rope_scaling.original_max_position_embeddings =
          opt_int(*rs, "original_max_position_embeddings", path).value_or(0);
    } else {
      bad(path, where, "type '" + type + "' is not supported; supported: \"default\", \"linear\", \"llama3\"");
    }
  }
  c.validate(path);
  return c;
}

void ModelConfig::validate(const std::string& path) const {
  auto positive = [&](const char* name, std::int64_t v) {
    if (v <= 0) bad(path, name, "must be positive, got " + std::to_string(v));
  };
  positive("vocab_size", vocab_size);
  positive("hidden_size", hidden_size);
  positive("intermediate_size", intermediate_size);
  positive("num_hidden_layers", num_hidden_layers);
  positive("num_attention_heads", num_attention_heads);
  positive("num_key_value_heads", num_key_value_heads);
  positive("head_dim", head_dim);
  positive("max_position_embeddings", max_position_embeddings);
  if (num_attention_heads % num_key_value_heads != 0)
    bad(path, "num_key_value_heads", std::to_string(num_key_value_heads) + " does not divide num_attention_heads " +
                                         std::to_string(num_attention_heads));
  if (head_dim % 2 != 0) bad(path, "head_dim", "must be even for rotary embeddings, got " + std::to_string(head_dim));
  if (!(rms_norm_eps > 0)) bad(path, "rms_norm_eps", "must be positive");
  if (!(rope_theta > 0)) bad(path, "rope_theta", "must be positive");
  if (sliding_window && *sliding_window <= 0) bad(path, "sliding_window", "must be positive");
  if (rope_scaling.type != RopeScaling::Type::None && !(rope_scaling.factor >= 1.0))
    bad(path, "rope_scaling", "\"factor\" must be at least 1");
  if (rope_scaling.type == RopeScaling::Type::Llama3) {
    if (!(rope_scaling.low_freq_factor > 0) || !(rope_scaling.high_freq_factor > rope_scaling.low_freq_factor))
      bad(path, "rope_scaling", "llama3 needs 0 < low_freq_factor < high_freq_factor");
    if (rope_scaling.original_max_position_embeddings <= 0)
      bad(path, "rope_scaling", "llama3 needs a positive original_max_position_embeddings");
  }
}

ModelConfig ModelConfig::from_file(const std::string& path) { return from_json(parse_file(path), path); }

Json ModelConfig::to_json() const {
  Json j;
  j["architectures"] = {std::string(arch_class_name(arch))};
  if (arch != Arch::Mistral && arch != Arch::Qwen2) j["attention_bias"] = attention_bias;
  j["attention_dropout"] = 0.0;
  if (bos_token_id) j["bos_token_id"] = *bos_token_id;
  if (eos_token_ids.size() == 1) j["eos_token_id"] = eos_token_ids[0];
  else if (!eos_token_ids.empty()) j["eos_token_id"] = eos_token_ids;
  j["head_dim"] = head_dim;
  j["hidden_act"] = "silu";
  j["hidden_size"] = hidden_size;
  j["initializer_range"] = 0.02;
  j["intermediate_size"] = intermediate_size;
  j["max_position_embeddings"] = max_position_embeddings;
  if (arch == Arch::Llama) j["mlp_bias"] = mlp_bias;
  j["model_type"] = std::string(arch_name(arch));
  j["num_attention_heads"] = num_attention_heads;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_key_value_heads"] = num_key_value_heads;
  if (pad_token_id) j["pad_token_id"] = *pad_token_id;
  j["rms_norm_eps"] = rms_norm_eps;
  switch (rope_scaling.type) {
    case RopeScaling::Type::None: j["rope_scaling"] = nullptr; break;
    case RopeScaling::Type::Linear: j["rope_scaling"] = {{"factor", rope_scaling.factor}, {"rope_type", "linear"}}; break;
    case RopeScaling::Type::Llama3:
      j["rope_scaling"] = {{"factor", rope_scaling.factor},
                           {"high_freq_factor", rope_scaling.high_freq_factor},
                           {"low_freq_factor", rope_scaling.low_freq_factor},
                           {"original_max_position_embeddings", rope_scaling.original_max_position_embeddings},
                           {"rope_type", "llama3"}};
      break;
  }
  j["rope_theta"] = rope_theta;
  if (arch == Arch::Qwen2 || arch == Arch::Qwen3) {
    j["use_sliding_window"] = sliding_window.has_value();
    j["sliding_window"] = sliding_window ? Json(*sliding_window) : Json(nullptr);
    j["max_window_layers"] = num_hidden_layers;
  } else if (arch == Arch::Mistral) {
    j["sliding_window"] = sliding_window ? Json(*sliding_window) : Json(nullptr);
  }
  j["tie_word_embeddings"] = tie_word_embeddings;
  j["torch_dtype"] = torch_dtype;
  j["transformers_version"] = "4.51.0";
  j["use_cache"] = true;
  j["vocab_size"] = vocab_size;
  return j;
}

GenerationConfig GenerationConfig::from_json(const Json& j, const std::string& path) {
  if (!j.is_object()) throw ModelError(path + ": not a JSON object");
  GenerationConfig g;
  g.do_sample = opt_bool(j, "do_sample", path).value_or(false);
  g.temperature = opt_num(j, "temperature", path).value_or(1.0);
  g.top_k = opt_int(j, "top_k", path).value_or(50);
  g.top_p = opt_num(j, "top_p", path).value_or(1.0);
  g.max_new_tokens = opt_int(j, "max_new_tokens", path);
  g.eos_token_ids = int_or_list(j, "eos_token_id", path);
  g.bos_token_id = opt_int(j, "bos_token_id", path);
  g.pad_token_id = opt_int(j, "pad_token_id", path);
  if (g.temperature < 0) bad(path, "temperature", "must not be negative");
  if (g.top_p <= 0 || g.top_p > 1) bad(path, "top_p", "must be in (0, 1]");
  if (g.top_k < 0) bad(path, "top_k", "must not be negative");
  return g;
}

GenerationConfig GenerationConfig::from_file(const std::string& path) { return from_json(parse_file(path), path); }

Json GenerationConfig::to_json() const {
  Json j;
  if (bos_token_id) j["bos_token_id"] = *bos_token_id;
  j["do_sample"] = do_sample;
  if (eos_token_ids.size() == 1) j["eos_token_id"] = eos_token_ids[0];
  else if (!eos_token_ids.empty()) j["eos_token_id"] = eos_token_ids;
  if (max_new_tokens) j["max_new_tokens"] = *max_new_tokens;
  if (pad_token_id) j["pad_token_id"] = *pad_token_id;
  if (do_sample) {
    j["temperature"] = temperature;
    j["top_k"] = top_k;
    j["top_p"] = top_p;
  }
  j["transformers_version"] = "4.51.0";
  return j;
}

}  // namespace tunesmith::model
