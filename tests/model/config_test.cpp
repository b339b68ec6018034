// config.json / generation_config.json parsing, and the check of checkpoint tensors
// against the config on load (missing, unexpected, wrong shape: each named).
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/model/config.h"
#include "core/model/device.h"
#include "core/model/error.h"
#include "core/model/loader.h"
#include "core/model/presets.h"
#include "core/model/weights.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::model;
using tunesmith::data::Json;
using Catch::Matchers::Contains;

namespace {

// Abbreviated real config.json files.
const char* kLlama32 = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 128000,
  "eos_token_id": [128001, 128008, 128009], "head_dim": 64, "hidden_act": "silu", "hidden_size": 2048,
  "intermediate_size": 8192, "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
  "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 128256})";

const char* kQwen25 = R"({
  "architectures": ["Qwen2ForCausalLM"], "bos_token_id": 151643, "eos_token_id": 151643, "hidden_act": "silu",
  "hidden_size": 896, "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
  "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
  "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
  "torch_dtype": "bfloat16", "use_sliding_window": false, "vocab_size": 151936})";

const char* kMistral = R"({
  "architectures": ["MistralForCausalLM"], "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 14336,
  "max_position_embeddings": 32768, "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096, "vocab_size": 32000})";

const char* kQwen3 = R"({
  "architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "head_dim": 128, "hidden_act": "silu",
  "hidden_size": 1024, "intermediate_size": 3072, "max_position_embeddings": 40960, "num_attention_heads": 16,
  "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06, "rope_scaling": null,
  "rope_theta": 1000000, "tie_word_embeddings": true, "vocab_size": 151936})";

ModelConfig tiny(Arch arch) {
  ModelConfig c = preset_config("tiny", arch, 97);
  return c;
}

}  // namespace

TEST_CASE("config.json of Llama 3.2, Qwen2.5, Mistral and Qwen3", "[config]") {
  const ModelConfig l = ModelConfig::from_json(Json::parse(kLlama32));
  CHECK(l.arch == Arch::Llama);
  CHECK(l.head_dim == 64);
  CHECK(l.num_key_value_heads == 8);
  CHECK(l.tie_word_embeddings);
  CHECK(l.rms_norm_eps == Approx(1e-5));
  CHECK(l.rope_scaling.type == RopeScaling::Type::Llama3);
  CHECK(l.rope_scaling.factor == 32.0);
  CHECK(l.eos_token_ids == std::vector<std::int64_t>{128001, 128008, 128009});
  CHECK(l.num_parameters() == 1235814400);  // Llama 3.2 1B

  const ModelConfig q = ModelConfig::from_json(Json::parse(kQwen25));
  CHECK(q.arch == Arch::Qwen2);
  CHECK(q.qkv_bias());
  CHECK(!q.o_bias());
  CHECK(q.head_dim == 64);
  CHECK(!q.sliding_window);  // use_sliding_window: false
  CHECK(q.num_parameters() == 494032768);  // Qwen2.5 0.5B

  const ModelConfig m = ModelConfig::from_json(Json::parse(kMistral));
  CHECK(m.arch == Arch::Mistral);
  CHECK(m.sliding_window == 4096);
  CHECK(!m.tie_word_embeddings);
  CHECK(m.head_dim == 128);

  const ModelConfig q3 = ModelConfig::from_json(Json::parse(kQwen3));
  CHECK(q3.qk_norm());
  CHECK(!q3.qkv_bias());
  CHECK(q3.head_dim == 128);
  CHECK(q3.num_parameters() == 596049920);  // Qwen3 0.6B

  // to_json -> from_json keeps every field the engine uses.
  for (const auto& c : {l, q, m, q3}) {
    const ModelConfig back = ModelConfig::from_json(c.to_json());
    CHECK(back.to_json() == c.to_json());
  }
}

TEST_CASE("unsupported architectures and values list what is supported", "[config]") {
  Json j = Json::parse(kLlama32);
  j["architectures"] = {"GPT2LMHeadModel"};
  CHECK_THROWS_WITH(ModelConfig::from_json(j, "x/config.json"),
                    Contains("x/config.json") && Contains("GPT2LMHeadModel") && Contains("Qwen3ForCausalLM"));
  j = Json::parse(kLlama32);
  j["rope_scaling"]["rope_type"] = "yarn";
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Contains("rope_scaling") && Contains("yarn") && Contains("llama3"));
  j = Json::parse(kLlama32);
  j["hidden_act"] = "gelu";
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Contains("hidden_act") && Contains("silu"));
  j = Json::parse(kLlama32);
  j["num_key_value_heads"] = 5;
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Contains("num_key_value_heads"));
  j = Json::parse(kLlama32);
  j.erase("hidden_size");
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Contains("hidden_size") && Contains("required"));
  j = Json::parse(kLlama32);
  j["vocab_size"] = "many";
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Contains("vocab_size") && Contains("integer"));
}

