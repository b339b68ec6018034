#include "core/model/linear.h"

#include <ATen/ATen.h>

namespace tunesmith::model {

at::Tensor Linear::forward(const at::Tensor& x) const {
  at::Tensor y = at::linear(x, weight, bias);  // (..., out)
  if (adapter && adapter->enabled) y = y + adapter->forward(x);
  return y;
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const auto dtype = x.scalar_type();
  // fp32 for fp16/bf16/fp32 inputs; fp64 stays fp64 (the finite-difference gradient tests).
  at::Tensor h = x.to(at::promote_types(dtype, at::kFloat));  // (..., C)
  h = h * at::rsqrt(h.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * h.to(dtype);                                // as transformers: scale after the cast
}

}  // namespace tunesmith::model
