#include "core/eval/eval_job.h"

#include "core/eval/report.h"
#include "core/eval/summary.h"

namespace tunesmith::eval {

EvalJob::EvalJob(EvalJobConfig config) : config_(std::move(config)) {}

EvalJob::~EvalJob() {
  cancel();
  wait();
}

void EvalJob::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) return;
  started_ = true;
  state_ = jobs::JobState::Starting;
  thread_ = std::thread([this] { run(); });
}

void EvalJob::cancel() { cancel_ = true; }

std::string EvalJob::id() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return started_ ? config_.out_dir : std::string();
}

void EvalJob::wait() {
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

data::Json EvalJob::summary() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return summary_;
}

void EvalJob::run() {
  emit_event(jobs::Started{config_.out_dir, "eval"});
  state_ = jobs::JobState::Running;
  try {
    std::string phase;
    auto progress = [&](const Progress& p) {
      if (p.phase != phase) {
        phase = p.phase;
        emit_event(jobs::Log{"info", phase});
      }
      jobs::Step s;
      s.step = static_cast<std::int64_t>(p.done);
      s.total_steps = static_cast<std::int64_t>(p.total);
      s.elapsed_s = p.elapsed_s;
      if (p.done > 0 && p.total >= p.done)
        s.eta_s = p.elapsed_s / static_cast<double>(p.done) * static_cast<double>(p.total - p.done);
      emit_event(s);
    };
    EvalResult result = run_evaluation(config_.cases, config_.contestants, config_.options, progress, &cancel_);
    data::Json summary = summarize(result);
    write_outputs(result, summary, config_.out_dir);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      summary_ = summary;
    }
    if (result.cancelled) {
      state_ = jobs::JobState::Cancelled;
      emit_event(jobs::Cancelled{});
    } else {
      state_ = jobs::JobState::Succeeded;
      emit_event(jobs::Finished{config_.out_dir, std::nullopt});
    }
  } catch (const std::exception& e) {
    state_ = jobs::JobState::Failed;
    emit_event(jobs::Failed{e.what(), ""});
  }
}

}  // namespace tunesmith::eval
