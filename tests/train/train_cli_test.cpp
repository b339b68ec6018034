// tunesmith-cli train end to end through the built binary.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "core/data/json.h"
#include "core/model/loader.h"
#include "core/train/peft_io.h"
#include "core/train/sha256.h"
#include "tests/support/test_paths.h"
#include "tests/train/train_fixtures.h"

using namespace tunesmith;
using tunesmith::data::Json;
using tunesmith::test::run_command;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::string train_cmd(const std::string& data, const std::string& out, const std::string& extra) {
  return test::cli_path() + " train --model " + test::tiny_model_dir() + " --data " + data + " --out " + out +
         " --rank 4 --alpha 8 --lr 5e-3 --batch-size 2 --max-seq-len 192 --threads 1 " + extra;
}

}  // namespace

TEST_CASE("train CLI: run folder with config provenance, metrics, log and a PEFT adapter", "[train][cli]") {
  const std::string data = test::acme_conversations(6, "cli-data");
  const std::string val = test::acme_conversations(2, "cli-val");
  const std::string out = test::scratch_dir("cli-run") + "/run";
  const auto r = run_command(train_cmd(data, out, "--val " + val + " --max-steps 4 --eval-steps 2 --save-steps 2"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains(out + "/adapter"));
  CHECK_THAT(r.err, Contains("step 4/4"));  // plain progress lines when stderr is not a terminal

  const Json cfg = Json::parse(test::read_text(out + "/config.json"));
  CHECK(cfg["config"]["max_steps"] == 4);
  CHECK(cfg["config"]["lora"]["r"] == 4);
  CHECK(cfg["provenance"]["train_files"][0]["sha256"] == train::sha256_file(data));
  CHECK(cfg["provenance"]["val_files"][0]["sha256"] == train::sha256_file(val));
  CHECK(cfg["provenance"]["base_model"]["config_sha256"] ==
        train::sha256_file(test::tiny_model_dir() + "/config.json"));
  CHECK(cfg["provenance"]["chat_template"]["sha256"].get<std::string>().size() == 64);
  CHECK(cfg["provenance"]["app_version"] == TUNESMITH_VERSION);

  int steps = 0, evals = 0;
  std::istringstream in(test::read_text(out + "/metrics.jsonl"));
  for (std::string line; std::getline(in, line);) {
    const Json j = Json::parse(line);
    if (j["type"] == "step") {
      ++steps;
      CHECK(j["step"] == steps);
      for (const char* k : {"epoch", "loss", "lr", "tokens_per_s", "grad_norm"}) CHECK(j.contains(k));
    }
    if (j["type"] == "eval") {
      ++evals;
      CHECK(j["val_loss"].get<double>() > 0);
    }
  }
  CHECK(steps == 4);
  CHECK(evals == 2);  // steps 2 and 4
  CHECK(test::metric_types(out).back() == "finished");
  CHECK(fs::exists(out + "/log.txt"));
  CHECK(fs::exists(out + "/checkpoints/step-2/COMPLETE"));

  const Json ac = Json::parse(test::read_text(out + "/adapter/adapter_config.json"));
  CHECK(ac["peft_type"] == "LORA");
  CHECK(ac["r"] == 4);
  model::Model m = model::load_model(test::tiny_model_dir());
  CHECK(train::load_adapter(m.net, out + "/adapter").size() > 0);
}

TEST_CASE("train CLI: --stop-at-step exits 130, --resume reproduces the uninterrupted losses", "[train][cli][resume]") {
  const std::string data = test::acme_conversations(6, "cli-resume-data");
  const std::string whole = test::scratch_dir("cli-whole") + "/run", parts = test::scratch_dir("cli-parts") + "/run";
  REQUIRE(run_command(train_cmd(data, whole, "--max-steps 6")).exit_code == 0);
  auto r = run_command(train_cmd(data, parts, "--max-steps 6 --stop-at-step 3"));
  INFO(r.err);
  REQUIRE(r.exit_code == 130);
  CHECK(fs::exists(parts + "/checkpoints/step-3/COMPLETE"));
  // The original flags may be repeated; --stop-at-step is not part of the configuration.
  r = run_command(train_cmd(data, parts, "--max-steps 6 --resume"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(test::step_losses(parts) == test::step_losses(whole));
  // A finished run: nothing to do.
  r = run_command(test::cli_path() + " train --out " + parts + " --resume");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("already finished"));
}

TEST_CASE("train CLI: usage errors and a configuration that disagrees on --resume", "[train][cli]") {
  const std::string data = test::acme_conversations(6, "cli-err-data");
  const std::string out = test::scratch_dir("cli-err") + "/run";
  REQUIRE(run_command(train_cmd(data, out, "--max-steps 2 --stop-at-step 1")).exit_code == 130);
  auto r = run_command(train_cmd(data, out, "--max-steps 2 --resume --lr 0.1"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("lr") && Contains("saved"));
  r = run_command(train_cmd(data, out, "--max-steps 2"));  // without --resume: the folder holds a run
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("--resume"));

  CHECK(run_command(train_cmd(data, test::scratch_dir("cli-q") + "/run", "--qlora")).exit_code == 2);
  CHECK(run_command(train_cmd("/nonexistent.jsonl", test::scratch_dir("cli-m") + "/run", "")).exit_code == 2);
  r = run_command(train_cmd(data, test::scratch_dir("cli-t") + "/run", "--targets q_proj,nope_proj"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("nope_proj"));
  r = run_command(test::cli_path() + " train --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("--stop-at-step"));
}
