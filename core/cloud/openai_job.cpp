#include "core/cloud/openai_job.h"

#include <algorithm>

#include <QDateTime>

namespace tunesmith::cloud {

namespace {
std::optional<double> number(const Json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}
}  // namespace

OpenAIFineTuneJob::OpenAIFineTuneJob(OpenAIClient* client, JobCreate spec, OpenAIJobOptions options, QObject* parent)
    : QObject(parent), client_(client), spec_(std::move(spec)), options_(options) {
  poll_timer_.setSingleShot(true);
  connect(&poll_timer_, &QTimer::timeout, this, &OpenAIFineTuneJob::poll);
  interval_ms_ = options_.poll_interval_ms;
}

OpenAIFineTuneJob::~OpenAIFineTuneJob() {
  delete in_flight_.data();  // a Call's callbacks die with it
  delete cancel_call_.data();
}

OpenAIFineTuneJob* OpenAIFineTuneJob::attach(OpenAIClient* client, const QString& job_id, OpenAIJobOptions options,
                                             QObject* parent) {
  auto* job = new OpenAIFineTuneJob(client, {}, options, parent);
  job->job_id_ = job_id;
  job->attach_ = true;
  return job;
}

void OpenAIFineTuneJob::start() {
  if (state_ != jobs::JobState::Created) return;
  set_state(jobs::JobState::Starting);
  if (attach_) {
    emit_event(jobs::Started{job_id_.toStdString(), "openai"});
    set_state(jobs::JobState::Running);
    poll();
  } else {
    create();
  }
}

void OpenAIFineTuneJob::create() {
  Call* call = client_->create_job(spec_);
  in_flight_ = call;
  call->then([this, call](const Result& r) {
    call->deleteLater();
    if (r.error.kind == ApiError::Kind::Cancelled || (cancel_requested_ && !r.ok())) {
      ended_ = true;
      set_state(jobs::JobState::Cancelled);
      emit_event(jobs::Cancelled{});
      return;
    }
    if (!r.ok()) {
      ended_ = true;
      set_state(jobs::JobState::Failed);
      emit_event(jobs::Failed{r.error.describe().toStdString(), r.error.code.toStdString()});
      return;
    }
    job_ = parse_job(r.json);
    job_id_ = QString::fromStdString(job_.id);
    emit_event(jobs::Started{job_.id, "openai"});
    set_state(jobs::JobState::Running);
    if (cancel_requested_) {
      cancel_requested_ = false;
      cancel();
    }
    handle_job(r.json);
    if (!ended_) poll_timer_.start(interval_ms_);
  });
}

void OpenAIFineTuneJob::cancel() {
  if (ended_ || jobs::is_terminal(state_)) return;
  if (job_id_.isEmpty()) {
    if (state_ == jobs::JobState::Created) {
      ended_ = true;
      set_state(jobs::JobState::Cancelled);
      emit_event(jobs::Cancelled{});
      return;
    }
    cancel_requested_ = true;  // the create call is in flight: cancel it
    if (in_flight_) in_flight_->cancel();
    return;
  }
  emit_event(jobs::Log{"info", "cancelling " + job_id_.toStdString()});
  Call* call = client_->cancel_job(job_id_);
  cancel_call_ = call;
  call->then([this, call](const Result& r) {
    call->deleteLater();
    if (!r.ok()) {
      emit_event(jobs::Log{"error", "cancel failed: " + r.error.describe().toStdString()});
      return;
    }
    handle_job(r.json);
    interval_ms_ = options_.poll_interval_ms;
    if (!ended_ && !poll_timer_.isActive() && !in_flight_) poll_timer_.start(interval_ms_);
  });
}

void OpenAIFineTuneJob::poll() {
  if (ended_) return;
  changed_ = false;
  Call* call = client_->retrieve_job(job_id_);
  in_flight_ = call;
  call->then([this, call](const Result& r) {
    call->deleteLater();
    if (!r.ok()) return poll_failed(r);
    const std::string before = job_.status;
    job_ = parse_job(r.json);
    if (job_.status != before) changed_ = true;
    poll_events();
  });
}

void OpenAIFineTuneJob::poll_events() {
  ListParams p;
  p.limit = options_.events_page;
  Call* call = client_->list_job_events(job_id_, p);
  in_flight_ = call;
  call->then([this, call](const Result& r) {
    call->deleteLater();
    if (!r.ok()) return poll_failed(r);
    std::vector<Json> fresh;
    if (r.json.is_object() && r.json.contains("data") && r.json["data"].is_array()) {
      for (const Json& e : r.json["data"]) {
        const JobEventItem item = parse_event(e);
        if (item.id.empty() || seen_events_.count(item.id)) continue;
        seen_events_.insert(item.id);
        fresh.push_back(e);
      }
    }
    std::stable_sort(fresh.begin(), fresh.end(), [](const Json& a, const Json& b) {
      return parse_event(a).created_at < parse_event(b).created_at;
    });
    if (fresh.empty()) {
      // the list is newest first: the oldest fresh ones come last; nothing to do
    } else {
      changed_ = true;
    }
    // Events come newest first; equal timestamps keep the server's order reversed.
    for (auto it = fresh.begin(); it != fresh.end(); ++it) {
      const Json& e = *it;
      if (raw_event_) raw_event_(e);
      const JobEventItem item = parse_event(e);
      if (item.type == "metrics" && item.data.is_object()) {
        jobs::Step s;
        s.step = static_cast<std::int64_t>(number(item.data, "step").value_or(0));
        if (auto t = number(item.data, "total_steps")) s.total_steps = static_cast<std::int64_t>(*t);
        s.loss = number(item.data, "train_loss").value_or(0);
        s.accuracy = number(item.data, "train_mean_token_accuracy");
        s.elapsed_s = job_.created_at > 0 ? static_cast<double>(item.created_at - job_.created_at) : 0;
        if (job_.estimated_finish && *job_.estimated_finish > 0)
          s.eta_s = std::max<double>(0, static_cast<double>(*job_.estimated_finish - QDateTime::currentSecsSinceEpoch()));
        emit_event(s);
        if (auto v = number(item.data, "valid_loss"))
          emit_event(jobs::Eval{s.step, *v, number(item.data, "valid_mean_token_accuracy"), false});
        if (auto v = number(item.data, "full_valid_loss"))
          emit_event(jobs::Eval{s.step, *v, number(item.data, "full_valid_mean_token_accuracy"), true});
      } else {
        emit_event(jobs::Log{item.level.empty() ? "info" : item.level, item.message});
      }
    }
    poll_checkpoints();
  });
}

void OpenAIFineTuneJob::poll_checkpoints() {
  Call* call = client_->list_job_checkpoints(job_id_);
  in_flight_ = call;
  call->then([this, call](const Result& r) {
    call->deleteLater();
    if (!r.ok()) {
      // Checkpoints are a bonus (not every compatible server has them): no failure.
      end_cycle();
      return;
    }
    auto page = parse_checkpoint_page(r.json);
    std::sort(page.data.begin(), page.data.end(),
              [](const JobCheckpointItem& a, const JobCheckpointItem& b) { return a.step_number < b.step_number; });
    for (const JobCheckpointItem& c : page.data) {
      const std::string key = c.id.empty() ? c.fine_tuned_model_checkpoint : c.id;
      if (key.empty() || seen_checkpoints_.count(key)) continue;
      seen_checkpoints_.insert(key);
      changed_ = true;
      emit_event(jobs::Checkpoint{c.step_number, c.fine_tuned_model_checkpoint, c.metrics});
      auto it = c.metrics.find("full_valid_loss");
      if (it != c.metrics.end()) {
        std::optional<double> acc;
        if (auto a = c.metrics.find("full_valid_mean_token_accuracy"); a != c.metrics.end()) acc = a->second;
        emit_event(jobs::Eval{c.step_number, it->second, acc, true});
      }
    }
    end_cycle();
  });
}

void OpenAIFineTuneJob::end_cycle() {
  failures_ = 0;
  in_flight_ = nullptr;
  if (job_.status != last_status_) {
    if (!job_.status.empty()) emit_event(jobs::Log{"info", "status: " + job_.status});
    last_status_ = job_.status;
  }
  if (is_terminal_status(job_.status)) return finish_terminal();
  interval_ms_ = changed_ ? options_.poll_interval_ms
                          : std::min(options_.max_poll_interval_ms, static_cast<int>(interval_ms_ * 1.5));
  poll_timer_.start(interval_ms_);
}

void OpenAIFineTuneJob::handle_job(const Json& j) {
  job_ = parse_job(j);
}

void OpenAIFineTuneJob::poll_failed(const Result& r) {
  in_flight_ = nullptr;
  const int status = r.error.status;
  if (status == 401 || status == 403 || status == 404 || ++failures_ >= options_.max_poll_failures) {
    ended_ = true;
    set_state(jobs::JobState::Failed);
    emit_event(jobs::Failed{"cannot follow the job: " + r.error.describe().toStdString(), r.error.code.toStdString()});
    return;
  }
  emit_event(jobs::Log{"warn", "poll failed (will retry): " + r.error.describe().toStdString()});
  interval_ms_ = std::min(options_.max_poll_interval_ms, static_cast<int>(interval_ms_ * 1.5) + 1);
  poll_timer_.start(interval_ms_);
}

void OpenAIFineTuneJob::finish_terminal() {
  ended_ = true;
  poll_timer_.stop();
  if (job_.status == "succeeded") {
    set_state(jobs::JobState::Succeeded);
    emit_event(jobs::Finished{job_.fine_tuned_model, job_.trained_tokens});
  } else if (job_.status == "failed") {
    set_state(jobs::JobState::Failed);
    emit_event(jobs::Failed{job_.error ? job_.error->message : std::string("the job failed"),
                            job_.error ? job_.error->code : std::string()});
  } else {
    set_state(jobs::JobState::Cancelled);
    emit_event(jobs::Cancelled{});
  }
}

}  // namespace tunesmith::cloud
