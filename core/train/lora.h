#pragma once
// LoRA (Hu et al. 2021) as PEFT implements it, attached to a loaded Transformer through
// the projections' adapter hook (model::Linear::adapter):
//
//   y = x W^T + b + scaling * dropout(x) A^T B^T      A (r, in), B (out, r)
//   scaling = alpha / r            (rsLoRA: alpha / sqrt(r))
//
// A is initialised as PEFT does (Kaiming-uniform with a = sqrt(5), i.e.
// U(-1/sqrt(in), 1/sqrt(in))), B is zero, so an untrained adapter reproduces the base
// exactly. The base weights are never trainable; only lora_A/lora_B require grad.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/model/linear.h"
#include "core/model/transformer.h"

namespace tunesmith::train {

// The projections LoRA can wrap, in PEFT's names.
inline const std::vector<std::string>& all_linear_targets() {
  static const std::vector<std::string> names = {"q_proj", "k_proj",  "v_proj",   "o_proj",
                                                 "gate_proj", "up_proj", "down_proj"};
  return names;
}

struct LoraConfig {
  std::int64_t r = 16;
  double alpha = 32;
  double dropout = 0.1;
  // Module kinds ("q_proj", ...). "all-linear" is expanded by parse_targets.
  std::vector<std::string> target_modules = all_linear_targets();
  bool use_rslora = false;
  double scaling() const;

  // PEFT's other ways to choose modules and ranks (read from adapter_config.json; the
  // trainer leaves them empty). A module is targeted when target_regex is set and
  // full-matches its name ("model.layers.0.self_attn.q_proj"), otherwise when its name
  // equals an entry of target_modules or ends with "." + entry ("all-linear": every
  // projection), and, when layers_to_transform is non-empty, its layer is listed.
  std::string target_regex;
  std::vector<std::int64_t> layers_to_transform;
  // Per-module rank and alpha, in file order: the first key K for which
  // (.*\.)?(K)$ matches the module name wins, as in PEFT; other modules use r / alpha.
  std::vector<std::pair<std::string, std::int64_t>> rank_pattern;
  std::vector<std::pair<std::string, double>> alpha_pattern;

  bool targets(const std::string& module_name) const;  // throws std::invalid_argument on a bad regex
  std::int64_t rank_for(const std::string& module_name) const;
  double alpha_for(const std::string& module_name) const;
  double scaling_for(const std::string& module_name) const;  // alpha_for / rank_for (or sqrt)
};

// "q_proj,v_proj" or "all-linear" -> module kinds; throws std::invalid_argument naming an
// unknown module and listing the valid ones.
std::vector<std::string> parse_targets(const std::string& spec);

// One projection's adapter.
class LoraAdapter final : public model::LinearAdapter {
 public:
  // A (r, in) Kaiming-uniform from `generator_seed`'s stream, B (out, r) zero; created on
  // `like`'s device, in fp32 (the trainable copy stays fp32 whatever the base dtype).
  LoraAdapter(std::int64_t in_features, std::int64_t out_features, const LoraConfig& config,
              std::uint64_t seed, const at::Tensor& like);
  // x (..., in) -> (..., out), in x's dtype.
  at::Tensor forward(const at::Tensor& x) override;
  // scaling * B A : (out, in) fp32, the update merge adds to the base weight.
  at::Tensor delta_weight() const;

  at::Tensor lora_A;  // (r, in)
  at::Tensor lora_B;  // (out, r)
  double scaling = 1.0;
  double dropout = 0.0;
  bool training = false;  // dropout applies only while training
};

// The adapters attached to one model. Owns nothing of the base; detaching restores it.
class Lora {
 public:
  // Attaches fresh adapters to every targeted projection of `net` (seeded: the same seed
  // gives the same A matrices). Throws std::invalid_argument when nothing matches.
  static Lora attach(model::Transformer& net, const LoraConfig& config, std::uint64_t seed);

  const LoraConfig& config() const { return config_; }
  // Run time switch: off gives the base model exactly (evaluation uses one loaded base
  // as "base" and as "fine-tuned").
  void set_enabled(bool enabled);
  bool enabled() const { return enabled_; }
  void set_training(bool training);  // dropout on/off

  // Every trainable tensor (lora_A, lora_B per projection, layer order), requires_grad.
  std::vector<at::Tensor> parameters() const;
  // PEFT key names -> tensors:
  // "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" -> A (r, in), ...
  std::vector<std::pair<std::string, at::Tensor>> named_parameters() const;

  // W += scaling B A in the base weights (adapters then switched off so nothing is added
  // twice); unmerge subtracts it again. Merged weights are the export path.
  void merge();
  void unmerge();
  bool merged() const { return merged_; }

  // Removes the adapters from the model (unmerging first if merged).
  void detach();

  std::size_t size() const { return adapters_.size(); }
  // The wrapped projections' names ("model.layers.0.self_attn.q_proj"), layer order.
  std::vector<std::string> module_names() const;

 private:
  model::Transformer* net_ = nullptr;
  LoraConfig config_;
  // (projection name "model.layers.0.self_attn.q_proj", its Linear, its adapter)
  struct Entry {
    std::string name;
    model::Linear* linear;
    std::shared_ptr<LoraAdapter> adapter;
  };
  std::vector<Entry> adapters_;
  bool enabled_ = true;
  bool merged_ = false;
};

}  // namespace tunesmith::train