TEST_CASE("generation_config.json: eos ids and sampling defaults", "[config]") {
  const GenerationConfig g = GenerationConfig::from_json(Json::parse(
      R"({"bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128009], "temperature": 0.6, "top_p": 0.9})"));
  CHECK(g.do_sample);
  CHECK(g.temperature == Approx(0.6));
  CHECK(g.top_p == Approx(0.9));
  CHECK(g.top_k == 50);  // transformers' default
  CHECK(g.eos_token_ids == std::vector<std::int64_t>{128001, 128009});
  CHECK_THROWS_WITH(GenerationConfig::from_json(Json::parse(R"({"top_p": 2})")), Contains("top_p"));
}

TEST_CASE("checkpoint tensors are checked against config.json", "[config][load]") {
  const std::string dir = tunesmith::test::scratch_dir("model-mismatch");
  Transformer net = init_random(tiny(Arch::Qwen2), 1);
  save_model(net, GenerationConfig{}, dir);
  CHECK_NOTHROW(inspect_model(dir));

  auto tensors = load_safetensors(dir + "/model.safetensors");
  SECTION("missing tensor") {
    tensors.erase("model.layers.1.mlp.up_proj.weight");
    tensors.erase("model.layers.0.self_attn.q_proj.bias");
    save_safetensors(dir + "/model.safetensors", {tensors.begin(), tensors.end()});
    CHECK_THROWS_WITH(load_model(dir), Contains("missing tensor 'model.layers.1.mlp.up_proj.weight'") &&
                                           Contains("missing tensor 'model.layers.0.self_attn.q_proj.bias'") &&
                                           Contains("2 problems"));
  }
  SECTION("unexpected tensor") {
    tensors["model.layers.0.self_attn.o_proj.bias"] = torch::zeros({64});
    save_safetensors(dir + "/model.safetensors", {tensors.begin(), tensors.end()});
    CHECK_THROWS_WITH(inspect_model(dir), Contains("unexpected tensor 'model.layers.0.self_attn.o_proj.bias'"));
  }
  SECTION("wrong shape") {
    tensors["model.layers.1.self_attn.k_proj.weight"] = torch::zeros({64, 64});
    save_safetensors(dir + "/model.safetensors", {tensors.begin(), tensors.end()});
    CHECK_THROWS_WITH(load_model(dir), Contains("'model.layers.1.self_attn.k_proj.weight' has shape [64, 64]") &&
                                           Contains("[32, 64]"));
  }
  SECTION("integer weights") {
    tensors["model.norm.weight"] = torch::ones({64}, torch::kInt);
    save_safetensors(dir + "/model.safetensors", {tensors.begin(), tensors.end()});
    CHECK_THROWS_WITH(load_model(dir), Contains("'model.norm.weight' has dtype I32"));
  }
  SECTION("ignored tensors transformers ignores too") {
    tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch::zeros({8});
    tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"];  // tied: redundant copy
    save_safetensors(dir + "/model.safetensors", {tensors.begin(), tensors.end()});
    CHECK(inspect_model(dir).notes.size() == 2);
  }
  SECTION("no config.json") {
    std::filesystem::remove(dir + "/config.json");
    CHECK_THROWS_WITH(load_model(dir), Contains("no config.json"));
  }
}

TEST_CASE("a CUDA request without CUDA is a clear error", "[config][device]") {
  CHECK(select_device("cpu").is_cpu());
  CHECK_THROWS_WITH(select_device("tpu"), Contains("auto, cpu, cuda"));
  if (torch::cuda::is_available()) return;
  CHECK(select_device("auto").is_cpu());
  CHECK_THROWS_WITH(select_device("cuda"), Contains("CUDA is not available") && Contains("--device cpu"));
  CHECK_THROWS_WITH(load_model("/nonexistent", LoadOptions{"cuda", std::nullopt}), Contains("CUDA"));
}
