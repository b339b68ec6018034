#pragma once
// Choosing the next token from logits: greedy, or temperature + top-k + top-p
// (nucleus) sampling, drawn with a seeded std::mt19937_64 on the CPU so that the same
// seed gives the same tokens on every device and torch version.
#include <cstdint>
#include <random>

#include <ATen/core/Tensor.h>

namespace tunesmith::model {

struct SamplingParams {
  double temperature = 0.0;  // 0: greedy (argmax)
  std::int64_t top_k = 0;    // 0: off
  double top_p = 1.0;        // 1: off; keep the smallest set of tokens whose probability reaches top_p
  std::uint64_t seed = 0;
  bool greedy() const { return temperature <= 0.0; }
};

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) {}
  // logits (V) of any dtype/device -> token id
  std::int64_t sample(const at::Tensor& logits);
  const SamplingParams& params() const { return params_; }

 private:
  SamplingParams params_;
  std::mt19937_64 rng_;
};

// The probabilities sampling draws from (V) fp32 CPU: softmax(logits / T) restricted
// to top-k and top-p and renormalized. Exposed for tests.
at::Tensor sampling_probs(const at::Tensor& logits, const SamplingParams& params);

}  // namespace tunesmith::model
