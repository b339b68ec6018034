#include "core/train/peft_io.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/data/json.h"
#include "core/model/error.h"
#include "core/model/weights.h"

namespace tunesmith::train {
namespace fs = std::filesystem;
using model::ModelError;
// Plain (sorted) JSON: PEFT writes adapter_config.json with sort_keys=True.
using SortedJson = nlohmann::json;

namespace {

constexpr const char* kConfigFile = "adapter_config.json";
constexpr const char* kWeightsFile = "adapter_model.safetensors";

std::string shape_str(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// Reads the fields of adapter_config.json, each error naming the file and the field.
class ConfigReader {
 public:
  ConfigReader(std::string path, SortedJson j) : path_(std::move(path)), j_(std::move(j)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw ModelError(path_ + ": field '" + field + "' " + what);
  }
  // Present and not null.
  bool has(const std::string& field) const { return j_.contains(field) && !j_[field].is_null(); }
  const SortedJson& at(const std::string& field) const { return j_[field]; }

  double number(const std::string& field, double fallback) const {
    if (!has(field)) return fallback;
    if (!j_[field].is_number()) fail(field, "must be a number, not " + j_[field].dump());
    return j_[field].get<double>();
  }
  bool boolean(const std::string& field, bool fallback) const {
    if (!has(field)) return fallback;
    if (!j_[field].is_boolean()) fail(field, "must be true or false, not " + j_[field].dump());
    return j_[field].get<bool>();
  }
  // Fields whose non-default values change the model in ways Tunesmith does not implement.
  void require_false(const std::string& field, const std::string& why) const {
    if (has(field) && j_[field] != false) fail(field, "is " + j_[field].dump() + ": " + why);
  }
  void require_empty(const std::string& field, const std::string& why) const {
    if (has(field) && !j_[field].empty()) fail(field, "is " + j_[field].dump() + ": " + why);
  }

 private:
  std::string path_;
  SortedJson j_;
};

std::vector<std::string> string_list(const ConfigReader& c, const std::string& field) {
  std::vector<std::string> out;
  for (const auto& v : c.at(field)) {
    if (!v.is_string()) c.fail(field, "must list module names as strings, not " + v.dump());
    out.push_back(v.get<std::string>());
  }
  return out;
}

template <typename T>
std::vector<std::pair<std::string, T>> pattern(const ConfigReader& c, const std::string& field, bool integer) {
  std::vector<std::pair<std::string, T>> out;
  if (!c.has(field)) return out;
  if (!c.at(field).is_object()) c.fail(field, "must be an object of module pattern -> value");
  for (auto it = c.at(field).begin(); it != c.at(field).end(); ++it) {
    const auto& v = it.value();
    if (integer ? !v.is_number_integer() || v.get<std::int64_t>() < 1 : !v.is_number())
      c.fail(field, "'" + it.key() + "' must be " + (integer ? "a positive integer" : "a number") + ", not " +
                        v.dump());
    out.emplace_back(it.key(), v.get<T>());
  }
  return out;
}

SortedJson number_json(double x) {
  // Whole numbers as integers (PEFT's lora_alpha is an int field: 32, not 32.0).
  if (std::floor(x) == x && std::fabs(x) < 9e15) return static_cast<std::int64_t>(x);
  return x;
}

}  // namespace

LoraConfig read_adapter_config(const std::string& dir, std::string* base_model_name_or_path) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw data::IoError(dir + ": not a folder");
  const std::string path = (fs::path(dir) / kConfigFile).string();
  if (!fs::exists(path, ec)) throw ModelError(dir + ": no " + std::string(kConfigFile) + " in the adapter folder");
  SortedJson j;
  try {
    j = SortedJson::parse(data::read_file(path));
  } catch (const SortedJson::exception& e) {
    throw ModelError(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw ModelError(path + ": must be a JSON object");
  // Preserve the file's key order for rank_pattern / alpha_pattern (PEFT takes the first
  // matching key); the sorted parse above serves everything else.
  const auto ordered = data::Json::parse(data::read_file(path));
  const ConfigReader c(path, j);

  if (!c.has("peft_type") || c.at("peft_type") != "LORA")
    c.fail("peft_type", std::string("is ") + (c.has("peft_type") ? c.at("peft_type").dump() : "missing") +
                            "; Tunesmith reads LoRA adapters (\"LORA\")");
  c.require_false("use_dora", "DoRA adapters are not supported; train a plain LoRA adapter");
  c.require_false("fan_in_fan_out", "only nn.Linear-style weights (out, in) are supported");
  c.require_false("lora_bias", "LoRA biases on lora_B are not supported");
  if (c.has("bias") && c.at("bias") != "none")
    c.fail("bias", "is " + c.at("bias").dump() + ": only \"none\" is supported (no bias training)");
  c.require_empty("modules_to_save", "fully trained extra modules are not supported");
  c.require_empty("layer_replication", "layer replication is not supported");
  c.require_empty("exclude_modules", "excluded modules are not supported");
  c.require_empty("trainable_token_indices", "trainable token embeddings are not supported");
  c.require_empty("target_parameters", "LoRA on raw parameters is not supported");
  if (c.has("layers_pattern")) {
    const auto& lp = c.at("layers_pattern");
    if (lp != "layers" && lp != SortedJson::array({"layers"}) && !lp.empty())
      c.fail("layers_pattern", "is " + lp.dump() + "; the model's layers are 'model.layers'");
  }

  LoraConfig cfg;
  const double r = c.number("r", 8);  // PEFT's default rank
  if (c.has("r") && (!c.at("r").is_number_integer() || r < 1))
    c.fail("r", "must be a positive integer, not " + c.at("r").dump());
  cfg.r = static_cast<std::int64_t>(r);
  cfg.alpha = c.number("lora_alpha", 8);
  cfg.dropout = c.number("lora_dropout", 0.0);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) c.fail("lora_dropout", "must be in [0, 1)");
  cfg.use_rslora = c.boolean("use_rslora", false);

  if (!c.has("target_modules")) {
    // PEFT's default for Llama, Mistral and Qwen2/3 (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING).
    cfg.target_modules = {"q_proj", "v_proj"};
  } else if (c.at("target_modules").is_string()) {
    // A string is a regex full-matched against module names, except PEFT's "all-linear".
    const std::string s = c.at("target_modules").get<std::string>();
    if (s == "all-linear") {
      cfg.target_modules = all_linear_targets();
    } else {
      cfg.target_modules.clear();
      cfg.target_regex = s;
      try {
        std::regex check(s);
      } catch (const std::regex_error& e) {
        c.fail("target_modules", "is not a valid regular expression: " + std::string(e.what()));
      }
    }
  } else if (c.at("target_modules").is_array()) {
    cfg.target_modules = string_list(c, "target_modules");
    if (cfg.target_modules.empty()) c.fail("target_modules", "is empty");
  } else {
    c.fail("target_modules", "must be a list of module names or a regex string, not " + c.at("target_modules").dump());
  }

  if (c.has("layers_to_transform")) {
    const auto& l = c.at("layers_to_transform");
    if (l.is_number_integer()) {
      cfg.layers_to_transform = {l.get<std::int64_t>()};
    } else if (l.is_array()) {
      for (const auto& v : l) {
        if (!v.is_number_integer()) c.fail("layers_to_transform", "must list layer indices, not " + v.dump());
        cfg.layers_to_transform.push_back(v.get<std::int64_t>());
      }
    } else {
      c.fail("layers_to_transform", "must be a layer index or a list of them, not " + l.dump());
    }
  }
  // Values checked on the sorted copy, then put back in file order.
  cfg.rank_pattern = pattern<std::int64_t>(c, "rank_pattern", true);
  cfg.alpha_pattern = pattern<double>(c, "alpha_pattern", false);
  auto reorder = [&](auto& patterns, const char* field) {
    if (!ordered.contains(field) || !ordered[field].is_object()) return;
    std::remove_reference_t<decltype(patterns)> in_order;
    for (auto it = ordered[field].begin(); it != ordered[field].end(); ++it)
      for (const auto& p : patterns)
        if (p.first == it.key()) in_order.push_back(p);
    patterns = in_order;
  };
  reorder(cfg.rank_pattern, "rank_pattern");
  reorder(cfg.alpha_pattern, "alpha_pattern");
  for (const auto& [key, value] : cfg.rank_pattern) {
    try {
      std::regex check("(.*\\.)?(" + key + ")");
    } catch (const std::regex_error& e) {
      c.fail("rank_pattern", "key '" + key + "' is not a valid regular expression: " + e.what());
    }
  }
  for (const auto& [key, value] : cfg.alpha_pattern) {
    try {
      std::regex check("(.*\\.)?(" + key + ")");
    } catch (const std::regex_error& e) {
      c.fail("alpha_pattern", "key '" + key + "' is not a valid regular expression: " + e.what());
    }
  }

  if (base_model_name_or_path) {
    *base_model_name_or_path = "";
    if (c.has("base_model_name_or_path")) {
      if (!c.at("base_model_name_or_path").is_string()) c.fail("base_model_name_or_path", "must be a string");
      *base_model_name_or_path = c.at("base_model_name_or_path").get<std::string>();
    }
  }
  return cfg;
}

void save_adapter(const Lora& lora, const std::string& dir, const std::string& base_model) {
  const LoraConfig& cfg = lora.config();
  fs::create_directories(dir);

  // adapter_config.json with the fields PEFT's LoraConfig writes (PEFT ignores keys it
  // does not know, and older versions lack some of these; all values are the defaults
  // except those Tunesmith sets).
  SortedJson j;
  j["peft_type"] = "LORA";
  j["task_type"] = "CAUSAL_LM";
  j["base_model_name_or_path"] = base_model;
  j["revision"] = nullptr;
  j["r"] = cfg.r;
  j["lora_alpha"] = number_json(cfg.alpha);
  j["lora_dropout"] = cfg.dropout;
  j["use_rslora"] = cfg.use_rslora;
  if (!cfg.target_regex.empty()) {
    j["target_modules"] = cfg.target_regex;
  } else {
    std::vector<std::string> t = cfg.target_modules;
    if (std::find(t.begin(), t.end(), "all-linear") != t.end()) t = all_linear_targets();
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    j["target_modules"] = t;
  }
  j["layers_to_transform"] = cfg.layers_to_transform.empty() ? SortedJson(nullptr) : SortedJson(cfg.layers_to_transform);
  j["layers_pattern"] = nullptr;
  SortedJson rank = SortedJson::object(), alpha = SortedJson::object();
  for (const auto& [k, v] : cfg.rank_pattern) rank[k] = v;
  for (const auto& [k, v] : cfg.alpha_pattern) alpha[k] = number_json(v);
  j["rank_pattern"] = rank;
  j["alpha_pattern"] = alpha;
  j["bias"] = "none";
  j["fan_in_fan_out"] = false;
  j["inference_mode"] = true;
  j["init_lora_weights"] = true;
  j["modules_to_save"] = nullptr;
  j["use_dora"] = false;
  j["layer_replication"] = nullptr;
  j["loftq_config"] = SortedJson::object();
  j["megatron_config"] = nullptr;
  j["megatron_core"] = "megatron.core";
  j["auto_mapping"] = nullptr;

  // Weights first, config last: a folder whose config is new has its weights too.
  model::save_safetensors((fs::path(dir) / kWeightsFile).string(), lora.named_parameters());
  data::write_file_atomic((fs::path(dir) / kConfigFile).string(), j.dump(2) + "\n");
}

Lora load_adapter(model::Transformer& net, const std::string& dir) {
  const LoraConfig cfg = read_adapter_config(dir);
  const std::string config_path = (fs::path(dir) / kConfigFile).string();
  const std::string path = (fs::path(dir) / kWeightsFile).string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (fs::exists(fs::path(dir) / "adapter_model.bin", ec))
      throw ModelError(dir + ": adapter_model.bin is a pickle file, which Tunesmith does not load; save the adapter "
                             "with safetensors (PEFT's save_pretrained(..., safe_serialization=True))");
    throw ModelError(dir + ": no " + std::string(kWeightsFile) + " in the adapter folder");
  }
  const std::map<std::string, at::Tensor> stored = model::load_safetensors(path);

