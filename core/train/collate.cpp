#include "core/train/collate.h"

#include <ATen/ATen.h>

namespace tunesmith::train {

Collated collate(const MicroBatch& batch, const std::vector<TokenizedExample>& examples, std::int32_t pad_id,
                 bool packed, const c10::Device& device) {
  const auto B = static_cast<std::int64_t>(batch.rows.size()), W = batch.width;
  std::vector<std::int64_t> ids(static_cast<std::size_t>(B * W), pad_id), pos(static_cast<std::size_t>(B * W), 0);
  std::vector<std::int64_t> segment(static_cast<std::size_t>(B * W), -1);  // -1: padding
  std::vector<std::int64_t> pred, tgt;
  for (std::int64_t r = 0; r < B; ++r) {
    std::int64_t t = 0, seg = 0;
    for (std::size_t e : batch.rows[static_cast<std::size_t>(r)].examples) {
      const TokenizedExample& ex = examples[e];
      const auto n = static_cast<std::int64_t>(ex.ids.size());
      for (std::int64_t i = 0; i < n; ++i) {
        const auto slot = static_cast<std::size_t>(r * W + t + i);
        ids[slot] = ex.ids[static_cast<std::size_t>(i)];
        pos[slot] = i;  // restarts per example
        segment[slot] = seg;
        if (i + 1 < n && ex.mask[static_cast<std::size_t>(i + 1)]) {
          pred.push_back(r * W + t + i);
          tgt.push_back(ex.ids[static_cast<std::size_t>(i + 1)]);
        }
      }
      t += n, ++seg;
    }
  }
  const auto i64 = at::TensorOptions().dtype(at::kLong);
  Collated c;
  c.ids = at::tensor(ids, i64).view({B, W}).to(device);
  c.positions = at::tensor(pos, i64).view({B, W}).to(device);
  at::Tensor seg = at::tensor(segment, i64).view({B, W});  // (B, W)
  if (packed) {
    // (B, W, W): same example and not padding.
    c.attention_mask = seg.unsqueeze(2).eq(seg.unsqueeze(1)).logical_and(seg.ge(0).unsqueeze(1)).to(device);
  } else {
    c.attention_mask = seg.ge(0).to(device);  // (B, W)
  }
  c.pred_index = at::tensor(pred, i64).to(device);
  c.targets = at::tensor(tgt, i64).to(device);
  c.trained_tokens = static_cast<std::int64_t>(pred.size());
  c.tokens = batch.tokens;
  return c;
}

at::Tensor loss_sum(const model::Transformer& net, const Collated& b) {
  at::Tensor hidden = net.forward_hidden(b.ids, b.positions, b.attention_mask, nullptr);  // (B, W, C)
  at::Tensor picked = hidden.reshape({-1, hidden.size(-1)}).index_select(0, b.pred_index);  // (N, C)
  at::Tensor logits = net.logits(picked).to(at::kFloat);                                     // (N, V)
  return at::nll_loss(at::log_softmax(logits, -1), b.targets, {}, at::Reduction::Sum);      // ()
}

}  // namespace tunesmith::train
