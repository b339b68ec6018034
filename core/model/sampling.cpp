#include "core/model/sampling.h"

#include <ATen/ATen.h>

namespace tunesmith::model {

at::Tensor sampling_probs(const at::Tensor& logits, const SamplingParams& p) {
  at::Tensor x = logits.detach().to(at::kCPU, at::kFloat).reshape(-1) / p.temperature;  // (V)
  const std::int64_t V = x.size(0);
  if (p.top_k > 0 && p.top_k < V) {
    const at::Tensor kth = std::get<0>(x.topk(p.top_k)).index({p.top_k - 1});
    x = x.masked_fill(x.lt(kth), -INFINITY);
  }
  at::Tensor probs = at::softmax(x, 0);  // (V)
  if (p.top_p < 1.0) {
    auto [sorted, order] = probs.sort(0, /*descending=*/true);  // (V), (V)
    at::Tensor before = sorted.cumsum(0) - sorted;               // mass of the tokens ranked above
    at::Tensor drop_sorted = before.ge(p.top_p);                 // the first token is always kept
    probs = at::zeros_like(probs).scatter(0, order, sorted.masked_fill(drop_sorted, 0));
    probs = probs / probs.sum();
  }
  return probs.contiguous();
}

std::int64_t Sampler::sample(const at::Tensor& logits) {
  if (params_.greedy()) return logits.detach().reshape(-1).argmax().item<std::int64_t>();
  const at::Tensor probs = sampling_probs(logits, params_);
  const float* p = probs.data_ptr<float>();
  const std::int64_t V = probs.size(0);
  // Inverse CDF with a uniform draw in [0, total).
  double total = 0;
  for (std::int64_t i = 0; i < V; ++i) total += p[i];
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_) * total;
  double acc = 0;
  std::int64_t last = 0;
  for (std::int64_t i = 0; i < V; ++i) {
    if (p[i] <= 0) continue;
    acc += p[i];
    last = i;
    if (u < acc) return i;
  }
  return last;
}

}  // namespace tunesmith::model
