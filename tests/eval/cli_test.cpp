// tunesmith-cli eval end to end on the tiny random model: the three files with the
// documented schema, the CSV, few-shot from --train, local:M+A, the probe, the baseline,
// usage errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "core/data/json.h"
#include "core/model/loader.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"
#include "tests/eval/eval_test_util.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;
using tunesmith::test::cli_path;
using tunesmith::test::run_command;
using tunesmith::test::source_path;

namespace {

std::vector<data::Json> read_lines(const std::string& path) {
  std::vector<data::Json> out;
  std::istringstream in(test::read_text(path));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(data::Json::parse(line));
  return out;
}

// The first n lines of a demo split.
std::string head(const std::string& split, int n, const std::string& dir) {
  std::istringstream in(test::read_text(source_path("resources/demo/acme/" + split + ".jsonl")));
  std::string line, out;
  for (int i = 0; i < n && std::getline(in, line); ++i) out += line + "\n";
  return test::write_text(dir + "/" + split + ".jsonl", out);
}

}  // namespace

TEST_CASE("eval CLI: local vs few-shot writes results.jsonl, summary.json, report.html, results.csv",
          "[eval][cli]") {
  const std::string model = test::tiny_model_dir();
  const std::string dir = test::scratch_dir("eval_cli");
  const std::string test_file = head("test", 3, dir), train_file = head("train", 8, dir);
  const std::string out = dir + "/out";
  const auto r = run_command(cli_path() + " eval --data " + test_file + " --out " + out + " --a local:" + model +
                             " --b fewshot:2:" + model + " --train " + train_file +
                             " --scorer contains --scorer rouge --scorer f1 --scorer exact --max-new-tokens 6 --device cpu --probe");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("contains") != std::string::npos);
  CHECK(r.err.find("eval: answer a") != std::string::npos);  // progress on stderr

  const auto lines = read_lines(out + "/results.jsonl");
  REQUIRE(lines.size() == 3);
  for (const auto& l : lines) {
    for (const char* key : {"id", "input", "reference", "expected", "answer_a", "answer_b", "latency_s", "scores"})
      CHECK(l.contains(key));
    CHECK_FALSE(l.contains("answer_c"));
    CHECK(l["answer_a"].is_string());
    CHECK(l["latency_s"]["a"].get<double>() > 0);
    for (const char* who : {"a", "b"}) {
      const auto& s = l["scores"][who];
      CHECK((s["contains"] == 0.0 || s["contains"] == 1.0));  // the demo test set has expected phrases
      CHECK(s["rouge"].is_number());
      CHECK(s["f1"].is_number());
      CHECK(s["exact"].is_number());
    }
  }
  const auto summary = data::Json::parse(test::read_text(out + "/summary.json"));
  CHECK(summary["cases"] == 3);
  CHECK(summary["answerers"]["b"]["spec"] == "fewshot:2:" + model);
  CHECK(summary["answerers"]["a"]["scores"]["contains"]["kind"] == "accuracy");
  CHECK(summary["answerers"]["a"]["scores"]["contains"]["ci95"].size() == 2);
  CHECK(summary["answerers"]["a"]["latency"]["tokens_per_s"].get<double>() > 0);
  CHECK(summary["probe"]["cases"] == 20);
  CHECK(summary["probe"]["answerers"]["a"]["agreement"]["mean"] == 1.0);  // with itself
  CHECK(read_lines(out + "/probe.jsonl").size() == 20);
  const std::string html = test::read_text(out + "/report.html");
  CHECK(html.find("<h2>Cases</h2>") != std::string::npos);
  CHECK(html.find("Forgetting probe") != std::string::npos);
  CHECK(test::read_text(out + "/results.csv").rfind("id,input,reference,expected,answer_a", 0) == 0);
}

