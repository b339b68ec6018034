// Runs of the trainer on the tiny model: determinism, checkpoints, cancel, resume, the
// NaN guard, full-parameter training on a text corpus.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include <filesystem>

#include "core/data/json.h"
#include "core/model/loader.h"
#include "core/model/weights.h"
#include "core/train/checkpoint.h"
#include "core/train/peft_io.h"
#include "core/train/trainer.h"
#include "core/train/training_job.h"
#include "tests/support/test_paths.h"
#include "tests/train/train_fixtures.h"

using namespace tunesmith;
using namespace tunesmith::train;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("the same seed gives the same loss curve, another seed another", "[train][determinism]") {
  const std::string data = test::acme_conversations(6, "seed-data");
  auto curve = [&](std::uint64_t seed, const std::string& name) {
    TrainConfig c = test::quick_config(data, test::scratch_dir(name) + "/run");
    c.seed = seed;
    REQUIRE(run_training(c, {}, {}).state == jobs::JobState::Succeeded);
    return test::step_losses(c.out_dir);
  };
  const auto a = curve(1, "seed-a"), b = curve(1, "seed-b"), c = curve(2, "seed-c");
  REQUIRE(a.size() == 4);
  CHECK(a == b);  // bit for bit
  CHECK(a != c);
}

TEST_CASE("TrainingJob: events in order, and cancel leaves a loadable checkpoint", "[train][job][cancel]") {
  const std::string data = test::acme_conversations(6, "cancel-data");
  TrainConfig c = test::quick_config(data, test::scratch_dir("cancel") + "/run");
  c.max_steps = 50;
  TrainingJob job(c);
  std::vector<std::string> kinds;
  job.set_event_callback([&](const jobs::JobEvent& e) {
    kinds.push_back(std::visit(
        [](const auto& ev) -> std::string {
          using T = std::decay_t<decltype(ev)>;
          if constexpr (std::is_same_v<T, jobs::Started>) return "started";
          if constexpr (std::is_same_v<T, jobs::Step>) return "step";
          if constexpr (std::is_same_v<T, jobs::Checkpoint>) return "checkpoint";
          if constexpr (std::is_same_v<T, jobs::Cancelled>) return "cancelled";
          if constexpr (std::is_same_v<T, jobs::Finished>) return "finished";
          if constexpr (std::is_same_v<T, jobs::Failed>) return "failed";
          return "other";
        },
        e));
    if (const auto* s = std::get_if<jobs::Step>(&e); s && s->step == 2) job.cancel();
  });
  job.start();
  job.wait();
  const TrainingOutcome o = job.outcome();
  REQUIRE(o.state == jobs::JobState::Cancelled);
  CHECK(job.state() == jobs::JobState::Cancelled);
  CHECK(o.step == 2);  // within one step of the request
  std::vector<std::string> sequence;
  for (const auto& k : kinds)
    if (k != "other") sequence.push_back(k);
  CHECK(sequence == std::vector<std::string>{"started", "step", "step", "checkpoint", "cancelled"});

  const std::string ckpt = newest_checkpoint(c.out_dir);
  REQUIRE(ckpt == c.out_dir + "/checkpoints/step-2");
  CHECK(fs::exists(ckpt + "/" + kCheckpointMarker));
  // The adapter loads onto a fresh base and holds the trained (non-zero) B matrices.
  model::Model m = model::load_model(test::tiny_model_dir());
  Lora lora = load_adapter(m.net, ckpt + "/adapter");
  double b_norm = 0;
  for (const auto& [name, t] : lora.named_parameters())
    if (name.find("lora_B") != std::string::npos) b_norm += t.abs().sum().item<double>();
  CHECK(b_norm > 0);
  const LoadedCheckpoint lc = read_checkpoint(ckpt);
  CHECK(lc.state.step == 2);
  CHECK(lc.state.total_steps == 50);
  CHECK(lc.optimizer.size() == 2 * lora.named_parameters().size());
}

