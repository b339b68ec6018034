#pragma once
// An evaluation as a job (core/jobs/job.h), so the GUI runs it like a training run:
// start() returns at once and a background thread answers, scores and writes the
// folder; events come on that thread:
//   Started{id = the output folder, backend "eval"}
//   Log{"info", "answer a"} when a phase begins ("answer a", "judge a", "probe a")
//   Step{step = work items done, total_steps, elapsed_s, eta_s} after each call
//   Finished{model = the output folder} | Failed{message} | Cancelled
// On cancel the partial results are still written (summary.json says "cancelled": true)
// before Cancelled is emitted.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/eval/evaluation.h"
#include "core/jobs/job.h"

namespace tunesmith::eval {

struct EvalJobConfig {
  std::vector<EvalCase> cases;
  std::vector<Contestant> contestants;
  EvalOptions options;
  std::string out_dir;
};

class EvalJob final : public jobs::Job {
 public:
  explicit EvalJob(EvalJobConfig config);
  ~EvalJob() override;  // cancels and joins

  void start() override;
  void cancel() override;
  jobs::JobState state() const override { return state_.load(); }
  std::string id() const override;
  // Blocks until the background thread has ended (after the terminal event).
  void wait();
  // The summary once Finished or Cancelled (null before).
  data::Json summary() const;

 private:
  void run();
  EvalJobConfig config_;
  std::atomic<jobs::JobState> state_{jobs::JobState::Created};
  std::atomic<bool> cancel_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  data::Json summary_;
  bool started_ = false;
};

}  // namespace tunesmith::eval
