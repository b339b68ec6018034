#include "core/train/lora.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <stdexcept>

namespace tunesmith::train {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The layer index of "model.layers.N.…", or -1.
std::int64_t layer_of(const std::string& name) {
  static const std::string prefix = "model.layers.";
  if (!name.starts_with(prefix)) return -1;
  const auto end = name.find('.', prefix.size());
  try {
    return std::stoll(name.substr(prefix.size(), end - prefix.size()));
  } catch (const std::exception&) {
    return -1;
  }
}

// PEFT's get_pattern_key: the first key K (in file order) with (.*\.)?(K)$ matching.
template <typename T>
const T* pattern_value(const std::vector<std::pair<std::string, T>>& patterns, const std::string& name) {
  for (const auto& [key, value] : patterns)
    if (std::regex_match(name, std::regex("(.*\\.)?(" + key + ")"))) return &value;
  return nullptr;
}

// One 64-bit seed per module from the run's seed and the module name, so a module's A
// does not depend on which other modules are targeted (splitmix64 of seed ^ FNV-1a).
std::uint64_t module_seed(std::uint64_t seed, const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  std::uint64_t z = seed ^ h;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

// ---- LoraConfig -------------------------------------------------------------

double LoraConfig::scaling() const {
  return use_rslora ? alpha / std::sqrt(static_cast<double>(r)) : alpha / static_cast<double>(r);
}

bool LoraConfig::targets(const std::string& name) const {
  if (!layers_to_transform.empty()) {
    const std::int64_t layer = layer_of(name);
    if (std::find(layers_to_transform.begin(), layers_to_transform.end(), layer) == layers_to_transform.end())
      return false;
  }
  if (!target_regex.empty()) {
    try {
      return std::regex_match(name, std::regex(target_regex));
    } catch (const std::regex_error& e) {
      throw std::invalid_argument("target_modules regex '" + target_regex + "' is invalid: " + e.what());
    }
  }
  for (const std::string& t : target_modules)
    if (t == "all-linear" || name == t || name.ends_with("." + t)) return true;
  return false;
}

std::int64_t LoraConfig::rank_for(const std::string& name) const {
  const std::int64_t* v = pattern_value(rank_pattern, name);
  return v ? *v : r;
}

double LoraConfig::alpha_for(const std::string& name) const {
  const double* v = pattern_value(alpha_pattern, name);
  return v ? *v : alpha;
}

double LoraConfig::scaling_for(const std::string& name) const {
  const double rank = static_cast<double>(rank_for(name));
  return use_rslora ? alpha_for(name) / std::sqrt(rank) : alpha_for(name) / rank;
}

std::vector<std::string> parse_targets(const std::string& spec) {
  const std::vector<std::string>& valid = all_linear_targets();
  if (trim(spec) == "all-linear") return valid;
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const auto comma = std::min(spec.find(',', start), spec.size());
    const std::string name = trim(spec.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (std::find(valid.begin(), valid.end(), name) == valid.end())
      throw std::invalid_argument("unknown LoRA target '" + name + "'; valid: " + join(valid) + " or all-linear");
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  if (out.empty()) throw std::invalid_argument("no LoRA targets given; valid: " + join(valid) + " or all-linear");
  return out;
}

// ---- LoraAdapter ------------------------------------------------------------

LoraAdapter::LoraAdapter(std::int64_t in_features, std::int64_t out_features, const LoraConfig& config,
                         std::uint64_t seed, const at::Tensor& like)
    : scaling(config.scaling()), dropout(config.dropout) {
  c10::InferenceMode guard(false);  // trainable tensors, even when attached inside inference code
  // fp32 trainable copies whatever the base dtype (bf16/fp16 bases train in fp32, as
  // PEFT's autocast_adapter_dtype); a fp64 base keeps fp64 so gradient checks are exact.
  const auto dtype = at::promote_types(like.scalar_type(), at::kFloat);
  const auto on_device = at::TensorOptions().dtype(dtype).device(like.device());
  // kaiming_uniform_(a = sqrt(5)) on (r, in): gain sqrt(2 / (1 + 5)), bound
  // gain * sqrt(3 / fan_in) = 1 / sqrt(in). Drawn in fp32 on the CPU so the same seed
  // gives the same A on every device and dtype.
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
  lora_A = at::empty({config.r, in_features}, at::kFloat).uniform_(-bound, bound, gen).to(on_device);  // (r, in)
  lora_B = at::zeros({out_features, config.r}, on_device);                                              // (out, r)
  lora_A.requires_grad_(true);
  lora_B.requires_grad_(true);
}

at::Tensor LoraAdapter::forward(const at::Tensor& x) {
  at::Tensor h = x.to(lora_A.scalar_type());                      // (..., in) in the adapter's dtype
  if (training && dropout > 0) h = at::dropout(h, dropout, true);  // torch's default generator
  at::Tensor y = at::linear(at::linear(h, lora_A), lora_B);        // (..., r) -> (..., out)
  return (y * scaling).to(x.scalar_type());
}

at::Tensor LoraAdapter::delta_weight() const {
  return at::matmul(lora_B.detach(), lora_A.detach()) * scaling;  // (out, r) (r, in) -> (out, in)
}

// ---- Lora -------------------------------------------------------------------

Lora Lora::attach(model::Transformer& net, const LoraConfig& config, std::uint64_t seed) {
  if (config.r < 1) throw std::invalid_argument("LoRA rank r must be at least 1, not " + std::to_string(config.r));
  if (!(config.dropout >= 0 && config.dropout < 1))
    throw std::invalid_argument("LoRA dropout must be in [0, 1), not " + std::to_string(config.dropout));
  if (!std::isfinite(config.alpha)) throw std::invalid_argument("LoRA alpha must be a finite number");

  std::vector<model::NamedLinear> chosen;
  for (const model::NamedLinear& nl : net.linears()) {
    if (!config.targets(nl.name)) continue;
    if (nl.linear->adapter)
      throw std::invalid_argument(nl.name + " already has an adapter attached; detach it first");
    const std::int64_t r = config.rank_for(nl.name);
    if (r < 1) throw std::invalid_argument("rank_pattern gives " + nl.name + " rank " + std::to_string(r));
    chosen.push_back(nl);
  }
  if (chosen.empty()) {
    const std::string what = config.target_regex.empty() ? "target_modules " + join(config.target_modules)
                                                         : "target_modules regex '" + config.target_regex + "'";
    throw std::invalid_argument(what + " matches no projection of the model (projections: " +
                                join(all_linear_targets()) + ")");
  }

  // The base is frozen: LoRA trains the adapters alone, and no optimizer ever sees a
  // base tensor (a model fully trained before, e.g. the demo pretraining, is frozen here).
  for (const model::TensorSlot& slot : net.tensor_slots())
    if (slot.tensor->defined() && slot.tensor->requires_grad()) slot.tensor->requires_grad_(false);

  Lora lora;
  lora.net_ = &net;
  lora.config_ = config;
  for (const model::NamedLinear& nl : chosen) {
    LoraConfig own = config;  // this module's rank and alpha (rank_pattern / alpha_pattern)
    own.r = config.rank_for(nl.name);
    own.alpha = config.alpha_for(nl.name);
    auto adapter = std::make_shared<LoraAdapter>(nl.linear->in_features(), nl.linear->out_features(), own,
                                                 module_seed(seed, nl.name), nl.linear->weight);
    nl.linear->adapter = adapter;
    lora.adapters_.push_back({nl.name, nl.linear, std::move(adapter)});
  }
  return lora;
}

void Lora::set_enabled(bool enabled) {
  // Merged weights already hold the update: switching off means unmerging (as PEFT's
  // disable_adapter_layers does), switching on leaves them as they are.
  if (merged_ && !enabled) unmerge();
  enabled_ = enabled;
  for (auto& e : adapters_) e.adapter->enabled = enabled && !merged_;
}

void Lora::set_training(bool training) {
  for (auto& e : adapters_) e.adapter->training = training;
}

std::vector<at::Tensor> Lora::parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& e : adapters_) {
    out.push_back(e.adapter->lora_A);
    out.push_back(e.adapter->lora_B);
  }
  return out;
}

std::vector<std::pair<std::string, at::Tensor>> Lora::named_parameters() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& e : adapters_) {
    out.emplace_back("base_model.model." + e.name + ".lora_A.weight", e.adapter->lora_A);
    out.emplace_back("base_model.model." + e.name + ".lora_B.weight", e.adapter->lora_B);
  }
  return out;
}

