#include "core/model/rope.h"

#include <ATen/ATen.h>

#include <cmath>

namespace tunesmith::model {

at::Tensor rope_inv_freq(const ModelConfig& c) {
  const std::int64_t D = c.head_dim;
  // As transformers: arange(0, D, 2) / D in fp32, theta ** that, reciprocal.
  at::Tensor exponent = at::arange(0, D, 2, at::kLong).to(at::kFloat) / static_cast<float>(D);  // (D/2)
  at::Tensor inv_freq = 1.0 / at::pow(static_cast<double>(c.rope_theta), exponent);             // (D/2)
  const RopeScaling& s = c.rope_scaling;
  switch (s.type) {
    case RopeScaling::Type::None:
      break;
    case RopeScaling::Type::Linear:
      inv_freq = inv_freq / s.factor;
      break;
    case RopeScaling::Type::Llama3: {
      const double old_len = static_cast<double>(s.original_max_position_embeddings);
      const double low_freq_wavelen = old_len / s.low_freq_factor;
      const double high_freq_wavelen = old_len / s.high_freq_factor;
      at::Tensor wavelen = 2 * M_PI / inv_freq;                                        // (D/2)
      at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / s.factor, inv_freq);
      at::Tensor smooth = (old_len / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      at::Tensor smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
      at::Tensor medium = (wavelen >= high_freq_wavelen).logical_and(wavelen <= low_freq_wavelen);
      inv_freq = at::where(medium, smoothed, scaled);
      break;
    }
  }
  return inv_freq.contiguous();
}

std::pair<at::Tensor, at::Tensor> Rope::cos_sin(const at::Tensor& positions) const {
  at::Tensor freqs = positions.to(at::kFloat).unsqueeze(-1) * inv_freq;  // (B, T, D/2)
  at::Tensor emb = at::cat({freqs, freqs}, -1);                          // (B, T, D)
  return {emb.cos(), emb.sin()};
}

at::Tensor apply_rope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const std::int64_t half = x.size(-1) / 2;
  at::Tensor c = cos.unsqueeze(1).to(x.scalar_type());                              // (B, 1, T, D)
  at::Tensor s = sin.unsqueeze(1).to(x.scalar_type());                              // (B, 1, T, D)
  at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);  // (B, H, T, D)
  return x * c + rotated * s;
}

}  // namespace tunesmith::model