TEST_CASE("resume continues with exactly the losses of an uninterrupted run", "[train][resume]") {
  const std::string data = test::acme_conversations(6, "resume-data");
  // 6 examples, batch 2: 3 steps an epoch, so the resumed part crosses an epoch.
  TrainConfig full = test::quick_config(data, test::scratch_dir("resume-full") + "/run");
  full.max_steps = 6;
  full.lora_dropout = 0.1;  // the RNG state must be restored too
  REQUIRE(run_training(full, {}, {}).state == jobs::JobState::Succeeded);
  const auto expected = test::step_losses(full.out_dir);
  REQUIRE(expected.size() == 6);

  TrainConfig part = full;
  part.out_dir = test::scratch_dir("resume-part") + "/run";
  TrainingOptions stop;
  stop.stop_at_step = 2;
  const TrainingOutcome first = run_training(part, stop, {});
  REQUIRE(first.state == jobs::JobState::Cancelled);
  CHECK(test::step_losses(part.out_dir).size() == 2);
  // A crash in the middle of writing a later checkpoint leaves folders resume ignores.
  fs::create_directories(part.out_dir + "/checkpoints/step-5/adapter");
  fs::create_directories(part.out_dir + "/checkpoints/.partial-step-4");
  CHECK(newest_checkpoint(part.out_dir) == part.out_dir + "/checkpoints/step-2");

  TrainingOptions resume;
  resume.resume = true;
  const TrainingOutcome second = run_training(part, resume, {});
  REQUIRE(second.state == jobs::JobState::Succeeded);
  CHECK(test::step_losses(part.out_dir) == expected);  // bit for bit
  CHECK(fs::exists(part.out_dir + "/adapter/adapter_model.safetensors"));

  // Resuming a finished run does nothing.
  const TrainingOutcome third = run_training(part, resume, {});
  CHECK(third.state == jobs::JobState::Succeeded);
  CHECK(third.already_finished);
  CHECK(test::step_losses(part.out_dir) == expected);
}

TEST_CASE("a NaN loss stops the run with a clear message and the last good checkpoint stays", "[train][nan]") {
  const std::string data = test::acme_conversations(6, "nan-data");
  TrainConfig c = test::quick_config(data, test::scratch_dir("nan") + "/run");
  c.max_steps = 6;
  c.save_steps = 2;
  TrainingOptions o;
  o.test_inject_nan_at_step = 4;
  std::string failed_message;
  TrainerHooks hooks;
  hooks.emit = [&](const jobs::JobEvent& e) {
    if (const auto* f = std::get_if<jobs::Failed>(&e)) failed_message = f->message;
  };
  const TrainingOutcome out = run_training(c, o, hooks);
  REQUIRE(out.state == jobs::JobState::Failed);
  CHECK(out.failure == FailureKind::Numerical);
  CHECK_THAT(failed_message, Contains("step 4") && Contains("NaN") && Contains("checkpoints/step-2"));
  CHECK(out.step == 3);
  CHECK(out.last_checkpoint == c.out_dir + "/checkpoints/step-2");
  CHECK(test::step_losses(c.out_dir).size() == 3);
  const LoadedCheckpoint lc = read_checkpoint(out.last_checkpoint);
  CHECK(lc.state.step == 2);
  for (const auto& [name, t] : model::load_safetensors(out.last_checkpoint + "/adapter/adapter_model.safetensors"))
    CHECK(torch::isfinite(t).all().item<bool>());
  CHECK(test::metric_types(c.out_dir).back() == "failed");
}

TEST_CASE("full-parameter training on a text corpus writes a complete model folder", "[train][full]") {
  const std::string dir = test::scratch_dir("corpus");
  std::string text;
  for (int i = 0; i < 30; ++i)
    text += "To change your password, open Settings, choose Security, and follow the steps. ";
  test::write_text(dir + "/a.txt", text);
  test::write_text(dir + "/b.txt", "Our store opens at nine and closes at six on weekdays.\n");
  TrainConfig c = test::quick_config(dir, test::scratch_dir("full") + "/run");
  c.data_kind = DataKind::TextCorpus;
  c.trainable = Trainable::Full;
  c.lr = 3e-3;
  c.max_seq_len = 64;
  c.max_steps = 8;
  const TrainingOutcome o = run_training(c, {}, {});
  REQUIRE(o.state == jobs::JobState::Succeeded);
  CHECK(o.adapter_dir == c.out_dir + "/model");
  const auto losses = test::step_losses(c.out_dir);
  REQUIRE(losses.size() == 8);
  CHECK(losses.back() < 0.9 * losses.front());  // 8 steps, the first at lr 0 (warmup): ~8.4 -> ~7.0
  model::Model m = model::load_model(o.adapter_dir);  // loads, tokenizer files beside it
  CHECK(fs::exists(o.adapter_dir + "/tokenizer.json"));
  CHECK(m.config.num_hidden_layers == 2);
}
