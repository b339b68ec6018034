#include "ui/training/training_session.h"

#include <QThread>

#include <algorithm>
#include <type_traits>

namespace tunesmith::ui {

TrainingSession::TrainingSession(train::TrainConfig config, train::TrainingOptions options, QObject* parent)
    : QObject(parent), config_(std::move(config)), options_(std::move(options)) {
  qRegisterMetaType<jobs::JobEvent>();
  if (config_.threads <= 0) config_.threads = training_threads();
  // Emitted on the trainer's thread, received on ours (this object lives in the GUI
  // thread): Qt queues the event and runs onEvent in our event loop.
  connect(this, &TrainingSession::eventFromJob, this, &TrainingSession::onEvent, Qt::QueuedConnection);
}

TrainingSession::~TrainingSession() {
  // The job's destructor cancels and joins; events it posts meanwhile are dropped with
  // this object by Qt.
  job_.reset();
}

int TrainingSession::training_threads() { return std::max(1, QThread::idealThreadCount() - 1); }

void TrainingSession::start() {
  if (job_) return;
  job_ = std::make_unique<train::TrainingJob>(config_, options_);
  job_->set_event_callback([this](const jobs::JobEvent& e) { Q_EMIT eventFromJob(e); });
  running_ = true;
  job_->start();
}

void TrainingSession::cancel() {
  if (job_) job_->cancel();
}

jobs::JobState TrainingSession::state() const { return job_ ? job_->state() : jobs::JobState::Created; }

void TrainingSession::onEvent(const jobs::JobEvent& e) {
  Q_EMIT event(e);
  const bool terminal = std::holds_alternative<jobs::Finished>(e) || std::holds_alternative<jobs::Failed>(e) ||
                        std::holds_alternative<jobs::Cancelled>(e);
  if (!terminal || !running_) return;
  // The terminal event is the thread's last act: joining here is immediate.
  job_->wait();
  outcome_ = job_->outcome();
  running_ = false;
  Q_EMIT ended(outcome_.state);
}

}  // namespace tunesmith::ui
