#pragma once
// The Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) as plain structs of tensors
// named like the Hugging Face checkpoint, and one forward per block.
//
// Shape key:  B batch, T new positions, S key positions (past + T), C hidden_size,
//             H query heads, KV key/value heads, D head_dim, I intermediate_size,
//             V vocab_size, L layers.
//
//   h = embed_tokens[ids]                                   (B, T, C)
//   for each block:
//     h = h + o_proj(attention(rope(q), rope(k), v))        pre-norm: input_layernorm
//     h = h + down_proj(silu(gate_proj(x)) * up_proj(x))    pre-norm: post_attention_layernorm
//   logits = lm_head(norm(h))                               (B, T, V)
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/model/config.h"
#include "core/model/kv_cache.h"
#include "core/model/linear.h"
#include "core/model/rope.h"

namespace tunesmith::model {

struct Attention {
  Linear q_proj;     // (H*D, C)
  Linear k_proj;     // (KV*D, C)
  Linear v_proj;     // (KV*D, C)
  Linear o_proj;     // (C, H*D)
  at::Tensor q_norm;  // (D) Qwen3 only
  at::Tensor k_norm;  // (D) Qwen3 only
};

struct Mlp {
  Linear gate_proj;  // (I, C)
  Linear up_proj;    // (I, C)
  Linear down_proj;  // (C, I)
};

struct Block {
  at::Tensor input_layernorm;           // (C)
  Attention self_attn;
  at::Tensor post_attention_layernorm;  // (C)
  Mlp mlp;
};

// One named tensor of the checkpoint, where it lives in the model and its shape.
struct TensorSlot {
  std::string name;                // "model.layers.0.self_attn.q_proj.weight"
  at::Tensor* tensor;
  std::vector<std::int64_t> shape;
};

// One named projection, for attaching adapters: ("model.layers.0.self_attn.q_proj", &linear).
struct NamedLinear {
  std::string name;
  std::string kind;  // "q_proj", "k_proj", ..., "down_proj"
  Linear* linear;
};

class Transformer {
 public:
  Transformer() = default;                   // no layers: a placeholder to assign to
  explicit Transformer(ModelConfig config);  // tensors undefined until loaded or initialized

  const ModelConfig& config() const { return config_; }

  // Every tensor of the checkpoint, in a fixed order; lm_head.weight only when untied.
  std::vector<TensorSlot> tensor_slots();
  // Every projection an adapter may wrap, in layer order.
  std::vector<NamedLinear> linears();
  // After loading or initializing: ties lm_head to embed_tokens if configured, and
  // builds the rotary tables on the embedding's device.
  void finalize();

  // ids (B, T) int64; positions (B, T) int64 (the RoPE position of each token);
  // attention_mask (B, S) bool/int, true where a key slot holds a real token, S = past + T,
  //   or (B, T, S): per query, the key slots it may see (packed training rows: a
  //   block-diagonal mask so examples never attend across each other; causality and the
  //   sliding window are still applied on top), or undefined for "every slot is real";
  // cache: the KV cache to read past keys from and append to, or null.
  // Returns the final hidden states after the last norm: (B, T, C).
  at::Tensor forward_hidden(const at::Tensor& ids, const at::Tensor& positions, const at::Tensor& attention_mask,
                            KVCache* cache) const;
  // hidden (..., C) -> logits (..., V)
  at::Tensor logits(const at::Tensor& hidden) const { return lm_head.forward(hidden); }
  // Full forward: ids (B, T) -> logits (B, T, V), positions 0..T-1, causal, no cache.
  at::Tensor forward(const at::Tensor& ids) const;

  at::Tensor embed_tokens;  // (V, C)
  std::vector<Block> layers;
  at::Tensor norm;          // (C)
  Linear lm_head;           // (V, C), shares embed_tokens when tied
  Rope rope;

 private:
  at::Tensor block_forward(std::size_t layer, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                           const at::Tensor& mask, bool causal, KVCache* cache) const;
  at::Tensor attention_forward(std::size_t layer, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                               const at::Tensor& mask, bool causal, KVCache* cache) const;
  at::Tensor mlp_forward(std::size_t layer, const at::Tensor& x) const;

  ModelConfig config_;
};

// softmax(q k^T / sqrt(D) + mask) v with GQA. q (B, H, T, D); k, v (B, KV, S, D);
// mask (B, 1, T, S) bool (true = may attend) or undefined with causal = true.
// torch >= 2: at::scaled_dot_product_attention; otherwise the plain computation,
// scores and softmax in fp32. Returns (B, H, T, D).
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask,
                     bool causal);

// k (B, KV, S, D) -> (B, KV * n_rep, S, D): each KV head repeated for its query group.
at::Tensor repeat_kv(const at::Tensor& x, std::int64_t n_rep);

}  // namespace tunesmith::model