TEST_CASE("eval CLI: local:M+A, baseline saved and compared", "[eval][cli]") {
  const std::string model = test::tiny_model_dir();
  const std::string dir = test::scratch_dir("eval_cli_adapter");
  const std::string test_file = head("test", 2, dir);
  {
    model::Model m = model::load_model(model, {"cpu", std::nullopt});
    train::LoraConfig cfg;
    cfg.r = 2;
    cfg.alpha = 4;
    train::Lora lora = train::Lora::attach(m.net, cfg, 1);
    train::save_adapter(lora, dir + "/adapter", model);
  }
  test::write_text(dir + "/project/tunesmith.json", R"({"format":"tunesmith-project","version":1,"name":"p"})");
  const std::string common = cli_path() + " eval --data " + test_file + " --a local:" + model + " --b local:" + model +
                             "+" + dir + "/adapter --max-new-tokens 5 --device cpu --project " + dir + "/project";
  auto r = run_command(common + " --out " + dir + "/project/evals/base --save-baseline a");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto lines = read_lines(dir + "/project/evals/base/results.jsonl");
  REQUIRE(lines.size() == 2);
  for (const auto& l : lines) CHECK(l["answer_a"] == l["answer_b"]);  // untrained adapter: the base exactly
  const auto project = data::Json::parse(test::read_text(dir + "/project/tunesmith.json"));
  CHECK(project["baseline"]["path"] == "evals/base");
  CHECK(project["baseline"]["answerer"] == "a");

  r = run_command(common + " --out " + dir + "/again --json");
  REQUIRE(r.exit_code == 0);
  const auto summary = data::Json::parse(r.out);
  REQUIRE(summary.contains("baseline"));
  CHECK(summary["baseline"]["changes"]["b"][0]["text"].get<std::string>().find("moved from") != std::string::npos);
}

TEST_CASE("eval CLI: usage errors exit 2, invalid data exits 1", "[eval][cli]") {
  const std::string model = test::tiny_model_dir();
  const std::string dir = test::scratch_dir("eval_cli_errors");
  const std::string test_file = head("test", 2, dir);
  const std::string base = cli_path() + " eval --out " + dir + "/o --a local:" + model;
  CHECK(run_command(base + " --data " + test_file + " --b fewshot:2:" + model).exit_code == 2);  // no --train
  CHECK(run_command(base + " --data " + dir + "/missing.jsonl --b local:" + model).exit_code == 2);
  CHECK(run_command(base + " --data " + test_file + " --b local:" + model + " --scorer bleu").exit_code == 2);
  CHECK(run_command(base + " --data " + test_file + " --b local:" + model + " --scorer judge").exit_code == 2);
  CHECK(run_command(base + " --data " + test_file).exit_code == 2);  // one answerer
  CHECK(run_command(base + " --data " + test_file + " --b local:" + model + " --train " + test_file +
                    " --c fewshot:1:" + model).exit_code == 2);  // shots from the test file
  const std::string bad = test::write_text(dir + "/bad.jsonl", "{\"messages\": [}\n");
  const auto r = run_command(base + " --data " + bad + " --b local:" + model);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("bad.jsonl:1") != std::string::npos);
  CHECK(run_command(cli_path() + " eval --help").out.find("fewshot:K:MODEL_DIR") != std::string::npos);
}

TEST_CASE("eval CLI: an adapter trained a few steps by the trainer answers differently from its base",
          "[eval][cli][train]") {
  const std::string model = test::tiny_model_dir();
  const std::string dir = test::scratch_dir("eval_cli_trained");
  const std::string test_file = head("test", 4, dir), train_file = head("train", 8, dir);
  auto r = run_command(cli_path() + " train --model " + model + " --data " + train_file + " --out " + dir +
                       "/run --max-steps 4 --lr 0.05 --rank 4 --alpha 8 --dropout 0 --batch-size 4 --max-seq-len 256 "
                       "--device cpu --seed 1");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(std::filesystem::exists(dir + "/run/adapter/adapter_model.safetensors"));
  r = run_command(cli_path() + " eval --data " + test_file + " --out " + dir + "/out --a local:" + model +
                  " --b local:" + model + "+" + dir + "/run/adapter --max-new-tokens 8 --device cpu");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto lines = read_lines(dir + "/out/results.jsonl");
  REQUIRE(lines.size() == 4);
  int differ = 0;
  for (const auto& l : lines) differ += l["answer_a"] != l["answer_b"] ? 1 : 0;
  CHECK(differ > 0);
}
