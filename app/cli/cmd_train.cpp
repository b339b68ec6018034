// tunesmith-cli train: supervised fine-tuning (LoRA, or full-parameter) of a local
// model, as TrainingJob runs it, with a progress bar on a terminal and plain lines
// otherwise. SIGINT checkpoints and exits 130; --resume continues a run folder.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/train/lora.h"
#include "core/train/train_config.h"
#include "core/train/training_job.h"

namespace tunesmith::cli {
namespace {

namespace fs = std::filesystem;
using train::TrainConfig;

constexpr const char* kHelp = R"(Usage: tunesmith-cli train --model DIR --data TRAIN.jsonl [--val VAL.jsonl] --out RUN_DIR [--config RUN.json]
         [--epochs N] [--max-steps N] [--lr X] [--rank R] [--alpha A] [--dropout D]
         [--targets q_proj,v_proj,...|all-linear] [--batch-size N] [--grad-accum N] [--max-seq-len N]
         [--seed N] [--device auto|cpu|cuda] [--resume] [--save-steps N] [--eval-steps N]
         [--stop-at-step N] [--chat-template NAME|FILE] [--qlora (reserved)]
       more: [--schedule constant|linear|cosine] [--warmup-steps N] [--warmup-ratio F]
         [--weight-decay X] [--max-grad-norm X] [--long-examples truncate-left|skip] [--packing]
         [--max-batch-tokens N] [--early-stopping PATIENCE] [--rslora] [--threads N]
         [--full] [--text-corpus] [--split-seed N]

Fine-tunes the model in DIR on the conversations of TRAIN.jsonl with the loss on the
assistant tokens only, and writes the run folder RUN_DIR:
  config.json     the settings and their provenance (data hashes, template hash, base model)
  metrics.jsonl   one event a line: {"type":"step","step":N,"epoch":E,"loss":L,"lr":X,...},
                  {"type":"eval","step":N,"val_loss":L}, checkpoints, logs, the end
  log.txt         the same for people
  adapter/        the LoRA adapter in PEFT's layout (with --full: model/, a full model folder)
  checkpoints/step-N/   resumable state (weights, optimizer, RNG, data position)

Defaults (good for 100 to 1,000 examples): LoRA r 16, alpha 32, dropout 0.1 on every
linear projection, 3 epochs, lr 2e-4 with linear decay after 3% warmup, batch 4,
max-seq-len 1024 (longer examples lose their oldest context: --long-examples).
  --max-steps N      exactly N optimizer steps (cycling the data), overriding --epochs
  --stop-at-step N   stop like a cancel (checkpoint, exit 130) once step N is done;
                     the schedule stays that of the full run; never saved
  --resume           continue from the newest complete checkpoint of RUN_DIR with the
                     saved configuration; flags given alongside must agree with it; a
                     finished run is left as is (exit 0)
  --save-steps N     checkpoint every N steps (also written on cancel)
  --eval-steps N     validation loss every N steps (always at the end with --val)
  --packing          several examples per row (block-diagonal attention)
  --full             train every weight instead of LoRA (e.g. pretraining)
  --text-corpus      --data names .txt files or folders: plain text, all tokens trained
  --config RUN.json  settings as JSON (the "config" object of a run's config.json);
                     flags override it
Ctrl-C checkpoints and exits 130. Exit codes: 0 done, 1 invalid data or numerical
failure, 2 usage or I/O error, 3 internal error.
)";

std::atomic<bool> g_interrupted{false};
extern "C" void on_train_sigint(int) { g_interrupted = true; }

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

std::string absolute(const std::string& p) {
  std::error_code ec;
  const fs::path a = fs::absolute(p, ec);
  return ec ? p : a.lexically_normal().string();
}

// The flags given, as a JSON patch over a TrainConfig (train_config.h's layout), so a
// config file and flags merge the same way and --resume can compare them.
data::Json flag_patch(const Args& a) {
  data::Json p = data::Json::object();
  auto integer = [&](const char* flag, const char* key) {
    if (a.has(flag)) p[key] = a.get_int(flag, 0);
  };
  auto number = [&](const char* flag, const char* key) {
    if (a.has(flag)) p[key] = a.get_double(flag, 0);
  };
  if (a.has("model")) p["model_dir"] = absolute(a.require("model"));
  if (a.has("data")) {
    data::Json files = data::Json::array();
    for (const std::string& f : a.all("data")) files.push_back(absolute(f));
    p["train_files"] = files;
  }
  if (a.has("val")) {
    data::Json files = data::Json::array();
    for (const std::string& f : a.all("val")) files.push_back(absolute(f));
    p["val_files"] = files;
  }
  if (a.has("chat-template")) {
    const std::string t = a.require("chat-template");
    std::error_code ec;
    p["chat_template"] = fs::exists(t, ec) ? absolute(t) : t;  // a file, or a built-in name
  }
  integer("epochs", "epochs");
  integer("max-steps", "max_steps");
  number("lr", "lr");
  number("weight-decay", "weight_decay");
  number("max-grad-norm", "max_grad_norm");
  if (a.has("schedule")) p["schedule"] = a.require("schedule");
  number("warmup-ratio", "warmup_ratio");
  integer("warmup-steps", "warmup_steps");
  if (a.has("rank")) p["lora"]["r"] = a.get_int("rank", 0);
  if (a.has("alpha")) p["lora"]["alpha"] = a.get_double("alpha", 0);
  if (a.has("dropout")) p["lora"]["dropout"] = a.get_double("dropout", 0);
  if (a.has("targets")) {
    std::vector<std::string> kinds;
    try {
      for (const std::string& part : split_commas(a.require("targets")))
        for (const std::string& k : train::parse_targets(part))
          if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--targets: ") + e.what());
    }
    p["lora"]["targets"] = kinds;
  }
  if (a.has("rslora")) p["lora"]["rslora"] = true;
  integer("batch-size", "batch_size");
  integer("grad-accum", "grad_accum");
  integer("max-batch-tokens", "max_batch_tokens");
  integer("max-seq-len", "max_seq_len");
  if (a.has("long-examples")) p["long_examples"] = a.require("long-examples");
  if (a.has("packing")) p["packing"] = true;
  if (a.has("seed")) {
    const long long seed = a.get_int("seed", 0);
    if (seed < 0) throw UsageError("--seed: must not be negative");
    p["seed"] = static_cast<std::uint64_t>(seed);
  }
  if (a.has("device")) p["device"] = a.require("device");
  integer("threads", "threads");
  integer("save-steps", "save_steps");
  integer("eval-steps", "eval_steps");
  integer("early-stopping", "early_stopping_patience");
  integer("split-seed", "split_seed");
  if (a.has("full")) p["trainable"] = "full";
  if (a.has("text-corpus")) p["data_kind"] = "text-corpus";
  return p;
}

// --config FILE: a TrainConfig object, or a run's whole config.json.
data::Json read_config_file(const std::string& path) {
  data::Json j;
  try {
    j = data::Json::parse(data::read_file(path));
  } catch (const data::Json::parse_error& e) {
    throw UsageError(path + ": not valid JSON: " + e.what());
  }
  if (j.is_object() && j.contains("config") && j.contains("tunesmith_run")) j = j["config"];
  if (!j.is_object()) throw UsageError(path + ": expected a JSON object of training settings");
  return j;
}

TrainConfig config_from(const data::Json& json, const std::string& where) {
  try {
    return TrainConfig::from_json(json);
  } catch (const train::ConfigError& e) {
    throw UsageError(where + e.what());
  }
}

// --resume with flags: every setting the flags name must equal the saved one.
void check_agreement(const TrainConfig& saved, const data::Json& patch, const std::string& config_path) {
  data::Json merged = saved.to_json();
  merged.merge_patch(patch);
  const data::Json given = config_from(merged, "").to_json(), before = saved.to_json();
  std::string diffs;
  for (const auto& [key, value] : given.items()) {
    if (key == "out_dir" || before[key] == value) continue;
    diffs += "\n  " + key + ": saved " + before[key].dump() + ", given " + value.dump();
  }
  if (!diffs.empty())
    throw UsageError("--resume: the flags disagree with the run's saved configuration in " + config_path + ":" +
                     diffs + "\n(resume with the original flags, or start a new run folder)");
}

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto t = static_cast<long long>(s + 0.5);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", t / 60, t % 60);
  return buf;
}

// Prints job events to stderr: a redrawn bar on a terminal, one line per event otherwise.
class Progress {
 public:
  explicit Progress(bool tty) : tty_(tty) {}

