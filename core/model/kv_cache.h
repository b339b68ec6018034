#pragma once
// The keys and values of past positions, per layer, preallocated for a batch and a
// maximum length so decoding appends in place instead of re-allocating.
//   k[l], v[l]: (B, KV, S_max, D); slots [0, length) hold past tokens.
// Slots are shared by the batch: with left padding, slot s of every row is the same
// step, and the attention mask says which slots hold real tokens.
#include <cstdint>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/model/config.h"

namespace tunesmith::model {

class KVCache {
 public:
  KVCache(const ModelConfig& config, std::int64_t batch, std::int64_t max_length, const at::TensorOptions& options);

  std::int64_t length() const { return length_; }      // slots filled before this forward
  std::int64_t capacity() const { return capacity_; }
  std::int64_t batch() const { return batch_; }

  // Writes k, v (B, KV, T, D) of `layer` at slots [length, length + T) and returns the
  // keys and values of slots [0, length + T): (B, KV, length + T, D) views.
  // Throws ModelError when the cache would overflow.
  std::pair<at::Tensor, at::Tensor> append(std::size_t layer, const at::Tensor& k, const at::Tensor& v);
  // Called once per forward, after every layer appended its T new slots.
  void advance(std::int64_t t) { length_ += t; }
  void reset() { length_ = 0; }

 private:
  std::vector<at::Tensor> k_, v_;
  std::int64_t batch_ = 0, capacity_ = 0, length_ = 0;
};

}  // namespace tunesmith::model
