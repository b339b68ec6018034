// The demo base model (core/train/demo_model.h) and what the demo promises: a tiny
// model pretrained by Tunesmith that writes English-like text, knows nothing about
// Acme, and that LoRA with default settings visibly teaches.
//
// The ctest fixture `demo_project` (tests/train/CMakeLists.txt) runs
// `tunesmith-cli demo create` once into TUNESMITH_DEMO_FIXTURE_DIR, with the build
// tree's own cache folder, so repeated test runs reuse the pretrained model.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/eval/text_metrics.h"
#include "core/data/atomic_file.h"
#include "core/data/json.h"
#include "core/model/generate.h"
#include "core/model/loader.h"
#include "core/text/tokenizer.h"
#include "core/train/demo_model.h"
#include "tests/support/test_paths.h"

using tunesmith::data::Json;
namespace fs = std::filesystem;
namespace model = tunesmith::model;
namespace train = tunesmith::train;
namespace test = tunesmith::test;

namespace {

const std::string kProject = TUNESMITH_DEMO_FIXTURE_DIR;
std::string demo_model_dir() { return kProject + "/models/demo"; }
std::string resources() { return test::source_path("resources"); }

// Lower-cased alphabetic words; digits and punctuation split words.
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

std::vector<Json> read_jsonl(const std::string& path) {
  std::vector<Json> rows;
  std::istringstream in(tunesmith::data::read_file(path));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(Json::parse(line));
  return rows;
}

// Every weight of a model folder, by name.
std::map<std::string, at::Tensor> weights_of(model::Transformer& net) {
  std::map<std::string, at::Tensor> m;
  for (auto& slot : net.tensor_slots()) m[slot.name] = *slot.tensor;
  return m;
}

bool same_weights(model::Transformer& a, model::Transformer& b) {
  auto wa = weights_of(a), wb = weights_of(b);
  if (wa.size() != wb.size()) return false;
  for (auto& [name, t] : wa)
    if (!wb.count(name) || !at::equal(t, wb[name])) return false;
  return true;
}

// A short recipe for the cases that pretrain themselves: the smallest preset, a few
// steps; the same code path as the demo's recipe.
train::PretrainRecipe short_recipe(std::uint64_t seed) {
  train::PretrainRecipe r;
  r.preset = "tiny";
  r.seq_len = 32;
  r.batch_size = 4;
  r.steps = 6;
  r.warmup_steps = 2;
  r.seed = seed;
  return r;
}

}  // namespace

TEST_CASE("demo create writes a project whose base model folder loads", "[demo]") {
  REQUIRE(fs::exists(kProject + "/tunesmith.json"));
  const Json project = Json::parse(test::read_text(kProject + "/tunesmith.json"));
  REQUIRE(project.contains("models"));
  CHECK(project["models"] == Json::array({"models/demo"}));
  for (const char* f : {"data/train.jsonl", "data/test.jsonl", "models/demo/config.json",
                        "models/demo/generation_config.json", "models/demo/model.safetensors",
                        "models/demo/tokenizer.json", "models/demo/tokenizer_config.json",
                        "models/demo/tunesmith_demo.json"})
    CHECK(fs::exists(kProject + "/" + f));

  const auto r = test::run_command(test::cli_path() + " model info " + demo_model_dir() + " --json");
  REQUIRE(r.exit_code == 0);
  const Json info = Json::parse(r.out);
  INFO(r.out);
  // Preset `demo` with the demo tokenizer's 4096 ids (embeddings tied to the head).
  CHECK(info["parameters"] == 1377408);
  // eos is <|im_end|> (id 4095 of the demo tokenizer), so chat generation stops at the end of a turn.
  const Json gen = Json::parse(test::read_text(demo_model_dir() + "/generation_config.json"));
  CHECK(gen["eos_token_id"] == 4095);
  const Json stamp = Json::parse(test::read_text(demo_model_dir() + "/tunesmith_demo.json"));
  CHECK(stamp["key"] == train::demo_model_key(resources(), train::PretrainRecipe{}));
  // Pretraining did learn: the loss fell far below a uniform guess over 4096 ids (ln 4096 = 8.3).
  CHECK(stamp["final_loss"].get<double>() < 5.5);
  CHECK(stamp["first_loss"].get<double>() > 7.5);
}

TEST_CASE("the pretrained demo base writes English-like text", "[demo]") {
  // Word pairs of the corpus: byte-level BPE pieces alone already look like words (even
  // a model pretrained for 4 steps has ~89% of its "words" in the corpus vocabulary),
  // but only a model that learned the language puts them in orders the corpus uses.
  std::set<std::string> pairs;
  for (const auto& f : train::corpus_files(resources() + "/demo/corpus")) {
    const auto w = words(tunesmith::data::read_file(f));
    for (std::size_t i = 1; i < w.size(); ++i) pairs.insert(w[i - 1] + " " + w[i]);
  }
  model::Model m = model::load_model(demo_model_dir());
  const auto tok = tunesmith::text::Tokenizer::from_dir(demo_model_dir());
  const std::vector<std::string> prompts = {"How do I change my password?", "The library is open",
                                            "Customer: Hello, I ordered a", "To clean the filter,"};
  std::size_t known = 0, total = 0;
  for (const auto& p : prompts) {
    const auto enc = tok.encode(p, false);
    model::GenerateOptions o;
    o.max_new_tokens = 40;
    o.sampling.temperature = 0.8;
    o.sampling.top_k = 40;
    o.sampling.seed = 11;
    o.decode = [&](const std::vector<std::int64_t>& ids) {
      return tok.decode(std::vector<std::int32_t>(ids.begin(), ids.end()), true);
    };
    const auto g = model::generate(m.net, {std::vector<std::int64_t>(enc.ids.begin(), enc.ids.end())}, o);
    UNSCOPED_INFO(p << " -> " << g[0].text);
    const auto w = words(g[0].text);
    for (std::size_t i = 1; i < w.size(); ++i) ++total, known += pairs.count(w[i - 1] + " " + w[i]);
  }
  const double share = total ? static_cast<double>(known) / static_cast<double>(total) : 0.0;
  WARN("demo base: " << known << " of " << total << " generated word pairs occur in the corpus (" << share << ")");
  REQUIRE(total >= 40);
  CHECK(share >= 0.4);
}

