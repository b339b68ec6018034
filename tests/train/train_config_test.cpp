// TrainConfig JSON, warnings, schedules, batching plans and the provenance hash.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "core/train/batching.h"
#include "core/train/schedule.h"
#include "core/train/sha256.h"
#include "core/train/train_config.h"

using namespace tunesmith::train;
using Catch::Matchers::Contains;

TEST_CASE("TrainConfig: the guide's defaults, JSON round trip, bad fields named", "[train][config]") {
  TrainConfig d;
  CHECK(d.lora_r == 16);
  CHECK(d.lora_alpha == 32);
  CHECK(d.lora_dropout == Approx(0.1));
  CHECK(d.epochs == 3);
  CHECK(d.lr == Approx(2e-4));

  TrainConfig c;
  c.model_dir = "m";
  c.train_files = {"a.jsonl"};
  c.out_dir = "run";
  c.lora_r = 8;
  c.schedule = Schedule::Cosine;
  c.long_examples = LongExamplePolicy::Skip;
  c.packing = true;
  c.split_seed = 5;
  c.trainable = Trainable::Full;
  c.data_kind = DataKind::TextCorpus;
  const auto j = c.to_json();
  CHECK(TrainConfig::from_json(j).to_json() == j);

  CHECK_THROWS_WITH(TrainConfig::from_json({{"lerning_rate", 1}}), Contains("lerning_rate: unknown setting"));
  CHECK_THROWS_WITH(TrainConfig::from_json({{"lora", {{"r", "x"}}}}), Contains("lora.r: expected an integer"));
  CHECK_THROWS_WITH(TrainConfig::from_json({{"schedule", "step"}}), Contains("schedule: unknown value \"step\""));
  TrainConfig bad = c;
  bad.trainable = Trainable::Lora;
  bad.lora_dropout = 1.5;
  CHECK_THROWS_WITH(bad.validate(), Contains("lora.dropout"));
  bad = c;
  bad.lr = 0;
  CHECK_THROWS_WITH(bad.validate(), Contains("lr: must be a positive number"));
}

TEST_CASE("warnings for forgetting-prone settings and little data", "[train][config]") {
  TrainConfig c;
  c.val_files = {"v.jsonl"};
  CHECK(training_warnings(c, 200).empty());
  c.lr = 5e-3;
  c.epochs = 10;
  const auto w = training_warnings(c, 20);
  auto has = [&](const std::string& s) {
    for (const auto& x : w)
      if (x.find(s) != std::string::npos) return true;
    return false;
  };
  CHECK(has("catastrophic forgetting"));
  CHECK(has("10 epochs"));
  CHECK(has("20 training examples"));
  CHECK(training_warnings(TrainConfig{}, 5).size() >= 2);  // too few examples, no validation data
}

TEST_CASE("schedules: warmup then constant, linear and cosine as Hugging Face computes them", "[train][schedule]") {
  // warmup 2 of 10 steps
  CHECK(lr_multiplier(Schedule::Linear, 0, 2, 10) == 0.0);
  CHECK(lr_multiplier(Schedule::Linear, 1, 2, 10) == Approx(0.5));
  CHECK(lr_multiplier(Schedule::Linear, 2, 2, 10) == Approx(1.0));
  CHECK(lr_multiplier(Schedule::Linear, 6, 2, 10) == Approx(0.5));
  CHECK(lr_multiplier(Schedule::Linear, 9, 2, 10) == Approx(1.0 / 8));
  CHECK(lr_multiplier(Schedule::Constant, 9, 2, 10) == 1.0);
  CHECK(lr_multiplier(Schedule::Cosine, 2, 2, 10) == Approx(1.0));
  CHECK(lr_multiplier(Schedule::Cosine, 6, 2, 10) == Approx(0.5));
  CHECK(lr_multiplier(Schedule::Cosine, 9, 2, 10) == Approx(0.5 * (1 + std::cos(M_PI * 7 / 8))));
  TrainConfig c;
  c.warmup_ratio = 0.03;
  CHECK(warmup_steps_for(c, 150) == 5);
  c.warmup_steps = 7;
  CHECK(warmup_steps_for(c, 150) == 7);
}

namespace {
std::vector<TokenizedExample> fake_examples(const std::vector<int>& lengths) {
  std::vector<TokenizedExample> v;
  for (int n : lengths) {
    TokenizedExample e;
    e.ids.assign(static_cast<std::size_t>(n), 1);
    e.mask.assign(static_cast<std::size_t>(n), 1);
    v.push_back(e);
  }
  return v;
}
}  // namespace

TEST_CASE("batch plans: every example once, token budget kept, deterministic per seed and epoch", "[train][batching]") {
  const auto ex = fake_examples({5, 40, 7, 33, 12, 9, 28, 3, 50, 21, 16, 8});
  BatchOptions o;
  o.batch_size = 3;
  o.batch_tokens = 90;
  o.max_seq_len = 64;
  o.seed = 11;
  const auto a = plan_epoch(ex, o, 0);
  std::multiset<std::size_t> seen;
  for (const auto& b : a) {
    CHECK(b.rows.size() <= 3);
    CHECK(static_cast<std::int64_t>(b.rows.size()) * b.width <= 90);
    for (const auto& r : b.rows) seen.insert(r.examples.begin(), r.examples.end());
  }
  CHECK(seen.size() == ex.size());
  CHECK(std::set<std::size_t>(seen.begin(), seen.end()).size() == ex.size());

  auto order = [](const std::vector<MicroBatch>& p) {
    std::vector<std::size_t> v;
    for (const auto& b : p)
      for (const auto& r : b.rows) v.insert(v.end(), r.examples.begin(), r.examples.end());
    return v;
  };
  CHECK(order(plan_epoch(ex, o, 0)) == order(a));
  CHECK(order(plan_epoch(ex, o, 1)) != order(a));

  o.packing = true;
  const auto packed = plan_epoch(ex, o, 0);
  std::size_t n = 0;
  for (const auto& b : packed)
    for (const auto& r : b.rows) {
      CHECK(r.length <= 64);
      n += r.examples.size();
    }
  CHECK(n == ex.size());
}

TEST_CASE("sha256 of known vectors", "[train][provenance]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}
