#pragma once
// A planned micro-batch as tensors, and the loss over it.
//
// Rows are right-padded to the micro-batch width W. Without packing the attention mask
// is (B, W): true on real tokens (the model adds causality). With packing it is
// (B, W, W): query q may see key k only when both belong to the same example of the
// row (block-diagonal; causality is added by the model), and positions restart at 0 for
// each example, so a packed example computes exactly what it would alone.
//
// Targets: position t predicts token t+1 when mask[t+1] = 1 and t+1 belongs to the same
// example; `pred_index` lists those positions in the flattened (B*W) grid.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "core/model/transformer.h"
#include "core/train/batching.h"

namespace tunesmith::train {

struct Collated {
  at::Tensor ids;             // (B, W) int64, pads = pad_id
  at::Tensor positions;       // (B, W) int64
  at::Tensor attention_mask;  // (B, W) bool, or (B, W, W) bool when packed
  at::Tensor pred_index;      // (N) int64: flat positions whose next token is a target
  at::Tensor targets;         // (N) int64: those next tokens
  std::int64_t trained_tokens = 0;  // N
  std::int64_t tokens = 0;          // real tokens
};

Collated collate(const MicroBatch& batch, const std::vector<TokenizedExample>& examples, std::int32_t pad_id,
                 bool packed, const c10::Device& device);

// Sum over the batch's targets of -log p(target): a 0-dim fp32 tensor with a graph.
// Only the hidden states of target positions go through lm_head, so memory is
// O(N x V) rather than O(B x W x V).
at::Tensor loss_sum(const model::Transformer& net, const Collated& batch);

}  // namespace tunesmith::train
