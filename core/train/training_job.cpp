#include "core/train/training_job.h"

#include "core/train/trainer.h"

namespace tunesmith::train {

const char* failure_name(FailureKind k) {
  switch (k) {
    case FailureKind::None: return "";
    case FailureKind::InvalidInput: return "invalid-input";
    case FailureKind::Io: return "io";
    case FailureKind::Numerical: return "numerical";
    case FailureKind::OutOfMemory: return "out-of-memory";
    case FailureKind::Internal: return "internal";
  }
  return "";
}

TrainingJob::TrainingJob(TrainConfig config, TrainingOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

TrainingJob::~TrainingJob() {
  cancel();
  wait();
}

void TrainingJob::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || state_ != jobs::JobState::Created) return;
  state_ = jobs::JobState::Starting;
  thread_ = std::thread([this] { run(); });
}

void TrainingJob::cancel() { cancel_requested_ = true; }

jobs::JobState TrainingJob::state() const { return state_.load(); }

std::string TrainingJob::id() const { return state_ == jobs::JobState::Created ? "" : config_.out_dir; }

void TrainingJob::wait() {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    t = std::move(thread_);
  }
  if (t.joinable()) t.join();
}

TrainingOutcome TrainingJob::outcome() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return outcome_;
}

void TrainingJob::run() {
  TrainerHooks hooks;
  hooks.cancel = &cancel_requested_;
  hooks.emit = [this](const jobs::JobEvent& e) {
    if (std::holds_alternative<jobs::Started>(e)) state_ = jobs::JobState::Running;
    // The state is final before the terminal event goes out, so a listener that asks
    // state() on it sees the end.
    if (std::holds_alternative<jobs::Finished>(e)) state_ = jobs::JobState::Succeeded;
    if (std::holds_alternative<jobs::Failed>(e)) state_ = jobs::JobState::Failed;
    if (std::holds_alternative<jobs::Cancelled>(e)) state_ = jobs::JobState::Cancelled;
    emit_event(e);
  };
  TrainingOutcome out = run_training(config_, options_, hooks);
  std::lock_guard<std::mutex> lock(mutex_);
  outcome_ = std::move(out);
  state_ = outcome_.state;
}

}  // namespace tunesmith::train