  Lora lora;
  try {
    lora = Lora::attach(net, cfg, /*seed=*/0);  // A is overwritten from the file below
  } catch (const std::invalid_argument& e) {
    throw ModelError(config_path + ": field 'target_modules': " + e.what());
  }

  // Every tensor checked before any is copied; one error lists every problem.
  std::vector<std::string> problems;
  std::set<std::string> expected;
  const auto params = lora.named_parameters();
  for (const auto& [name, param] : params) {
    expected.insert(name);
    auto it = stored.find(name);
    if (it == stored.end()) {
      problems.push_back("missing tensor '" + name + "' (expected shape " + shape_str(param.sizes().vec()) + ")");
      continue;
    }
    if (!at::isFloatingType(it->second.scalar_type()))
      problems.push_back("tensor '" + name + "' has dtype " + c10::toString(it->second.scalar_type()) +
                         "; adapter weights must be F32, F16, BF16 or F64");
    if (it->second.sizes() != param.sizes())
      problems.push_back("tensor '" + name + "' has shape " + shape_str(it->second.sizes().vec()) +
                         ", adapter_config.json and the model imply " + shape_str(param.sizes().vec()));
  }
  for (const auto& [name, t] : stored)
    if (!expected.count(name))
      problems.push_back("unexpected tensor '" + name + "' (no targeted projection of this model has that name)");
  if (!problems.empty()) {
    lora.detach();  // leave the model as it was
    std::string msg = path + ": the adapter does not fit the model (" + std::to_string(problems.size()) + " problem" +
                      (problems.size() > 1 ? "s" : "") + "):";
    const std::size_t shown = std::min<std::size_t>(problems.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) msg += "\n  " + problems[i];
    if (shown < problems.size()) msg += "\n  ... and " + std::to_string(problems.size() - shown) + " more";
    throw ModelError(msg);
  }

  c10::InferenceMode guard(false);  // before NoGradGuard: this guard re-enables grad mode
  at::NoGradGuard no_grad;
  for (const auto& [name, param] : params) const_cast<at::Tensor&>(param).copy_(stored.at(name));
  return lora;
}

}  // namespace tunesmith::train
