#pragma once
// The job interface: a fine-tuning run seen from the UI and the CLI, whatever runs it
// (the local trainer, OpenAI's fine-tuning API, another provider later). Qt-free and
// torch-free, so both the engine and core/cloud implement it.
//
// A job is started once, may be cancelled, and reports typed events through one
// callback, in order, on the thread that drives the job (the Qt event loop for cloud
// jobs, the trainer's thread for local ones: a UI marshals them to its own thread).
// Exactly one terminal event ends every started job: Finished, Failed or Cancelled.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tunesmith::jobs {

enum class JobState { Created, Starting, Running, Succeeded, Failed, Cancelled };

inline const char* state_name(JobState s) {
  switch (s) {
    case JobState::Created: return "created";
    case JobState::Starting: return "starting";
    case JobState::Running: return "running";
    case JobState::Succeeded: return "succeeded";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
  }
  return "unknown";
}
inline bool is_terminal(JobState s) {
  return s == JobState::Succeeded || s == JobState::Failed || s == JobState::Cancelled;
}

// The run exists (local: the run folder; OpenAI: the job id) and training is under way
// or queued.
struct Started {
  std::string id;
  std::string backend;  // "local", "openai", ...
};

// One optimizer step. Fields a backend does not know are empty (OpenAI reports loss and
// accuracy per step, not lr, grad norm or throughput).
struct Step {
  std::int64_t step = 0;
  std::optional<std::int64_t> total_steps;
  double loss = 0;
  std::optional<double> accuracy;  // mean token accuracy of the batch
  std::optional<double> lr;
  std::optional<double> grad_norm;
  std::optional<double> tokens_per_s;
  double elapsed_s = 0;
  std::optional<double> eta_s;
};

// A validation measurement at a step. `full` is true for a pass over the whole
// validation set (OpenAI's full_valid_loss), false for a sampled batch.
struct Eval {
  std::int64_t step = 0;
  double val_loss = 0;
  std::optional<double> val_accuracy;
  bool full = false;
};

// A checkpoint that can be used (a folder, or a model id such as
// "ft:gpt-4o-mini:org::abc:ckpt-step-88"), with the metrics recorded with it.
struct Checkpoint {
  std::int64_t step = 0;
  std::string location;
  std::map<std::string, double> metrics;  // train_loss, valid_loss, full_valid_loss, ...
};

struct Log {
  std::string level;  // "info", "warn", "error"
  std::string message;
};

// Text generated from a fixed prompt during training, to watch the model learn.
struct Sample {
  std::int64_t step = 0;
  std::string prompt;
  std::string text;
};

struct Finished {
  std::string model;  // the fine-tuned model id or the adapter folder
  std::optional<std::int64_t> trained_tokens;
};

struct Failed {
  std::string message;
  std::string code;  // the backend's error code, "" when none
};

struct Cancelled {};

using JobEvent = std::variant<Started, Step, Eval, Checkpoint, Log, Sample, Finished, Failed, Cancelled>;
using EventCallback = std::function<void(const JobEvent&)>;

class Job {
 public:
  virtual ~Job() = default;
  // Starts the run; returns at once, progress comes as events.
  virtual void start() = 0;
  // Asks the run to stop; a Cancelled event follows when it has (or Finished/Failed
  // when it ended first).
  virtual void cancel() = 0;
  virtual JobState state() const = 0;
  virtual std::string id() const = 0;  // "" until started

  void set_event_callback(EventCallback callback) { callback_ = std::move(callback); }

 protected:
  void emit_event(const JobEvent& event) const {
    if (callback_) callback_(event);
  }

 private:
  EventCallback callback_;
};

}  // namespace tunesmith::jobs
