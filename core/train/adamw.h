#pragma once
// AdamW (Loshchilov & Hutter), as torch.optim.AdamW computes it, over named tensors:
//   p  <- p (1 - lr wd)                      decoupled weight decay
//   m  <- b1 m + (1 - b1) g
//   v  <- b2 v + (1 - b2) g^2
//   p  <- p - lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps)
// Written here rather than torch::optim::AdamW so the state is plain named tensors that
// checkpoints store in safetensors (deterministic, no pickle) and restore exactly.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace tunesmith::train {

struct AdamWOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class AdamW {
 public:
  // `params` require grad; those named in `no_decay` (biases, norms) get no weight decay.
  AdamW(std::vector<std::pair<std::string, at::Tensor>> params, AdamWOptions options,
        std::set<std::string> no_decay = {});

  // One update from the parameters' .grad() (parameters without a gradient are left
  // alone, their moments untouched).
  void step(double lr);
  void zero_grad();  // drops the gradients

  std::int64_t steps() const { return t_; }
  const std::vector<std::pair<std::string, at::Tensor>>& params() const { return params_; }

  // The state as named tensors: "exp_avg.NAME", "exp_avg_sq.NAME" (fp32, on CPU).
  std::vector<std::pair<std::string, at::Tensor>> state_tensors() const;
  // Restores what state_tensors() gave, and the step count. Throws std::runtime_error
  // naming a missing tensor or a shape that does not match.
  void load_state(const std::map<std::string, at::Tensor>& tensors, std::int64_t steps);

 private:
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_;  // same shapes as params_, fp32
  std::vector<bool> decay_;
  AdamWOptions o_;
  std::int64_t t_ = 0;
};

// The global L2 norm of the gradients, computed in fp64 (undefined grads count as 0).
double grad_norm(const std::vector<at::Tensor>& params);
// Scales the gradients by max_norm / (norm + 1e-6) when norm > max_norm (torch's
// clip_grad_norm_). Returns the norm before clipping.
double clip_grad_norm(const std::vector<at::Tensor>& params, double max_norm);

}  // namespace tunesmith::train
