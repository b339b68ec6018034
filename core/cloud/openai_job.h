#pragma once
// An OpenAI fine-tuning job behind the common job interface (core/jobs/job.h), so the UI
// shows it as it shows a local run. start() creates the job (or, for attach(), follows
// an existing one), then polls politely: the job, its new events and its new
// checkpoints every poll interval, stretching the interval (x1.5 up to the maximum)
// while nothing changes. Metrics events become Step (and Eval) events, checkpoints
// become Checkpoint events with their metrics (and an Eval for full_valid_loss), status
// changes and messages become Log events, and the job's end one terminal event.
//
// This is the provider seam: another provider's fine-tuning API is another Job class;
// the UI only knows jobs::Job.
#include <set>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include "core/cloud/openai_client.h"
#include "core/cloud/openai_types.h"
#include "core/jobs/job.h"

namespace tunesmith::cloud {

struct OpenAIJobOptions {
  int poll_interval_ms = 5000;       // first interval, and after every change
  int max_poll_interval_ms = 30000;  // while nothing changes
  int events_page = 100;             // events read per poll (newest first)
  int max_poll_failures = 10;        // consecutive failed polls before giving up
};

class OpenAIFineTuneJob final : public QObject, public jobs::Job {
  Q_OBJECT
 public:
  // A new job, created from `spec` on start(). `client` must outlive the job.
  OpenAIFineTuneJob(OpenAIClient* client, JobCreate spec, OpenAIJobOptions options = {}, QObject* parent = nullptr);
  // An existing job, followed from its current state on start().
  static OpenAIFineTuneJob* attach(OpenAIClient* client, const QString& job_id, OpenAIJobOptions options = {},
                                   QObject* parent = nullptr);

  ~OpenAIFineTuneJob() override;  // drops any request in flight (no callback follows)

  void start() override;
  void cancel() override;
  jobs::JobState state() const override { return state_; }
  std::string id() const override { return job_id_.toStdString(); }

  // The job as last retrieved.
  const FineTuningJob& last_job() const { return job_; }
  // Every new raw event object (oldest first), e.g. for `jobs events --follow`.
  void set_raw_event_callback(std::function<void(const Json&)> f) { raw_event_ = std::move(f); }

 private:
  void create();
  void poll();
  void poll_events();
  void poll_checkpoints();
  void end_cycle();
  void handle_job(const Json& j);
  void poll_failed(const Result& r);
  void finish_terminal();
  void set_state(jobs::JobState s) { state_ = s; }

  OpenAIClient* client_;
  JobCreate spec_;
  OpenAIJobOptions options_;
  QString job_id_;
  bool attach_ = false;
  jobs::JobState state_ = jobs::JobState::Created;
  FineTuningJob job_;
  std::string last_status_;
  std::set<std::string> seen_events_, seen_checkpoints_;
  std::function<void(const Json&)> raw_event_;
  QPointer<Call> in_flight_;
  QPointer<Call> cancel_call_;
  QTimer poll_timer_;
  int interval_ms_ = 0;
  bool changed_ = false;
  bool cancel_requested_ = false;
  int failures_ = 0;
  bool ended_ = false;
};

}  // namespace tunesmith::cloud