  void operator()(const jobs::JobEvent& e) {
    if (const auto* s = std::get_if<jobs::Step>(&e)) return step(*s);
    end_bar();
    if (const auto* v = std::get_if<jobs::Eval>(&e)) {
      std::fprintf(stderr, "eval step %lld: val_loss %.4f\n", static_cast<long long>(v->step), v->val_loss);
    } else if (const auto* c = std::get_if<jobs::Checkpoint>(&e)) {
      std::fprintf(stderr, "checkpoint: %s\n", c->location.c_str());
    } else if (const auto* l = std::get_if<jobs::Log>(&e)) {
      const char* prefix = l->level == "warn" ? "warning: " : l->level == "error" ? "error: " : "";
      std::fprintf(stderr, "%s%s\n", prefix, l->message.c_str());
    } else if (const auto* st = std::get_if<jobs::Started>(&e)) {
      std::fprintf(stderr, "training in %s\n", st->id.c_str());
    }
    std::fflush(stderr);
  }

  void end_bar() {
    if (bar_open_) std::fputc('\n', stderr), bar_open_ = false;
  }

 private:
  void step(const jobs::Step& s) {
    const long long total = s.total_steps.value_or(0);
    char stats[256];
    std::snprintf(stats, sizeof stats, "step %lld/%lld loss %.4f lr %.3g grad %.3g %.0f tok/s elapsed %s eta %s",
                  static_cast<long long>(s.step), total, s.loss, s.lr.value_or(0), s.grad_norm.value_or(0),
                  s.tokens_per_s.value_or(0), format_duration(s.elapsed_s).c_str(),
                  format_duration(s.eta_s.value_or(-1)).c_str());
    if (tty_) {
      constexpr int kWidth = 24;
      const int filled = total > 0 ? static_cast<int>(kWidth * s.step / total) : 0;
      std::string bar(static_cast<std::size_t>(filled), '#');
      bar.resize(kWidth, '.');
      std::fprintf(stderr, "\r\033[K[%s] %s", bar.c_str(), stats);
      bar_open_ = true;
    } else {
      std::fprintf(stderr, "%s\n", stats);
    }
    std::fflush(stderr);
  }

