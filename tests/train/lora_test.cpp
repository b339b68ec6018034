// LoRA on a Transformer: initialisation, gradients against finite differences, the run
// time switch, merge/unmerge, and adapters in PEFT's file layout.
#include <catch2/catch.hpp>

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "core/data/json.h"
#include "core/model/error.h"
#include "core/model/loader.h"
#include "core/model/presets.h"
#include "core/model/weights.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;
using Catch::Matchers::Contains;
using data::Json;
namespace fs = std::filesystem;

namespace {

// 2 layers, hidden 16, 2 query heads sharing 1 KV head of 8, vocabulary 40: every
// projection kind, GQA, and fast enough for finite differences in fp64.
model::ModelConfig small_config(model::Arch arch = model::Arch::Llama) {
  model::ModelConfig c;
  c.arch = arch;
  c.vocab_size = 40;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.num_key_value_heads = 1;
  c.head_dim = 8;
  c.max_position_embeddings = 64;
  c.tie_word_embeddings = true;
  c.eos_token_ids = {39};
  c.validate("test");
  return c;
}

at::Tensor some_ids() { return at::tensor({3, 17, 5, 22, 9, 1, 30}, at::kLong).view({1, 7}); }  // (B=1, T=7)

train::LoraConfig lora_config(std::int64_t r = 4, double alpha = 8) {
  train::LoraConfig c;
  c.r = r;
  c.alpha = alpha;
  c.dropout = 0.0;
  c.target_modules = train::all_linear_targets();
  return c;
}

// A trained-looking adapter: B drawn at random (B = 0 would make every update vanish).
void randomize_b(train::Lora& lora, std::uint64_t seed, double std = 0.5) {
  at::NoGradGuard no_grad;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& [name, t] : lora.named_parameters())
    if (name.ends_with("lora_B.weight")) t.copy_(at::normal(0.0, std, t.sizes(), gen, t.options()));
}

void to_double(model::Transformer& net) {
  for (const model::TensorSlot& s : net.tensor_slots()) *s.tensor = s.tensor->to(at::kDouble);
  net.finalize();
}

at::Tensor logits(const model::Transformer& net) {
  at::NoGradGuard no_grad;
  return net.forward(some_ids());  // (1, T, V)
}

bool any_adapter(model::Transformer& net) {
  for (const auto& nl : net.linears())
    if (nl.linear->adapter) return true;
  return false;
}

