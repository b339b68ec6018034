#pragma once
// One local training run seen from the GUI thread. The TrainingJob trains on its own
// std::thread and reports events there; this object re-emits each one through a queued
// signal, so every typed signal below is emitted on the GUI thread and slots may touch
// widgets. The window stays responsive because no training work ever runs on the GUI
// thread, and torch gets one core less than the machine has (config.threads), so the
// event loop always finds a core.
#include <QObject>
#include <QString>

#include <memory>

#include "core/jobs/job.h"
#include "core/train/train_config.h"
#include "core/train/training_job.h"

Q_DECLARE_METATYPE(tunesmith::jobs::JobEvent)

namespace tunesmith::ui {

class TrainingSession final : public QObject {
  Q_OBJECT

 public:
  // `config.threads` 0 is replaced by training_threads().
  TrainingSession(train::TrainConfig config, train::TrainingOptions options, QObject* parent = nullptr);
  ~TrainingSession() override;  // cancels a running job and waits for its thread

  // Torch intra-op threads for a run on this machine: all cores but one, at least one.
  static int training_threads();

  void start();
  void cancel();
  bool running() const { return running_; }
  jobs::JobState state() const;
  const train::TrainConfig& config() const { return config_; }
  QString runDir() const { return QString::fromStdString(config_.out_dir); }
  // Valid once ended() was emitted.
  const train::TrainingOutcome& outcome() const { return outcome_; }

 Q_SIGNALS:
  // Every event, in order, on the GUI thread.
  void event(const tunesmith::jobs::JobEvent& event);
  // The job ended (after the terminal event); outcome() is valid.
  void ended(tunesmith::jobs::JobState state);

  // Emitted from the trainer's thread: the queued hop to the GUI thread.
  void eventFromJob(const tunesmith::jobs::JobEvent& event);

 private:
  void onEvent(const jobs::JobEvent& event);

  train::TrainConfig config_;
  train::TrainingOptions options_;
  std::unique_ptr<train::TrainingJob> job_;
  train::TrainingOutcome outcome_;
  bool running_ = false;
};

}  // namespace tunesmith::ui
