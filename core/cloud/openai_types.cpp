#include "core/cloud/openai_types.h"

namespace tunesmith::cloud {

namespace {

std::string str(const Json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::int64_t> opt_int(const Json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->is_number_float() ? static_cast<std::int64_t>(it->get<double>()) : it->get<std::int64_t>();
}

std::int64_t int_or0(const Json& j, const char* key) { return opt_int(j, key).value_or(0); }

Json field(const Json& j, const char* key) {
  if (!j.is_object()) return Json();
  auto it = j.find(key);
  return it == j.end() ? Json() : *it;
}

template <class T, class F>
Page<T> parse_page(const Json& j, F parse) {
  Page<T> page;
  const Json data = field(j, "data");
  if (data.is_array()) {
    for (const Json& item : data) page.data.push_back(parse(item));
  }
  const Json more = field(j, "has_more");
  page.has_more = more.is_boolean() && more.get<bool>();
  page.last_id = str(j, "last_id");
  if (page.last_id.empty() && data.is_array() && !data.empty()) page.last_id = str(data.back(), "id");
  return page;
}

}  // namespace

bool is_terminal_status(const std::string& s) { return s == "succeeded" || s == "failed" || s == "cancelled"; }

FileObject parse_file(const Json& j) {
  FileObject f;
  f.id = str(j, "id");
  f.filename = str(j, "filename");
  f.purpose = str(j, "purpose");
  f.status = str(j, "status");
  f.bytes = int_or0(j, "bytes");
  f.created_at = int_or0(j, "created_at");
  return f;
}

FineTuningJob parse_job(const Json& j) {
  FineTuningJob job;
  job.id = str(j, "id");
  job.model = str(j, "model");
  job.status = str(j, "status");
  job.training_file = str(j, "training_file");
  job.validation_file = str(j, "validation_file");
  job.fine_tuned_model = str(j, "fine_tuned_model");
  job.created_at = int_or0(j, "created_at");
  job.finished_at = opt_int(j, "finished_at");
  job.trained_tokens = opt_int(j, "trained_tokens");
  job.estimated_finish = opt_int(j, "estimated_finish");
  job.seed = opt_int(j, "seed");
  Json hp = field(j, "hyperparameters");
  const Json method = field(j, "method");
  job.method = str(method, "type");
  if (!job.method.empty()) {
    const Json m = field(field(method, job.method.c_str()), "hyperparameters");
    if (m.is_object()) hp = m;
  }
  job.n_epochs = field(hp, "n_epochs");
  job.batch_size = field(hp, "batch_size");
  job.learning_rate_multiplier = field(hp, "learning_rate_multiplier");
  const Json err = field(j, "error");
  if (err.is_object() && (!str(err, "message").empty() || !str(err, "code").empty())) {
    job.error = JobError{str(err, "code"), str(err, "message"), str(err, "param")};
  }
  const Json rf = field(j, "result_files");
  if (rf.is_array()) {
    for (const Json& f : rf)
      if (f.is_string()) job.result_files.push_back(f.get<std::string>());
  }
  return job;
}

JobEventItem parse_event(const Json& j) {
  JobEventItem e;
  e.id = str(j, "id");
  e.level = str(j, "level");
  e.message = str(j, "message");
  e.type = str(j, "type");
  e.created_at = int_or0(j, "created_at");
  e.data = field(j, "data");
  return e;
}

JobCheckpointItem parse_checkpoint(const Json& j) {
  JobCheckpointItem c;
  c.id = str(j, "id");
  c.fine_tuned_model_checkpoint = str(j, "fine_tuned_model_checkpoint");
  c.fine_tuning_job_id = str(j, "fine_tuning_job_id");
  c.step_number = int_or0(j, "step_number");
  c.created_at = int_or0(j, "created_at");
  const Json m = field(j, "metrics");
  if (m.is_object()) {
    for (auto it = m.begin(); it != m.end(); ++it)
      if (it.value().is_number()) c.metrics[it.key()] = it.value().get<double>();
  }
  return c;
}

ModelInfo parse_model(const Json& j) { return ModelInfo{str(j, "id"), str(j, "owned_by"), int_or0(j, "created")}; }

Page<FileObject> parse_file_page(const Json& j) { return parse_page<FileObject>(j, parse_file); }
Page<FineTuningJob> parse_job_page(const Json& j) { return parse_page<FineTuningJob>(j, parse_job); }
Page<JobEventItem> parse_event_page(const Json& j) { return parse_page<JobEventItem>(j, parse_event); }
Page<JobCheckpointItem> parse_checkpoint_page(const Json& j) {
  return parse_page<JobCheckpointItem>(j, parse_checkpoint);
}
Page<ModelInfo> parse_model_page(const Json& j) { return parse_page<ModelInfo>(j, parse_model); }

}  // namespace tunesmith::cloud