// What load_adapter says about `dir`, or "" when it loads.
std::string load_error(model::Transformer& net, const std::string& dir) {
  try {
    train::Lora l = train::load_adapter(net, dir);
    l.detach();
    return "";
  } catch (const model::ModelError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("parse_targets and scaling", "[lora]") {
  CHECK(train::parse_targets("all-linear") == train::all_linear_targets());
  CHECK(train::parse_targets(" q_proj, v_proj,q_proj ") == std::vector<std::string>{"q_proj", "v_proj"});
  try {
    train::parse_targets("q_proj,qkv_proj");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Contains("'qkv_proj'") && Contains("down_proj") && Contains("all-linear"));
  }
  CHECK_THROWS_AS(train::parse_targets(""), std::invalid_argument);
  train::LoraConfig c = lora_config(16, 32);
  CHECK(c.scaling() == 2.0);
  c.use_rslora = true;
  CHECK(c.scaling() == 8.0);  // 32 / sqrt(16)
}

TEST_CASE("an untrained adapter reproduces the base exactly; A is PEFT's Kaiming-uniform", "[lora]") {
  model::Transformer net = model::init_random(small_config(), 1);
  const at::Tensor base = logits(net);
  train::Lora lora = train::Lora::attach(net, lora_config(), 7);
  REQUIRE(lora.size() == 14);  // 7 projections x 2 layers
  CHECK(at::equal(logits(net), base));

  const auto named = lora.named_parameters();
  REQUIRE(named.size() == 28);
  CHECK(named[0].first == "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
  CHECK(named[1].first == "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
  CHECK(named.back().first == "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
  for (const auto& [name, t] : named) {
    INFO(name);
    CHECK(t.requires_grad());
    CHECK(t.scalar_type() == at::kFloat);
    if (name.ends_with("lora_B.weight")) {
      CHECK(t.eq(0).all().item<bool>());
    } else {
      // U(-1/sqrt(in), 1/sqrt(in)): in = 16 except down_proj (24).
      const double bound = 1.0 / std::sqrt(static_cast<double>(t.size(1)));
      CHECK(t.abs().max().item<double>() <= bound);
      CHECK(t.abs().max().item<double>() > 0.5 * bound);
      CHECK(t.std().item<double>() == Approx(bound / std::sqrt(3.0)).epsilon(0.35));
    }
  }
  CHECK(named[1].second.sizes() == at::IntArrayRef({16, 4}));  // q_proj B (out, r)
  CHECK(named[0].second.sizes() == at::IntArrayRef({4, 16}));  // q_proj A (r, in)

  // Seeded: the same seed gives the same A, another seed another A.
  model::Transformer net2 = model::init_random(small_config(), 1), net3 = model::init_random(small_config(), 1);
  train::Lora same = train::Lora::attach(net2, lora_config(), 7);
  train::Lora other = train::Lora::attach(net3, lora_config(), 8);
  CHECK(at::equal(same.parameters()[0], lora.parameters()[0]));
  CHECK(!at::equal(other.parameters()[0], lora.parameters()[0]));

  // Attaching twice is refused; detaching removes every adapter.
  CHECK_THROWS_AS(train::Lora::attach(net, lora_config(), 1), std::invalid_argument);
  lora.detach();
  CHECK(!any_adapter(net));
}

TEST_CASE("LoRA gradients match central finite differences in float64; the base gets none", "[lora]") {
  // Qwen2: q/k/v biases too, which stay frozen like the weights.
  model::Transformer net = model::init_random(small_config(model::Arch::Qwen2), 2);
  to_double(net);
  train::LoraConfig cfg = lora_config(2, 6);
  cfg.dropout = 0.3;  // dropout is off outside training: the function is deterministic
  train::Lora lora = train::Lora::attach(net, cfg, 3);
  randomize_b(lora, 4, 0.3);
  REQUIRE(lora.parameters()[0].scalar_type() == at::kDouble);

  const at::Tensor ids = some_ids();
  const at::Tensor targets = at::tensor({17, 5, 22, 9, 1, 30, 2}, at::kLong);  // (T)
  auto loss_fn = [&] {
    at::Tensor l = net.forward(ids);  // (1, T, V)
    return at::cross_entropy_loss(l.view({-1, l.size(-1)}), targets);
  };
  at::Tensor loss = loss_fn();
  loss.backward();

  for (const model::TensorSlot& s : net.tensor_slots()) {
    INFO(s.name);
    CHECK(!s.tensor->requires_grad());
    CHECK(!s.tensor->grad().defined());
  }

  // A few entries of every LoRA tensor: (L(p + h) - L(p - h)) / 2h, error O(h^2).
  at::NoGradGuard no_grad;
  const double h = 1e-5;
  double worst = 0;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  for (auto& [name, p] : lora.named_parameters()) {
    REQUIRE(p.grad().defined());
    at::Tensor flat = p.view({-1});
    const at::Tensor grad = p.grad().view({-1});
    const at::Tensor picks = at::randint(flat.numel(), {3}, gen, at::kLong);
    for (std::int64_t k = 0; k < 3; ++k) {
      const std::int64_t i = picks[k].item<std::int64_t>();
      const double orig = flat[i].item<double>();
      flat[i].fill_(orig + h);
      const double up = loss_fn().item<double>();
      flat[i].fill_(orig - h);
      const double down = loss_fn().item<double>();
      flat[i].fill_(orig);
      const double numeric = (up - down) / (2 * h), analytic = grad[i].item<double>();
      INFO(name << "[" << i << "]: analytic " << analytic << ", numeric " << numeric);
      CHECK(std::abs(analytic - numeric) <= 1e-7 + 1e-6 * std::abs(numeric));
      worst = std::max(worst, std::abs(analytic));
    }
  }
  CHECK(worst > 1e-4);  // the check compared real gradients, not zeros
}

TEST_CASE("set_enabled switches between the adapted and the base model", "[lora]") {
  model::Transformer net = model::init_random(small_config(), 1);
  const at::Tensor base = logits(net);
  train::LoraConfig cfg = lora_config();
  cfg.target_modules = {"q_proj", "v_proj", "down_proj"};
  train::Lora lora = train::Lora::attach(net, cfg, 7);
  CHECK(lora.size() == 6);
  CHECK(lora.parameters().size() == 12);
  randomize_b(lora, 1);
  const at::Tensor adapted = logits(net);
  CHECK(!at::allclose(adapted, base, 1e-3, 1e-3));
  lora.set_enabled(false);
  CHECK(!lora.enabled());
  CHECK(at::equal(logits(net), base));
  lora.set_enabled(true);
  CHECK(at::equal(logits(net), adapted));
}

TEST_CASE("dropout applies only while training and follows torch's generator", "[lora]") {
  model::Transformer net = model::init_random(small_config(), 1);
  train::LoraConfig cfg = lora_config();
  cfg.dropout = 0.5;
  train::Lora lora = train::Lora::attach(net, cfg, 7);
  randomize_b(lora, 1);
  const at::Tensor eval = logits(net);
  lora.set_training(true);
  at::manual_seed(11);
  const at::Tensor t1 = logits(net);
  at::manual_seed(11);
  const at::Tensor t2 = logits(net);
  const at::Tensor t3 = logits(net);
  CHECK(at::equal(t1, t2));
  CHECK(!at::equal(t1, t3));
  CHECK(!at::allclose(t1, eval, 1e-4, 1e-4));
  lora.set_training(false);
  CHECK(at::equal(logits(net), eval));
}

TEST_CASE("merge equals the adapter on; unmerge restores the base weights", "[lora]") {
  model::Transformer net = model::init_random(small_config(), 1);
  const at::Tensor base = logits(net);
  const at::Tensor q0 = net.layers[0].self_attn.q_proj.weight.clone();
  train::Lora lora = train::Lora::attach(net, lora_config(), 7);
  randomize_b(lora, 1);
  const at::Tensor adapted = logits(net);

  lora.merge();
  CHECK(lora.merged());
  CHECK(!at::allclose(net.layers[0].self_attn.q_proj.weight, q0));
  CHECK(at::allclose(logits(net), adapted, 1e-5, 1e-5));
  lora.merge();  // idempotent: nothing is added twice
  CHECK(at::allclose(logits(net), adapted, 1e-5, 1e-5));

  lora.unmerge();
  CHECK(!lora.merged());
  CHECK(at::allclose(net.layers[0].self_attn.q_proj.weight, q0, 0, 1e-6));
  CHECK(at::allclose(logits(net), adapted, 1e-5, 1e-5));  // the adapters are on again
  lora.set_enabled(false);
  CHECK(at::allclose(logits(net), base, 1e-5, 1e-5));

  // Disabling a merged adapter unmerges it (as PEFT does).
  lora.set_enabled(true);
  lora.merge();
  lora.set_enabled(false);
  CHECK(!lora.merged());
  CHECK(at::allclose(logits(net), base, 1e-5, 1e-5));
  lora.detach();
  CHECK(!any_adapter(net));
}

TEST_CASE("merging into a loaded model never writes to the model file", "[lora]") {
  const std::string dir = test::scratch_dir("lora-merge-cow");
  {
    model::Transformer net = model::init_random(small_config(), 1);
    model::save_model(net, {}, dir);
  }
  const std::string before = test::read_text(dir + "/model.safetensors");
  model::Model m = model::load_model(dir, {"cpu", at::kFloat});
  // fp32 on the CPU: the weight is a zero-copy view of the file's memory map.
  const at::Tensor& w = m.net.layers[0].mlp.up_proj.weight;
  const at::Tensor w0 = w.clone();
  train::Lora lora = train::Lora::attach(m.net, lora_config(), 7);
  randomize_b(lora, 1);
  lora.merge();
  CHECK(!at::allclose(w, w0));
  CHECK(test::read_text(dir + "/model.safetensors") == before);
  const auto reread = model::load_safetensors(dir + "/model.safetensors");
  CHECK(at::equal(reread.at("model.layers.0.mlp.up_proj.weight"), w0));
}

TEST_CASE("PEFT layout: save, load into a fresh model, identical outputs", "[lora][peft]") {
  const std::string dir = test::scratch_dir("peft-roundtrip");
  model::Transformer net = model::init_random(small_config(), 1);
  train::LoraConfig cfg = lora_config(4, 12);
  cfg.target_modules = {"v_proj", "q_proj", "o_proj", "up_proj"};
  cfg.use_rslora = true;
  cfg.dropout = 0.05;
  train::Lora lora = train::Lora::attach(net, cfg, 7);
  randomize_b(lora, 1);
  const at::Tensor adapted = logits(net);
  train::save_adapter(lora, dir, "/models/base");

  const Json j = Json::parse(test::read_text(dir + "/adapter_config.json"));
  CHECK(j["peft_type"] == "LORA");
  CHECK(j["task_type"] == "CAUSAL_LM");
  CHECK(j["r"] == 4);
  CHECK(j["lora_alpha"].is_number_integer());
  CHECK(j["lora_alpha"] == 12);
  CHECK(j["lora_dropout"] == 0.05);
  CHECK(j["target_modules"] == Json::array({"o_proj", "q_proj", "up_proj", "v_proj"}));
  CHECK(j["base_model_name_or_path"] == "/models/base");
  CHECK(j["use_rslora"] == true);
  CHECK(j["bias"] == "none");
  CHECK(j["use_dora"] == false);
  CHECK(j["fan_in_fan_out"] == false);
  CHECK(j["inference_mode"] == true);
  CHECK(j["modules_to_save"].is_null());
  CHECK(j["rank_pattern"] == Json::object());

  const auto tensors = model::load_safetensors(dir + "/adapter_model.safetensors");
  CHECK(tensors.size() == 16);
  CHECK(tensors.count("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight"));
  CHECK(tensors.at("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight").sizes() == at::IntArrayRef({24, 4}));

  model::Transformer fresh = model::init_random(small_config(), 1);
  std::string base_name;
  const train::LoraConfig read = train::read_adapter_config(dir, &base_name);
  CHECK(base_name == "/models/base");
  CHECK(read.use_rslora);
  CHECK(read.alpha == 12);
  train::Lora loaded = train::load_adapter(fresh, dir);
  CHECK(loaded.size() == 8);
  CHECK(loaded.config().scaling() == Approx(6.0));  // rsLoRA: 12 / sqrt(4)
  CHECK(at::equal(logits(fresh), adapted));
}

namespace {

// adapter_config.json as PEFT 0.13 writes it (save_pretrained, sort_keys=True).
std::string peft_config(const std::string& target_modules, const std::string& extra = "") {
  return R"({
  "alpha_pattern": {},
  "auto_mapping": null,
  "base_model_name_or_path": "HuggingFaceTB/SmolLM2-135M",
  "bias": "none",
  "fan_in_fan_out": false,
  "inference_mode": true,
  "init_lora_weights": true,
  "layer_replication": null,
  "layers_pattern": null,
  "layers_to_transform": null,
  "loftq_config": {},
  "lora_alpha": 16,
  "lora_dropout": 0.05,
  "megatron_config": null,
  "megatron_core": "megatron.core",
  "modules_to_save": null,
  "peft_type": "LORA",
  "r": 2,
  "rank_pattern": {},
  "revision": null,
  "target_modules": )" + target_modules + R"(,
  "task_type": "CAUSAL_LM",)" + extra + R"(
  "use_dora": false,
  "use_rslora": false
})";
}

// bf16 tensors for `modules` of a `small_config` model at rank `r`, as PEFT would save them.
std::vector<std::pair<std::string, at::Tensor>> peft_tensors(const std::vector<std::string>& modules,
                                                             std::int64_t r = 2) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(9);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const std::string& m : modules) {
    const std::int64_t in = m.ends_with("down_proj") ? 24 : 16;
    const std::int64_t out_f = m.ends_with("down_proj") || m.ends_with("q_proj") || m.ends_with("o_proj") ? 16
                               : m.ends_with("k_proj") || m.ends_with("v_proj")                          ? 8
                                                                                                          : 24;
    out.emplace_back("base_model.model." + m + ".lora_A.weight",
                     at::normal(0.0, 0.3, {r, in}, gen, at::TensorOptions().dtype(at::kFloat)).to(at::kBFloat16));
    out.emplace_back("base_model.model." + m + ".lora_B.weight",
                     at::normal(0.0, 0.3, {out_f, r}, gen, at::TensorOptions().dtype(at::kFloat)).to(at::kBFloat16));
  }
  return out;
}

const std::vector<std::string> kQV = {"model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                                      "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"};

// The base with W += scaling B A applied by hand, for comparison.
at::Tensor merged_by_hand(const std::vector<std::pair<std::string, at::Tensor>>& tensors, double scaling) {
  model::Transformer net = model::init_random(small_config(), 1);
  at::NoGradGuard no_grad;
  for (const auto& nl : net.linears()) {
    const std::string a = "base_model.model." + nl.name + ".lora_A.weight";
    for (std::size_t i = 0; i < tensors.size(); ++i)
      if (tensors[i].first == a)
        nl.linear->weight.add_(at::matmul(tensors[i + 1].second.to(at::kFloat), tensors[i].second.to(at::kFloat)) *
                               scaling);
  }
  return logits(net);
}

}  // namespace

TEST_CASE("an adapter written by PEFT loads: list and regex target_modules, bf16 tensors", "[lora][peft]") {
  const auto tensors = peft_tensors(kQV);
  const at::Tensor expected = merged_by_hand(tensors, 16.0 / 2);

  SECTION("target_modules as a list") {
    const std::string dir = test::scratch_dir("peft-list");
    test::write_text(dir + "/adapter_config.json", peft_config(R"(["v_proj", "q_proj"])"));
    model::save_safetensors(dir + "/adapter_model.safetensors", tensors);
    model::Transformer net = model::init_random(small_config(), 1);
    train::Lora lora = train::load_adapter(net, dir);
    CHECK(lora.module_names() == kQV);
    CHECK(lora.config().scaling() == 8.0);
    CHECK(at::equal(lora.parameters()[0], tensors[0].second.to(at::kFloat)));
    CHECK(at::allclose(logits(net), expected, 1e-4, 1e-5));
  }
  SECTION("target_modules as a regex string, full-matched against module names") {
    const std::string dir = test::scratch_dir("peft-regex");
    test::write_text(dir + "/adapter_config.json", peft_config(R"("model\\.layers\\.\\d+\\.self_attn\\.(q|v)_proj")"));
    model::save_safetensors(dir + "/adapter_model.safetensors", tensors);
    model::Transformer net = model::init_random(small_config(), 1);
    train::Lora lora = train::load_adapter(net, dir);
    CHECK(lora.module_names() == kQV);
    CHECK(at::allclose(logits(net), expected, 1e-4, 1e-5));
    // Saved back as the same regex.
    const std::string again = test::scratch_dir("peft-regex-again");
    train::save_adapter(lora, again, "x");
    CHECK(Json::parse(test::read_text(again + "/adapter_config.json"))["target_modules"] ==
          "model\\.layers\\.\\d+\\.self_attn\\.(q|v)_proj");
  }
  SECTION("a regex that matches part of a name only does not match (full match)") {
    const std::string dir = test::scratch_dir("peft-regex-partial");
    test::write_text(dir + "/adapter_config.json", peft_config(R"("q_proj")"));
    model::save_safetensors(dir + "/adapter_model.safetensors", tensors);
    model::Transformer net = model::init_random(small_config(), 1);
    CHECK_THAT(load_error(net, dir), Contains("adapter_config.json") && Contains("target_modules") &&
                                         Contains("matches no projection"));
    CHECK(!any_adapter(net));
  }
  SECTION("layers_to_transform, rank_pattern and alpha_pattern") {
    const std::string dir = test::scratch_dir("peft-patterns");
    std::string cfg = peft_config(R"(["q_proj", "v_proj"])");
    cfg.replace(cfg.find(R"("layers_to_transform": null)"), 27, R"("layers_to_transform": [1])");
    cfg.replace(cfg.find(R"("rank_pattern": {})"), 18, R"("rank_pattern": {"v_proj": 3})");
    cfg.replace(cfg.find(R"("alpha_pattern": {})"), 19, R"("alpha_pattern": {"layers.1.self_attn.q_proj": 4})");
    test::write_text(dir + "/adapter_config.json", cfg);
    auto t = peft_tensors({"model.layers.1.self_attn.q_proj"});
    for (auto& x : peft_tensors({"model.layers.1.self_attn.v_proj"}, 3)) t.push_back(x);
    model::save_safetensors(dir + "/adapter_model.safetensors", t);
    model::Transformer net = model::init_random(small_config(), 1);
    train::Lora lora = train::load_adapter(net, dir);
    CHECK(lora.module_names() ==
          std::vector<std::string>{"model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"});
    CHECK(lora.config().scaling_for("model.layers.1.self_attn.q_proj") == 2.0);          // 4 / 2
    CHECK(lora.config().scaling_for("model.layers.1.self_attn.v_proj") == Approx(16.0 / 3));  // 16 / 3
    const auto p = lora.parameters();
    CHECK(p[2].sizes() == at::IntArrayRef({3, 16}));
    // Written back with the patterns, and reloaded to the same outputs.
    const at::Tensor out = logits(net);
    const std::string again = test::scratch_dir("peft-patterns-again");
    train::save_adapter(lora, again, "x");
    model::Transformer net2 = model::init_random(small_config(), 1);
    train::Lora lora2 = train::load_adapter(net2, again);
    CHECK(at::equal(logits(net2), out));
  }
}

TEST_CASE("malformed adapters give errors naming the file and the field or tensor", "[lora][peft]") {
  const auto tensors = peft_tensors(kQV);
  const std::string list = R"(["q_proj", "v_proj"])";
  model::Transformer net = model::init_random(small_config(), 1);
  auto make = [&](const std::string& name, const std::string& config,
                  std::vector<std::pair<std::string, at::Tensor>> t) {
    const std::string dir = test::scratch_dir(name);
    test::write_text(dir + "/adapter_config.json", config);
    model::save_safetensors(dir + "/adapter_model.safetensors", t);
    return dir;
  };

  SECTION("missing tensor") {
    auto t = tensors;
    t.erase(t.begin() + 3);  // layers.0 v_proj lora_B
    const std::string e = load_error(net, make("peft-missing", peft_config(list), t));
    CHECK_THAT(e, Contains("adapter_model.safetensors") && Contains("missing tensor") &&
                      Contains("model.layers.0.self_attn.v_proj.lora_B.weight") && Contains("[8, 2]"));
  }
  SECTION("wrong shape and unexpected tensor") {
    auto t = tensors;
    t[0].second = at::zeros({2, 15}, at::kBFloat16);
    t.emplace_back("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight", at::zeros({2, 16}));
    const std::string e = load_error(net, make("peft-shape", peft_config(list), t));
    CHECK_THAT(e, Contains("adapter_model.safetensors") && Contains("2 problems") &&
                      Contains("layers.0.self_attn.q_proj.lora_A.weight' has shape [2, 15]") &&
                      Contains("[2, 16]") && Contains("unexpected tensor") && Contains("mlp.up_proj.lora_A"));
  }
  SECTION("rank in the file differs from r") {
    const std::string e = load_error(net, make("peft-rank", peft_config(list), peft_tensors(kQV, 3)));
    CHECK_THAT(e, Contains("has shape [3, 16]") && Contains("[2, 16]"));
  }
  SECTION("use_dora true") {
    std::string cfg = peft_config(list);
    cfg.replace(cfg.find(R"("use_dora": false)"), 17, R"("use_dora": true)");
    CHECK_THAT(load_error(net, make("peft-dora", cfg, tensors)),
               Contains("adapter_config.json") && Contains("'use_dora'") && Contains("DoRA"));
  }
  SECTION("bias, modules_to_save, fan_in_fan_out, peft_type") {
    for (const auto& [from, to, field] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {R"("bias": "none")", R"("bias": "lora_only")", "bias"},
             {R"("modules_to_save": null)", R"("modules_to_save": ["lm_head"])", "modules_to_save"},
             {R"("fan_in_fan_out": false)", R"("fan_in_fan_out": true)", "fan_in_fan_out"},
             {R"("peft_type": "LORA")", R"("peft_type": "IA3")", "peft_type"},
             {R"("r": 2)", R"("r": 0)", "r"},
             {R"("lora_alpha": 16)", R"("lora_alpha": "16")", "lora_alpha"}}) {
      INFO(field);
      std::string cfg = peft_config(list);
      cfg.replace(cfg.find(from), from.size(), to);
      CHECK_THAT(load_error(net, make("peft-" + field, cfg, tensors)),
                 Contains("adapter_config.json") && Contains("field '" + field + "'"));
    }
  }
  SECTION("broken JSON") {
    std::string cfg = peft_config(list);
    cfg.erase(cfg.find("\"r\": 2,") + 6, 1);  // drop a comma
    const std::string e = load_error(net, make("peft-json", cfg, tensors));
    CHECK_THAT(e, Contains("adapter_config.json") && Contains("not valid JSON") && Contains("line"));
  }
  SECTION("missing files") {
    const std::string dir = test::scratch_dir("peft-nofiles");
    CHECK_THAT(load_error(net, dir), Contains("no adapter_config.json"));
    test::write_text(dir + "/adapter_config.json", peft_config(list));
    test::write_text(dir + "/adapter_model.bin", "pickle");
    CHECK_THAT(load_error(net, dir), Contains("adapter_model.bin") && Contains("pickle"));
  }
  // A failed load leaves the model as it was.
  CHECK(!any_adapter(net));
}
