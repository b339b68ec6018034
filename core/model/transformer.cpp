#include "core/model/transformer.h"

#include <ATen/ATen.h>
#include <torch/version.h>

#include <cmath>

#include "core/model/error.h"

namespace tunesmith::model {

Transformer::Transformer(ModelConfig config) : config_(std::move(config)) {
  layers.resize(static_cast<std::size_t>(config_.num_hidden_layers));
}

std::vector<TensorSlot> Transformer::tensor_slots() {
  const auto& c = config_;
  const std::int64_t C = c.hidden_size, V = c.vocab_size, I = c.intermediate_size, D = c.head_dim;
  const std::int64_t HD = c.num_attention_heads * D, KVD = c.num_key_value_heads * D;
  std::vector<TensorSlot> s;
  s.push_back({"model.embed_tokens.weight", &embed_tokens, {V, C}});
  for (std::size_t l = 0; l < layers.size(); ++l) {
    Block& b = layers[l];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    s.push_back({p + "input_layernorm.weight", &b.input_layernorm, {C}});
    s.push_back({p + "self_attn.q_proj.weight", &b.self_attn.q_proj.weight, {HD, C}});
    s.push_back({p + "self_attn.k_proj.weight", &b.self_attn.k_proj.weight, {KVD, C}});
    s.push_back({p + "self_attn.v_proj.weight", &b.self_attn.v_proj.weight, {KVD, C}});
    s.push_back({p + "self_attn.o_proj.weight", &b.self_attn.o_proj.weight, {C, HD}});
    if (c.qkv_bias()) {
      s.push_back({p + "self_attn.q_proj.bias", &b.self_attn.q_proj.bias, {HD}});
      s.push_back({p + "self_attn.k_proj.bias", &b.self_attn.k_proj.bias, {KVD}});
      s.push_back({p + "self_attn.v_proj.bias", &b.self_attn.v_proj.bias, {KVD}});
    }
    if (c.o_bias()) s.push_back({p + "self_attn.o_proj.bias", &b.self_attn.o_proj.bias, {C}});
    if (c.qk_norm()) {
      s.push_back({p + "self_attn.q_norm.weight", &b.self_attn.q_norm, {D}});
      s.push_back({p + "self_attn.k_norm.weight", &b.self_attn.k_norm, {D}});
    }
    s.push_back({p + "post_attention_layernorm.weight", &b.post_attention_layernorm, {C}});
    s.push_back({p + "mlp.gate_proj.weight", &b.mlp.gate_proj.weight, {I, C}});
    s.push_back({p + "mlp.up_proj.weight", &b.mlp.up_proj.weight, {I, C}});
    s.push_back({p + "mlp.down_proj.weight", &b.mlp.down_proj.weight, {C, I}});
    if (c.mlp_bias) {
      s.push_back({p + "mlp.gate_proj.bias", &b.mlp.gate_proj.bias, {I}});
      s.push_back({p + "mlp.up_proj.bias", &b.mlp.up_proj.bias, {I}});
      s.push_back({p + "mlp.down_proj.bias", &b.mlp.down_proj.bias, {C}});
    }
  }
  s.push_back({"model.norm.weight", &norm, {C}});
  if (!c.tie_word_embeddings) s.push_back({"lm_head.weight", &lm_head.weight, {V, C}});
  return s;
}

std::vector<NamedLinear> Transformer::linears() {
  std::vector<NamedLinear> out;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    Block& b = layers[l];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    out.push_back({p + "self_attn.q_proj", "q_proj", &b.self_attn.q_proj});
    out.push_back({p + "self_attn.k_proj", "k_proj", &b.self_attn.k_proj});
    out.push_back({p + "self_attn.v_proj", "v_proj", &b.self_attn.v_proj});
    out.push_back({p + "self_attn.o_proj", "o_proj", &b.self_attn.o_proj});
    out.push_back({p + "mlp.gate_proj", "gate_proj", &b.mlp.gate_proj});
    out.push_back({p + "mlp.up_proj", "up_proj", &b.mlp.up_proj});
    out.push_back({p + "mlp.down_proj", "down_proj", &b.mlp.down_proj});
  }
  return out;
}

