// Math properties of the forward on tiny random models of every architecture:
// KV-cache decoding equals the full forward, batched equals unbatched, GQA with one
// KV head equals the expanded computation, RoPE scaling follows the config's formula,
// save/load is bit-identical.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/model/loader.h"
#include "core/model/presets.h"
#include "core/model/rope.h"
#include "core/model/transformer.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::model;

namespace {

constexpr std::int64_t kVocab = 97;

ModelConfig tiny(Arch arch) {
  ModelConfig c = preset_config("tiny", arch, kVocab);
  if (arch == Arch::Llama) c.tie_word_embeddings = false;  // exercise both layouts
  if (arch == Arch::Mistral) c.sliding_window = 5;        // small enough to matter
  return c;
}

const std::vector<Arch> kArchs = {Arch::Llama, Arch::Mistral, Arch::Qwen2, Arch::Qwen3};

// Random biases and norm weights too, so that the property tests see them.
Transformer random_model(const ModelConfig& c, std::uint64_t seed) {
  Transformer net = init_random(c, seed);
  torch::manual_seed(static_cast<std::uint64_t>(seed) + 100);
  for (TensorSlot& s : net.tensor_slots())
    if (s.name.ends_with(".bias") || s.name.ends_with("norm.weight")) *s.tensor = torch::randn(s.shape) * 0.1 + (s.name.ends_with(".bias") ? 0.0 : 1.0);
  // Larger projections than 0.02 so attention patterns are far from uniform.
  for (NamedLinear& l : net.linears()) l.linear->weight = l.linear->weight * 10;
  net.finalize();
  return net;
}

at::Tensor random_ids(std::int64_t B, std::int64_t T, std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randint(0, kVocab, {B, T}, torch::kLong);
}

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("KV-cache decoding equals the full forward at every position", "[transformer]") {
  torch::NoGradGuard no_grad;
  for (Arch arch : kArchs) {
    INFO(arch_name(arch));
    Transformer net = random_model(tiny(arch), 7);
    const std::int64_t B = 2, T = 12;
    at::Tensor ids = random_ids(B, T, 3);
    at::Tensor full = net.forward(ids);  // (B, T, V)
    CHECK(full.sizes() == at::IntArrayRef({B, T, kVocab}));

    // Prefill 4, then one token at a time.
    KVCache cache(net.config(), B, T, net.embed_tokens.options());
    std::vector<at::Tensor> steps;
    at::Tensor pos = torch::arange(4, torch::kLong).unsqueeze(0).expand({B, 4});
    steps.push_back(net.logits(net.forward_hidden(ids.narrow(1, 0, 4), pos, at::Tensor(), &cache)));
    for (std::int64_t t = 4; t < T; ++t) {
      at::Tensor p = torch::full({B, 1}, t, torch::kLong);
      steps.push_back(net.logits(net.forward_hidden(ids.narrow(1, t, 1), p, at::Tensor(), &cache)));
    }
    at::Tensor incremental = torch::cat(steps, 1);  // (B, T, V)
    CHECK(cache.length() == T);
    CHECK(max_diff(full, incremental) < 1e-4);
    CHECK(full.abs().max().item<double>() > 1e-2);  // not trivially zero
  }
}

TEST_CASE("batched forward with left padding equals unbatched", "[transformer]") {
  torch::NoGradGuard no_grad;
  for (Arch arch : kArchs) {
    INFO(arch_name(arch));
    Transformer net = random_model(tiny(arch), 11);
    at::Tensor a = random_ids(1, 9, 5), b = random_ids(1, 4, 6);
    at::Tensor la = net.forward(a), lb = net.forward(b);  // (1, 9, V), (1, 4, V)

    // Row 1 left-padded to 9 with 5 pad slots.
    at::Tensor ids = torch::zeros({2, 9}, torch::kLong);
    ids[0].copy_(a[0]);
    ids[1].narrow(0, 5, 4).copy_(b[0]);
    at::Tensor mask = torch::ones({2, 9}, torch::kLong);
    mask[1].narrow(0, 0, 5).fill_(0);
    at::Tensor positions = (mask.cumsum(1) - 1).clamp_min(0);
    at::Tensor logits = net.logits(net.forward_hidden(ids, positions, mask, nullptr));  // (2, 9, V)
    CHECK(max_diff(logits[0], la[0]) < 1e-4);
    CHECK(max_diff(logits[1].narrow(0, 5, 4), lb[0]) < 1e-4);
  }
}

TEST_CASE("GQA with one KV head equals the expanded multi-head computation", "[transformer]") {
  torch::NoGradGuard no_grad;
  for (Arch arch : kArchs) {
    INFO(arch_name(arch));
    ModelConfig c1 = tiny(arch);
    c1.num_key_value_heads = 1;
    Transformer gqa = random_model(c1, 13);
    ModelConfig cH = c1;
    cH.num_key_value_heads = c1.num_attention_heads;
    Transformer mha(cH);
    // Same weights, with the single k/v head repeated for every query head.
    auto src = gqa.tensor_slots();
    auto dst = mha.tensor_slots();
    REQUIRE(src.size() == dst.size());
    const std::int64_t H = c1.num_attention_heads;
    for (std::size_t i = 0; i < src.size(); ++i) {
      REQUIRE(src[i].name == dst[i].name);
      const bool kv = src[i].name.find("k_proj") != std::string::npos || src[i].name.find("v_proj") != std::string::npos;
      *dst[i].tensor = kv ? src[i].tensor->repeat(src[i].tensor->dim() == 2 ? std::vector<std::int64_t>{H, 1}
                                                                              : std::vector<std::int64_t>{H})
                          : *src[i].tensor;
    }
    mha.finalize();
    at::Tensor ids = random_ids(2, 10, 9);
    CHECK(max_diff(gqa.forward(ids), mha.forward(ids)) < 1e-4);
  }
}

TEST_CASE("RoPE inverse frequencies follow the config's scaling formula", "[transformer][rope]") {
  ModelConfig c = tiny(Arch::Llama);
  c.head_dim = 64;
  c.rope_theta = 500000.0;
  const at::Tensor base = rope_inv_freq(c);
  REQUIRE(base.size(0) == 32);
  for (int i = 0; i < 32; ++i) CHECK(base[i].item<double>() == Approx(1.0 / std::pow(500000.0, 2.0 * i / 64)).epsilon(1e-5));

  ModelConfig lin = c;
  lin.rope_scaling = {RopeScaling::Type::Linear, 4.0, 1, 4, 8192};
  CHECK(torch::allclose(rope_inv_freq(lin), base / 4.0));

  ModelConfig l3 = c;
  l3.rope_scaling = {RopeScaling::Type::Llama3, 32.0, 1.0, 4.0, 8192};
  const at::Tensor scaled = rope_inv_freq(l3);
  int low = 0, high = 0, mid = 0;
  for (int i = 0; i < 32; ++i) {
    const double f = base[i].item<double>();
    const double wavelen = 2 * M_PI / f;
    double expect;
    if (wavelen < 8192 / 4.0) {
      expect = f, ++high;
    } else if (wavelen > 8192 / 1.0) {
      expect = f / 32.0, ++low;
    } else {
      const double smooth = (8192 / wavelen - 1.0) / (4.0 - 1.0);
      expect = (1 - smooth) * f / 32.0 + smooth * f, ++mid;
    }
    CHECK(scaled[i].item<double>() == Approx(expect).epsilon(1e-4));
  }
  CHECK(low > 0);  // every branch of the formula is exercised
  CHECK(high > 0);
  CHECK(mid > 0);

  // Positions rotate pairs (i, i + D/2) by angle pos * inv_freq[i].
  Rope rope{base};
  auto [cos, sin] = rope.cos_sin(torch::full({1, 1}, 3, torch::kLong));  // (1, 1, D)
  CHECK(cos[0][0][5].item<double>() == Approx(std::cos(3 * base[5].item<double>())));
  CHECK(sin[0][0][37].item<double>() == Approx(std::sin(3 * base[5].item<double>())));
}

TEST_CASE("Mistral's sliding window limits how far back attention reaches", "[transformer]") {
  torch::NoGradGuard no_grad;
  ModelConfig c = tiny(Arch::Mistral);  // window 5, 2 layers: reach 2 * (5 - 1) = 8 positions
  Transformer net = random_model(c, 17);
  at::Tensor ids = random_ids(1, 14, 21);
  at::Tensor changed = ids.clone();
  changed[0][0] = (ids[0][0].item<std::int64_t>() + 1) % kVocab;
  at::Tensor a = net.forward(ids), b = net.forward(changed);
  CHECK(max_diff(a[0][8], b[0][8]) > 1e-6);   // still within reach
  CHECK(max_diff(a[0][9], b[0][9]) == 0.0);   // beyond reach: untouched
  CHECK(max_diff(a[0][13], b[0][13]) == 0.0);
}

TEST_CASE("save and load give bit-identical weights and logits for every architecture", "[transformer][load]") {
  torch::NoGradGuard no_grad;
  for (Arch arch : kArchs) {
    INFO(arch_name(arch));
    const std::string dir = tunesmith::test::scratch_dir("model-rt");
    Transformer net = random_model(tiny(arch), 19);
    save_model(net, GenerationConfig{}, dir);
    Model m = load_model(dir);
    CHECK(m.config.to_json() == net.config().to_json());
    auto a = net.tensor_slots(), b = m.net.tensor_slots();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(torch::equal(*a[i].tensor, *b[i].tensor));
    at::Tensor ids = random_ids(1, 6, 1);
    CHECK(torch::equal(net.forward(ids), m.net.forward(ids)));
    const ModelInfo info = inspect_model(dir);
    CHECK(info.parameters == net.config().num_parameters());
    CHECK(info.stored_dtypes == std::vector<std::string>{"F32"});

    // bf16 on disk loads into fp32 on CPU.
    const std::string dir16 = tunesmith::test::scratch_dir("model-rt16");
    save_model(net, GenerationConfig{}, dir16, torch::kBFloat16);
    Model m16 = load_model(dir16);
    CHECK(m16.net.embed_tokens.scalar_type() == torch::kFloat);
    CHECK(torch::equal(m16.net.embed_tokens, net.embed_tokens.to(torch::kBFloat16).to(torch::kFloat)));
  }
}

TEST_CASE("the same seed gives the same weights", "[transformer]") {
  const ModelConfig c = tiny(Arch::Qwen3);
  Transformer a = init_random(c, 42), b = init_random(c, 42), d = init_random(c, 43);
  CHECK(torch::equal(a.layers[1].mlp.down_proj.weight, b.layers[1].mlp.down_proj.weight));
  CHECK(!torch::equal(a.layers[1].mlp.down_proj.weight, d.layers[1].mlp.down_proj.weight));
}

TEST_CASE("an adapter hook adds to a projection and can be switched off", "[transformer]") {
  torch::NoGradGuard no_grad;
  struct Shift : LinearAdapter {
    at::Tensor forward(const at::Tensor& x) override { return torch::ones({x.size(0), x.size(1), 32}) * 0.5; }
  };
  Transformer net = random_model(tiny(Arch::Llama), 23);
  at::Tensor ids = random_ids(1, 5, 2);
  const at::Tensor base = net.forward(ids);
  auto adapter = std::make_shared<Shift>();
  net.layers[0].self_attn.k_proj.adapter = adapter;
  CHECK(max_diff(net.forward(ids), base) > 1e-4);
  adapter->enabled = false;
  CHECK(torch::equal(net.forward(ids), base));
  CHECK(net.linears().size() == 14);
}
