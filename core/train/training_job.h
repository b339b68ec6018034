#pragma once
// A local training run (supervised fine-tuning with LoRA, or full-parameter training
// for the demo base model) as a jobs::Job running on its own std::thread.
//
// Lifecycle: construct with a TrainConfig, set_event_callback(), start(); events arrive
// on the trainer's thread (a UI marshals them, e.g. with a queued Qt signal); wait()
// joins. Exactly one terminal event: Finished, Failed or Cancelled.
//
// Events, and the metrics.jsonl line each one appends (flushed at once):
//   Started     {"type":"started","run_dir":..,"total_steps":N,"resumed_from":S|null}
//   Step        {"type":"step","step":N,"epoch":E,"loss":L,"lr":X,"grad_norm":G,
//                "tokens_per_s":T,"trained_tokens":K,"elapsed_s":..,"eta_s":..}
//               (loss: mean CE over the trained tokens of the whole optimizer step;
//                grad_norm: before clipping)
//   Eval        {"type":"eval","step":N,"val_loss":L}   full pass over the validation set
//   Checkpoint  {"type":"checkpoint","step":N,"path":"checkpoints/step-N"}
//   Log         {"type":"log","level":"info|warn|error","message":..}
//   Finished    {"type":"finished","step":N,"adapter":"adapter"}
//   Failed      {"type":"failed","step":N,"message":..}
//   Cancelled   {"type":"cancelled","step":N,"checkpoint":"checkpoints/step-N"}
//
// The run folder (CLI.md): config.json ({"config": TrainConfig, "provenance": {...}}),
// metrics.jsonl, log.txt, adapter/ (PEFT layout; with Trainable::Full, model/: a complete
// HF model folder with the tokenizer files), checkpoints/step-N/ (checkpoint.h).
//
// Cancel (cancel() or Options::stop_at_step) takes effect after the optimizer step in
// progress: a checkpoint of that step is written first, then Cancelled. NaN/Inf in the
// loss or the gradients stops the run with Failed before the bad update is applied;
// the last checkpoint written stays the last good one.
//
// Resume (Options::resume): continues from the newest *complete* checkpoint of out_dir
// (a folder is complete once its marker file exists; it is written under a temporary
// name and renamed, so a crash never leaves a half-written one that resume trusts) and
// produces the same subsequent losses as an uninterrupted run: trainable weights,
// AdamW moments, scheduler step, torch's CPU generator and the data position are all
// restored. The caller passes the run's saved configuration (load_run_config).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/jobs/job.h"
#include "core/train/train_config.h"

namespace tunesmith::train {

struct TrainingOptions {
  bool resume = false;
  // Stop exactly as cancel() does once this optimizer step is done (not saved in the
  // config; the schedule stays that of the full run).
  std::optional<std::int64_t> stop_at_step;
  // TEST ONLY: the loss of this optimizer step is replaced by NaN, to exercise the
  // NaN/Inf guard. Never set by the CLI or the GUI.
  std::optional<std::int64_t> test_inject_nan_at_step;
};

// Why a run failed, for the CLI's exit code (CLI.md) and the GUI's advice.
enum class FailureKind {
  None,
  InvalidInput,  // bad configuration, data, template or model folder (exit 1)
  Io,            // a file could not be read or written (exit 2)
  Numerical,     // NaN/Inf loss or gradient (exit 1)
  OutOfMemory,   // the device ran out of memory (exit 1; advice in the message)
  Internal,      // anything else (exit 3)
};
const char* failure_name(FailureKind k);  // "", "invalid-input", "io", "numerical", ...

// How a finished job ended, for the CLI's exit code and the GUI's summary.
struct TrainingOutcome {
  jobs::JobState state = jobs::JobState::Created;
  std::string message;              // Failed: the error; otherwise a one-line summary
  FailureKind failure = FailureKind::None;
  std::int64_t step = 0;            // optimizer steps done
  std::int64_t total_steps = 0;
  std::string adapter_dir;          // finished: out_dir/adapter (LoRA) or out_dir/model (full)
  std::string last_checkpoint;      // the newest complete checkpoint, "" when none
  bool early_stopped = false;
  bool already_finished = false;    // resume of a run that had finished: nothing done
  // Examples longer than max_seq_len (truncated or skipped per the policy).
  std::int64_t long_examples = 0;
  std::int64_t skipped_examples = 0;
};

class TrainingJob final : public jobs::Job {
 public:
  explicit TrainingJob(TrainConfig config, TrainingOptions options = {});
  ~TrainingJob() override;  // cancels a running job and joins its thread
  TrainingJob(const TrainingJob&) = delete;
  TrainingJob& operator=(const TrainingJob&) = delete;

  void start() override;   // spawns the thread; a second call is ignored
  void cancel() override;  // thread-safe; takes effect after the current step
  jobs::JobState state() const override;
  std::string id() const override;  // the run folder once started

  // Blocks until the thread has ended (returns at once if never started).
  void wait();
  // Valid after wait(): how the run ended.
  TrainingOutcome outcome() const;

  const TrainConfig& config() const { return config_; }

 private:
  void run();  // the thread body (the loop is core/train/trainer.h); never throws

  TrainConfig config_;
  TrainingOptions options_;
  std::thread thread_;
  std::atomic<bool> cancel_requested_{false};
  std::atomic<jobs::JobState> state_{jobs::JobState::Created};
  mutable std::mutex mutex_;
  TrainingOutcome outcome_;
};

// The newest complete checkpoint folder of a run ("RUN/checkpoints/step-12"), or "".
std::string newest_checkpoint(const std::string& run_dir);
// True when the run folder's metrics.jsonl ends with a "finished" event.
bool run_finished(const std::string& run_dir);
// The configuration saved in RUN/config.json (throws ConfigError/IoError naming the file).
TrainConfig load_run_config(const std::string& run_dir);

}  // namespace tunesmith::train