void Transformer::finalize() {
  if (config_.tie_word_embeddings) lm_head.weight = embed_tokens;
  rope.inv_freq = rope_inv_freq(config_).to(embed_tokens.device());
}

at::Tensor repeat_kv(const at::Tensor& x, std::int64_t n_rep) {
  if (n_rep == 1) return x;
  const auto B = x.size(0), KV = x.size(1), S = x.size(2), D = x.size(3);
  return x.unsqueeze(2).expand({B, KV, n_rep, S, D}).reshape({B, KV * n_rep, S, D});
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask,
                     bool causal) {
  const std::int64_t n_rep = q.size(1) / k.size(1);
  at::Tensor kr = repeat_kv(k, n_rep);  // (B, H, S, D)
  at::Tensor vr = repeat_kv(v, n_rep);  // (B, H, S, D)
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, kr, vr, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt,
                                          0.0, causal && !mask.defined());
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  const auto acc = at::promote_types(q.scalar_type(), at::kFloat);  // fp32, or fp64 for fp64 inputs
  at::Tensor scores = at::matmul(q.to(acc), kr.to(acc).transpose(-2, -1)) * scale;  // (B, H, T, S)
  if (mask.defined()) {
    scores = scores.masked_fill(mask.logical_not(), -INFINITY);
  } else if (causal) {
    const auto T = q.size(2), S = kr.size(2);
    const auto idx = q.options().dtype(at::kLong);
    at::Tensor future = at::arange(S, idx).view({1, S}).gt(at::arange(S - T, S, idx).view({T, 1}));  // (T, S)
    scores = scores.masked_fill(future, -INFINITY);
  }
  at::Tensor probs = at::softmax(scores, -1).to(q.scalar_type());  // (B, H, T, S)
  return at::matmul(probs, vr);                                     // (B, H, T, D)
#endif
}

at::Tensor Transformer::attention_forward(std::size_t layer, const at::Tensor& x, const at::Tensor& cos,
                                          const at::Tensor& sin, const at::Tensor& mask, bool causal,
                                          KVCache* cache) const {
  const Attention& a = layers[layer].self_attn;
  const auto B = x.size(0), T = x.size(1);
  const auto H = config_.num_attention_heads, KV = config_.num_key_value_heads, D = config_.head_dim;
  at::Tensor q = a.q_proj.forward(x).view({B, T, H, D});   // (B, T, H, D)
  at::Tensor k = a.k_proj.forward(x).view({B, T, KV, D});  // (B, T, KV, D)
  at::Tensor v = a.v_proj.forward(x).view({B, T, KV, D});  // (B, T, KV, D)
  if (config_.qk_norm()) {  // Qwen3: RMSNorm of each head's vector
    q = rms_norm(q, a.q_norm, config_.rms_norm_eps);
    k = rms_norm(k, a.k_norm, config_.rms_norm_eps);
  }
  q = apply_rope(q.transpose(1, 2), cos, sin);  // (B, H, T, D)
  k = apply_rope(k.transpose(1, 2), cos, sin);  // (B, KV, T, D)
  v = v.transpose(1, 2);                        // (B, KV, T, D)
  if (cache) std::tie(k, v) = cache->append(layer, k, v);  // (B, KV, S, D)
  at::Tensor y = attention(q, k, v, mask, causal);           // (B, H, T, D)
  y = y.transpose(1, 2).reshape({B, T, H * D});              // (B, T, H*D)
  return a.o_proj.forward(y);                                // (B, T, C)
}