std::vector<std::string> Lora::module_names() const {
  std::vector<std::string> out;
  for (const auto& e : adapters_) out.push_back(e.name);
  return out;
}

// In place in W's own dtype and device. Weights loaded from an fp32 file on the CPU are
// views of a MAP_PRIVATE (copy-on-write) map (core/model/safetensors.cpp), so writing
// them copies the touched pages and never reaches the model file.
void Lora::merge() {
  if (merged_) return;
  c10::InferenceMode guard(false);  // before NoGradGuard: this guard re-enables grad mode
  at::NoGradGuard no_grad;
  for (auto& e : adapters_) {
    at::Tensor& W = e.linear->weight;  // (out, in)
    W.add_(e.adapter->delta_weight().to(W.device(), W.scalar_type()));
    e.adapter->enabled = false;  // the update is in W now; adding it again would double it
  }
  merged_ = true;
  enabled_ = true;
}

void Lora::unmerge() {
  if (!merged_) return;
  c10::InferenceMode guard(false);  // before NoGradGuard: this guard re-enables grad mode
  at::NoGradGuard no_grad;
  for (auto& e : adapters_) {
    at::Tensor& W = e.linear->weight;  // (out, in)
    W.sub_(e.adapter->delta_weight().to(W.device(), W.scalar_type()));
    e.adapter->enabled = enabled_;
  }
  merged_ = false;
}

void Lora::detach() {
  unmerge();
  for (auto& e : adapters_)
    if (e.linear->adapter == e.adapter) e.linear->adapter.reset();
  adapters_.clear();
  net_ = nullptr;
}

}  // namespace tunesmith::train
