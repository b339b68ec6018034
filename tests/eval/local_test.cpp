// Local answerers on a tiny random model: one loaded base shared by local:M and
// local:M+A, identical answers with an untrained adapter, different ones with a
// non-zero lora_B, and the base unchanged after the adapter was used.
#include <catch2/catch.hpp>

#include <filesystem>
#include <mutex>

#include <torch/torch.h>

#include "core/eval/evaluation.h"
#include "core/eval/local_answerer.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"
#include "tests/eval/eval_test_util.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;
using namespace tunesmith::eval;

namespace tunesmith::test {

std::string tiny_model_dir() {
  static std::once_flag once;
  static std::string dir;
  std::call_once(once, [] {
    dir = scratch_dir("eval_tiny_model") + "/model";
    const CommandResult r = run_command(cli_path() + " model init --arch llama --preset tiny --seed 5 --tokenizer " +
                                        source_path("resources/demo/model") + " --out " + dir);
    if (r.exit_code != 0) throw std::runtime_error("model init failed: " + r.err);
  });
  return dir;
}

}  // namespace tunesmith::test

namespace {

LocalOptions options() {
  LocalOptions o;
  o.device = "cpu";
  o.max_new_tokens = 12;
  o.batch_size = 2;
  return o;
}

std::vector<Json> questions() {
  return {Json::parse(R"([{"role":"system","content":"You are helpful."},{"role":"user","content":"What is the capital of France?"}])"),
          Json::parse(R"([{"role":"user","content":"How do I reset my password?"}])"),
          Json::parse(R"([{"role":"user","content":"Hello"}])")};
}

std::vector<std::string> texts(const std::vector<Answer>& answers) {
  std::vector<std::string> t;
  for (const Answer& a : answers) {
    REQUIRE(a.error.empty());
    t.push_back(a.text);
  }
  return t;
}

// Writes a fresh (untrained: B = 0) adapter for `model_dir` into a new folder.
std::string untrained_adapter(const std::string& model_dir) {
  model::Model m = model::load_model(model_dir, {"cpu", std::nullopt});
  train::LoraConfig cfg;
  cfg.r = 4;
  cfg.alpha = 8;
  cfg.dropout = 0;
  train::Lora lora = train::Lora::attach(m.net, cfg, 11);
  const std::string dir = test::scratch_dir("eval_adapter") + "/adapter";
  train::save_adapter(lora, dir, model_dir);
  return dir;
}

}  // namespace

TEST_CASE("local: M and M+A share one base; an untrained adapter changes nothing, a non-zero B does",
          "[eval][local]") {
  const std::string model_dir = test::tiny_model_dir();
  auto base = LocalModel::load(model_dir, options());
  LocalAnswerer plain_before(base, false, "local:m");
  const auto reference = texts(plain_before.answer(questions(), nullptr));
  // Batching does not change greedy answers: one at a time gives the same text.
  CHECK(texts(plain_before.answer({questions()[1]}, nullptr))[0] == reference[1]);

  base->attach_adapter(untrained_adapter(model_dir));
  REQUIRE(base->lora() != nullptr);
  LocalAnswerer plain(base, false, "local:m");
  LocalAnswerer tuned(base, true, "local:m+a");
  CHECK(texts(tuned.answer(questions(), nullptr)) == reference);  // B = 0: the base exactly
  CHECK(texts(plain.answer(questions(), nullptr)) == reference);

  // A non-zero B (what training does) must change the fine-tuned answers only.
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(3);
    for (auto& [name, t] : base->lora()->named_parameters())
      if (name.find("lora_B") != std::string::npos) t.copy_(torch::randn_like(t) * 2.0);
  }
  const auto after = texts(tuned.answer(questions(), nullptr));
  CHECK(after != reference);
  CHECK(texts(plain.answer(questions(), nullptr)) == reference);  // switched off: the base again
  CHECK_THROWS_AS(base->attach_adapter(test::scratch_dir("another")), std::invalid_argument);
  CHECK_THROWS_AS(LocalAnswerer(LocalModel::load(model_dir, options()), true, "x"), std::invalid_argument);
}

TEST_CASE("local: answers carry tokens, latency and a throughput", "[eval][local]") {
  auto base = LocalModel::load(test::tiny_model_dir(), options());
  LocalAnswerer a(base, false, "local:m");
  const auto answers = a.answer(questions(), nullptr);
  for (const Answer& x : answers) {
    CHECK(x.prompt_tokens > 5);
    CHECK(x.completion_tokens >= 1);
    CHECK(x.completion_tokens <= 12);
    CHECK(x.latency_s > 0);
    CHECK_FALSE(x.cost_usd);
  }
  // A prompt longer than the context keeps its end (the question) and still answers.
  Json long_conv = Json::array({{{"role", "user"}, {"content", std::string(30000, 'a') + " question"}}});
  CHECK(base->prompt_ids(long_conv).size() <= static_cast<std::size_t>(2048 - 12));
}
