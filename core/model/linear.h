#pragma once
// A projection y = x W^T + b with a hook for an adapter (LoRA, added by the trainer):
//   y = x W^T + b + adapter(x)      when an adapter is attached and enabled
// The base weight is never modified by the adapter, so switching the adapter off at
// run time gives the base model exactly.
#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>

namespace tunesmith::model {

// What an adapter implements: the delta it adds to the projection's output.
struct LinearAdapter {
  virtual ~LinearAdapter() = default;
  // x: (..., in_features) -> (..., out_features)
  virtual at::Tensor forward(const at::Tensor& x) = 0;
  bool enabled = true;  // off: the projection is the base one
};

struct Linear {
  at::Tensor weight;  // (out, in)
  at::Tensor bias;    // (out), or undefined
  std::shared_ptr<LinearAdapter> adapter;  // null: plain projection

  // x: (..., in) -> (..., out)
  at::Tensor forward(const at::Tensor& x) const;
  std::int64_t in_features() const { return weight.size(1); }
  std::int64_t out_features() const { return weight.size(0); }
};

// RMSNorm over the last dimension, computed in fp32 whatever x's dtype:
//   y = weight * (x / sqrt(mean(x^2) + eps))
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

}  // namespace tunesmith::model