at::Tensor Transformer::mlp_forward(std::size_t layer, const at::Tensor& x) const {
  const Mlp& m = layers[layer].mlp;
  at::Tensor gate = at::silu(m.gate_proj.forward(x));  // (B, T, I)
  at::Tensor up = m.up_proj.forward(x);                 // (B, T, I)
  return m.down_proj.forward(gate * up);                // (B, T, C)
}

at::Tensor Transformer::block_forward(std::size_t layer, const at::Tensor& x, const at::Tensor& cos,
                                      const at::Tensor& sin, const at::Tensor& mask, bool causal,
                                      KVCache* cache) const {
  const Block& b = layers[layer];
  const double eps = config_.rms_norm_eps;
  at::Tensor h = x + attention_forward(layer, rms_norm(x, b.input_layernorm, eps), cos, sin, mask, causal, cache);
  return h + mlp_forward(layer, rms_norm(h, b.post_attention_layernorm, eps));  // (B, T, C)
}

at::Tensor Transformer::forward_hidden(const at::Tensor& ids, const at::Tensor& positions,
                                       const at::Tensor& attention_mask, KVCache* cache) const {
  const auto B = ids.size(0), T = ids.size(1);
  const std::int64_t past = cache ? cache->length() : 0;
  const std::int64_t S = past + T;
  // (B, S) key-slot mask, or (B, T, S) per-query mask (packed training rows).
  const bool per_query = attention_mask.defined() && attention_mask.dim() == 3;
  if (attention_mask.defined() &&
      ((attention_mask.dim() != 2 && !per_query) || attention_mask.size(0) != B ||
       attention_mask.size(per_query ? 2 : 1) != S || (per_query && attention_mask.size(1) != T)))
    throw ModelError("attention mask has shape " + c10::str(attention_mask.sizes()) + ", expected [" +
                     std::to_string(B) + ", " + std::to_string(S) + "] or [" + std::to_string(B) + ", " +
                     std::to_string(T) + ", " + std::to_string(S) + "]");

  // Which key slots each query may see: (B, 1, T, S), or the plain causal case.
  const bool causal = !attention_mask.defined() && !config_.sliding_window && past == 0;
  at::Tensor mask;
  if (!causal) {
    const auto opts = ids.options().dtype(at::kLong);
    at::Tensor q_slot = at::arange(past, S, opts).view({T, 1});  // (T, 1)
    at::Tensor k_slot = at::arange(0, S, opts).view({1, S});     // (1, S)
    mask = k_slot.le(q_slot);                                    // (T, S) causal
    if (config_.sliding_window) mask = mask.logical_and((q_slot - k_slot).lt(*config_.sliding_window));
    mask = mask.view({1, 1, T, S});
    if (attention_mask.defined()) {
      at::Tensor m = attention_mask.to(at::kBool);
      mask = mask.logical_and(per_query ? m.view({B, 1, T, S}) : m.view({B, 1, 1, S}));
    }
    // A padding query still sees itself, so no softmax row is empty (its output is unused).
    mask = mask.logical_or(k_slot.eq(q_slot).view({1, 1, T, S})).expand({B, 1, T, S});
  }

  auto [cos, sin] = rope.cos_sin(positions);  // (B, T, D) each
  at::Tensor h = embed_tokens.index_select(0, ids.reshape(-1)).view({B, T, -1});  // (B, T, C)
  for (std::size_t l = 0; l < layers.size(); ++l) h = block_forward(l, h, cos, sin, mask, causal, cache);
  if (cache) cache->advance(T);
  return rms_norm(h, norm, config_.rms_norm_eps);  // (B, T, C)
}

at::Tensor Transformer::forward(const at::Tensor& ids) const {
  const auto B = ids.size(0), T = ids.size(1);
  at::Tensor positions = at::arange(T, ids.options().dtype(at::kLong)).unsqueeze(0).expand({B, T});  // (B, T)
  return logits(forward_hidden(ids, positions, at::Tensor(), nullptr));                              // (B, T, V)
}

}  // namespace tunesmith::model
