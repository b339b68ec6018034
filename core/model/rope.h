#pragma once
// Rotary position embeddings as transformers' Llama computes them ("rotate half"
// layout: dimension i pairs with i + D/2), with the rope_scaling of config.json.
#include <utility>

#include <ATen/core/Tensor.h>

#include "core/model/config.h"

namespace tunesmith::model {

// inv_freq[i] = 1 / theta^(2i/D), i < D/2, in fp32 on CPU, then scaled:
//   linear: inv_freq / factor
//   llama3: long wavelengths (> original_max / low_freq_factor) divided by factor,
//           short ones (< original_max / high_freq_factor) kept, the band between
//           interpolated with smooth = (original_max / wavelen - low) / (high - low):
//           (1 - smooth) * inv_freq / factor + smooth * inv_freq
at::Tensor rope_inv_freq(const ModelConfig& config);  // (D/2) fp32, CPU

struct Rope {
  at::Tensor inv_freq;  // (D/2) fp32, on the model's device

  // positions (B, T) int64 -> cos, sin (B, T, D) fp32
  std::pair<at::Tensor, at::Tensor> cos_sin(const at::Tensor& positions) const;
};

// x (B, H, T, D); cos, sin (B, T, D) -> x * cos + rotate_half(x) * sin, in x's dtype
at::Tensor apply_rope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

}  // namespace tunesmith::model
