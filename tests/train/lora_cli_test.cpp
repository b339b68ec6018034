// tunesmith-cli export and generate --adapter, end to end through the built binary
// (build it too: ninja test_lora tunesmith-cli).
#include <catch2/catch.hpp>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>

#include "core/data/json.h"
#include "core/model/loader.h"
#include "core/model/weights.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;
using Catch::Matchers::Contains;
using data::Json;
using test::run_command;
namespace fs = std::filesystem;

namespace {

std::string cli() { return test::cli_path(); }

// A tiny model with the demo tokenizer, stored in `dtype` ("f32", "bf16").
std::string tiny_model(const std::string& name, const std::string& dtype) {
  const std::string dir = test::scratch_dir(name);
  const auto r = run_command(cli() + " model init --arch qwen2 --preset tiny --tokenizer " +
                             test::source_path("resources/demo/model") + " --out " + dir + " --seed 4 --dtype " + dtype);
  REQUIRE(r.exit_code == 0);
  return dir;
}

// An adapter for `model_dir` whose B is large enough to change greedy decoding.
std::string trained_adapter(const std::string& model_dir, const std::string& name) {
  const std::string dir = test::scratch_dir(name);
  model::Model m = model::load_model(model_dir, {"cpu", at::kFloat});
  train::LoraConfig cfg;
  cfg.r = 4;
  cfg.alpha = 8;
  train::Lora lora = train::Lora::attach(m.net, cfg, 1);
  {
    at::NoGradGuard no_grad;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(2);
    for (auto& [key, t] : lora.named_parameters())
      if (key.ends_with("lora_B.weight")) t.copy_(at::normal(0.0, 0.3, t.sizes(), gen, t.options()));
  }
  train::save_adapter(lora, dir, model_dir);
  return dir;
}

// Greedy continuation of fixed ids: {"ids": [...]} in, the generated ids out.
Json greedy(const std::string& flags) {
  const auto r = run_command(cli() + " generate " + flags + " --temperature 0 --max-new-tokens 12",
                             R"({"ids": [5, 120, 33, 870, 41, 9]})" "\n");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  REQUIRE(j.contains("ids"));
  return j["ids"];
}

}  // namespace

TEST_CASE("export --merge writes a model folder that generates like base + adapter", "[lora][cli]") {
  for (const std::string dtype : {"f32", "bf16"}) {
    INFO(dtype);
    const std::string base = tiny_model("export-base-" + dtype, dtype);
    const std::string adapter = trained_adapter(base, "export-adapter-" + dtype);
    const std::string base_weights = test::read_text(base + "/model.safetensors");
    const std::string out = test::scratch_dir("export-merged-" + dtype);

    auto r = run_command(cli() + " export --model " + base + " --adapter " + adapter + " --out " + out + " --merge");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(test::read_text(base + "/model.safetensors") == base_weights);  // the base is never written
    for (const char* f : {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                          "tokenizer_config.json"})
      CHECK(fs::exists(out + "/" + f));

    r = run_command(cli() + " model info " + out + " --json");
    REQUIRE(r.exit_code == 0);
    const Json info = Json::parse(r.out);
    CHECK(info["valid"] == true);
    CHECK(info["stored_dtypes"] == Json::array({dtype == "f32" ? "F32" : "BF16"}));

    const Json with_adapter = greedy("--model " + base + " --adapter " + adapter);
    const Json merged = greedy("--model " + out);
    CHECK(greedy("--model " + base) != with_adapter);  // the adapter matters
    if (dtype == "f32") {
      CHECK(merged == with_adapter);
    } else {
      // bf16 storage rounds the merged weights; the first tokens must still agree.
      CHECK(merged[0] == with_adapter[0]);
    }
  }
}

TEST_CASE("export without --merge writes a PEFT adapter that loads back identically", "[lora][cli]") {
  const std::string base = tiny_model("export-peft-base", "f32");
  const std::string adapter = trained_adapter(base, "export-peft-adapter");
  const std::string out = test::scratch_dir("export-peft-out");
  const auto r = run_command(cli() + " export --model " + base + " --adapter " + adapter + " --out " + out);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json cfg = Json::parse(test::read_text(out + "/adapter_config.json"));
  CHECK(cfg["base_model_name_or_path"] == fs::absolute(base).lexically_normal().string());
  CHECK(cfg["peft_type"] == "LORA");
  const auto a = model::load_safetensors(adapter + "/adapter_model.safetensors");
  const auto b = model::load_safetensors(out + "/adapter_model.safetensors");
  REQUIRE(a.size() == b.size());
  for (const auto& [name, t] : a) CHECK(at::equal(t, b.at(name)));
  CHECK(greedy("--model " + base + " --adapter " + out) == greedy("--model " + base + " --adapter " + adapter));
}

TEST_CASE("export and generate --adapter report usage errors and adapters that do not fit", "[lora][cli]") {
  const std::string base = tiny_model("export-err-base", "f32");
  const std::string adapter = trained_adapter(base, "export-err-adapter");
  const std::string out = test::scratch_dir("export-err-out");

  auto r = run_command(cli() + " export --model " + base + " --adapter " + adapter + " --out " + out + " --format gguf");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("not supported yet"));
  r = run_command(cli() + " export --model " + base + " --adapter " + adapter + " --out " + base + " --merge");
  CHECK(r.exit_code == 2);
  r = run_command(cli() + " export --model " + base + " --out " + out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("--adapter"));
  r = run_command(cli() + " export --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("--merge"));

  // An adapter whose r disagrees with its tensors: exit 1, the tensor named.
  {
    Json cfg = Json::parse(test::read_text(adapter + "/adapter_config.json"));
    cfg["r"] = 5;
    test::write_text(out + "/adapter_config.json", cfg.dump(2));
    fs::copy_file(adapter + "/adapter_model.safetensors", out + "/adapter_model.safetensors");
  }
  r = run_command(cli() + " export --model " + base + " --adapter " + out + " --out " +
                  test::scratch_dir("export-err-out2") + " --merge");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("adapter_model.safetensors") && Contains("lora_A.weight' has shape [4,"));
  r = run_command(cli() + " generate --model " + base + " --adapter " + out + " --prompt hi --max-new-tokens 2");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("has shape"));
  r = run_command(cli() + " generate --model " + base + " --adapter /nonexistent --prompt hi");
  CHECK(r.exit_code == 2);
}