  bool tty_;
  bool bar_open_ = false;
};

}  // namespace

int run_train(const ArgList& argv) {
  const Args a = Args::parse(
      argv, {{"model", "data", "val", "out", "config", "epochs", "max-steps", "lr", "rank", "alpha", "dropout",
              "targets", "batch-size", "grad-accum", "max-seq-len", "seed", "device", "save-steps", "eval-steps",
              "stop-at-step", "chat-template", "schedule", "warmup-steps", "warmup-ratio", "weight-decay",
              "max-grad-norm", "long-examples", "max-batch-tokens", "early-stopping", "threads", "split-seed"},
             {"resume", "qlora", "packing", "rslora", "full", "text-corpus"}});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  if (a.has("qlora")) {
    std::cerr << "tunesmith-cli train: --qlora: not supported yet\n";
    return kUsage;
  }
  const std::string out = absolute(a.require("out"));
  const data::Json patch = flag_patch(a);

  TrainConfig config;
  const std::string saved_path = out + "/config.json";
  std::error_code ec;
  if (a.has("resume") && fs::exists(saved_path, ec)) {
    try {
      config = train::load_run_config(out);
    } catch (const train::ConfigError& e) {
      std::cerr << e.what() << "\n";
      return kInvalid;
    }
    data::Json given = patch;
    if (a.has("config")) {
      data::Json file = read_config_file(a.require("config"));
      file.merge_patch(patch);
      given = file;
    }
    given.erase("out_dir");
    check_agreement(config, given, saved_path);
    if (train::run_finished(out)) {
      std::cerr << "the run in " << out << " has already finished; nothing to resume\n";
      return kOk;
    }
  } else {
    data::Json merged = a.has("config") ? read_config_file(a.require("config")) : data::Json::object();
    merged.merge_patch(patch);
    merged["out_dir"] = out;
    config = config_from(merged, "");
    if (config.model_dir.empty()) throw UsageError("--model is required");
    if (config.train_files.empty()) throw UsageError("--data is required");
  }
  config.out_dir = out;
  try {
    config.validate();
  } catch (const train::ConfigError& e) {
    throw UsageError(e.what());
  }
  // Missing inputs are usage errors (exit 2) before anything starts.
  if (!fs::is_directory(config.model_dir, ec)) throw UsageError(config.model_dir + ": no such model folder");
  for (const auto* list : {&config.train_files, &config.val_files})
    for (const std::string& f : *list)
      if (!fs::exists(f, ec)) throw UsageError(f + ": no such file");

  train::TrainingOptions options;
  options.resume = a.has("resume");
  if (a.has("stop-at-step")) {
    const long long s = a.get_int("stop-at-step", 0);
    if (s < 0) throw UsageError("--stop-at-step: must not be negative");
    options.stop_at_step = s;
  }

  Progress progress(::isatty(2) != 0);
  train::TrainingJob job(config, options);
  job.set_event_callback([&progress](const jobs::JobEvent& e) { progress(e); });
  g_interrupted = false;
  auto* previous = std::signal(SIGINT, on_train_sigint);
  job.start();
  // The signal handler only sets a flag; this thread passes it on to the job.
  while (!jobs::is_terminal(job.state())) {
    if (g_interrupted.exchange(false)) {
      std::fprintf(stderr, "\ninterrupted: saving a checkpoint after the current step...\n");
      job.cancel();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  job.wait();
  std::signal(SIGINT, previous);
  progress.end_bar();

  const train::TrainingOutcome o = job.outcome();
  switch (o.state) {
    case jobs::JobState::Succeeded:
      std::cerr << o.message << "\n";
      std::cout << o.adapter_dir << "\n";
      return kOk;
    case jobs::JobState::Cancelled:
      std::cerr << o.message << "\nresume with: tunesmith-cli train --out " << out << " --resume\n";
      return kCancelled;
    default:
      break;
  }
  std::cerr << "error: " << o.message << "\n";
  switch (o.failure) {
    case train::FailureKind::Io: return kUsage;
    case train::FailureKind::Internal: return kInternal;
    default: return kInvalid;
  }
}

}  // namespace tunesmith::cli