TEST_CASE("demo pretraining is deterministic and the cache returns the same weights", "[demo]") {
  const std::string corpus = resources() + "/demo/corpus", tokdir = resources() + "/demo/model";
  auto a = train::pretrain(corpus, tokdir, short_recipe(5));
  auto b = train::pretrain(corpus, tokdir, short_recipe(5));
  CHECK(a.losses == b.losses);
  CHECK(same_weights(a.net, b.net));
  auto c = train::pretrain(corpus, tokdir, short_recipe(6));
  CHECK_FALSE(same_weights(a.net, c.net));

  // The cache: the first build pretrains, the second copies, a damaged entry is rebuilt.
  train::DemoModelOptions options;
  options.recipe = short_recipe(5);
  options.cache_dir = test::scratch_dir("demo-cache");
  const std::string out1 = test::scratch_dir("demo-build") + "/m1", out2 = test::scratch_dir("demo-build") + "/m2";
  const auto first = train::build_demo_model(out1, resources(), {}, nullptr, options);
  CHECK_FALSE(first.from_cache);
  const auto second = train::build_demo_model(out2, resources(), {}, nullptr, options);
  CHECK(second.from_cache);
  CHECK(tunesmith::data::read_file(out1 + "/model.safetensors") == tunesmith::data::read_file(out2 + "/model.safetensors"));
  model::Model loaded = model::load_model(out1);
  CHECK(same_weights(loaded.net, a.net));  // the saved weights are those pretraining produced

  tunesmith::data::write_file_atomic(options.cache_dir + "/" + first.key + "/model.safetensors", "damaged");
  const auto third = train::build_demo_model(out2, resources(), {}, nullptr, options);
  CHECK_FALSE(third.from_cache);
  CHECK(tunesmith::data::read_file(out1 + "/model.safetensors") == tunesmith::data::read_file(out2 + "/model.safetensors"));

  // A different recipe is a different key.
  CHECK(train::demo_model_key(resources(), short_recipe(6)) != first.key);
}

TEST_CASE("LoRA with default settings teaches the demo base the Acme answers", "[demo][lora][quality]") {
  const std::string run = test::scratch_dir("demo-lora") + "/run";
  const std::string train_file = kProject + "/data/train.jsonl";
  auto r = test::run_command(test::cli_path() + " train --model " + demo_model_dir() + " --data " + train_file +
                             " --out " + run + " --max-steps 150");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  std::vector<double> losses;
  for (const Json& e : read_jsonl(run + "/metrics.jsonl"))
    if (e.value("type", "") == "step") losses.push_back(e["loss"].get<double>());
  REQUIRE(losses.size() == 150);
  double first = 0, last = 0;
  for (std::size_t i = 0; i < 10; ++i) first += losses[i] / 10, last += losses[losses.size() - 10 + i] / 10;
  const double ratio = last / first;
  WARN("demo LoRA: mean loss of the first 10 steps " << first << ", last 10 " << last << ", ratio " << ratio);
  CHECK(ratio < 0.75);

  // Greedy answers to the first 10 training prompts (system + user), base vs adapter.
  const auto rows = read_jsonl(train_file);
  REQUIRE(rows.size() >= 10);
  std::string input;
  std::vector<std::string> references;
  for (std::size_t i = 0; i < 10; ++i) {
    Json messages = Json::array();
    std::string reference;
    for (const Json& m : rows[i]["messages"]) {
      if (m["role"] == "assistant") {
        reference = m["content"].get<std::string>();
        break;
      }
      messages.push_back(m);
    }
    input += Json{{"messages", messages}}.dump() + "\n";
    references.push_back(reference);
  }
  auto answers = [&](const std::string& extra) {
    auto g = test::run_command(test::cli_path() + " generate --model " + demo_model_dir() + extra +
                                   " --temperature 0 --max-new-tokens 64",
                               input);
    INFO(g.err);
    REQUIRE(g.exit_code == 0);
    std::vector<std::string> out;
    std::istringstream lines(g.out);
    std::string line;
    while (std::getline(lines, line))
      if (!line.empty()) out.push_back(Json::parse(line).value("text", ""));
    REQUIRE(out.size() == references.size());
    return out;
  };
  const auto base = answers("");
  const auto tuned = answers(" --adapter " + run + "/adapter");
  double f1_base = 0, f1_tuned = 0;
  for (std::size_t i = 0; i < references.size(); ++i) {
    f1_base += tunesmith::eval::token_f1(base[i], references[i]) / static_cast<double>(references.size());
    f1_tuned += tunesmith::eval::token_f1(tuned[i], references[i]) / static_cast<double>(references.size());
    UNSCOPED_INFO("reference: " << references[i] << "\n  base:  " << base[i] << "\n  tuned: " << tuned[i]);
  }
  WARN("demo LoRA: token F1 against the training answers, base " << f1_base << ", adapter " << f1_tuned);
  CHECK(f1_tuned > f1_base + 0.1);
}
