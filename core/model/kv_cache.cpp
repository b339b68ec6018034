#include "core/model/kv_cache.h"

#include <ATen/ATen.h>

#include "core/model/error.h"

namespace tunesmith::model {

KVCache::KVCache(const ModelConfig& c, std::int64_t batch, std::int64_t max_length, const at::TensorOptions& options)
    : batch_(batch), capacity_(max_length) {
  for (std::int64_t l = 0; l < c.num_hidden_layers; ++l) {
    k_.push_back(at::zeros({batch, c.num_key_value_heads, max_length, c.head_dim}, options));
    v_.push_back(at::zeros({batch, c.num_key_value_heads, max_length, c.head_dim}, options));
  }
}

std::pair<at::Tensor, at::Tensor> KVCache::append(std::size_t layer, const at::Tensor& k, const at::Tensor& v) {
  const std::int64_t t = k.size(2);
  if (length_ + t > capacity_)
    throw ModelError("KV cache overflow: " + std::to_string(length_ + t) + " positions, capacity " +
                     std::to_string(capacity_));
  k_[layer].narrow(2, length_, t).copy_(k);
  v_[layer].narrow(2, length_, t).copy_(v);
  return {k_[layer].narrow(2, 0, length_ + t), v_[layer].narrow(2, 0, length_ + t)};
}

}  // namespace tunesmith::model
