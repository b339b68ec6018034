#pragma once
// Typed views of OpenAI's objects, parsed leniently from the JSON (a field that is
// missing or of another type reads as empty): the client keeps the raw JSON too, so
// nothing the server sends is lost.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::cloud {

using Json = data::Json;

struct FileObject {
  std::string id, filename, purpose, status;
  std::int64_t bytes = 0, created_at = 0;
};

struct JobError {
  std::string code, message, param;
};

struct FineTuningJob {
  std::string id, model, status, training_file, validation_file, fine_tuned_model;
  std::string method;  // "supervised", "dpo", "reinforcement" or ""
  std::int64_t created_at = 0;
  std::optional<std::int64_t> finished_at, trained_tokens, estimated_finish, seed;
  // As the server reports them: a number, or "auto".
  Json n_epochs, batch_size, learning_rate_multiplier;
  std::optional<JobError> error;
  std::vector<std::string> result_files;
};

// validating_files, queued, running: not yet terminal; succeeded, failed, cancelled: terminal.
bool is_terminal_status(const std::string& status);

struct JobEventItem {
  std::string id, level, message, type;  // type: "message" or "metrics"
  std::int64_t created_at = 0;
  Json data;  // metrics: {"step", "train_loss", "train_mean_token_accuracy", "total_steps", ...}
};

struct JobCheckpointItem {
  std::string id, fine_tuned_model_checkpoint, fine_tuning_job_id;
  std::int64_t step_number = 0, created_at = 0;
  // step, train_loss, train_mean_token_accuracy, valid_loss, valid_mean_token_accuracy,
  // full_valid_loss, full_valid_mean_token_accuracy (those present).
  std::map<std::string, double> metrics;
};

struct ModelInfo {
  std::string id, owned_by;
  std::int64_t created = 0;
};

template <class T>
struct Page {
  std::vector<T> data;
  bool has_more = false;
  std::string last_id;  // the cursor for the next page ("" when none)
};

FileObject parse_file(const Json& j);
FineTuningJob parse_job(const Json& j);
JobEventItem parse_event(const Json& j);
JobCheckpointItem parse_checkpoint(const Json& j);
ModelInfo parse_model(const Json& j);

Page<FileObject> parse_file_page(const Json& j);
Page<FineTuningJob> parse_job_page(const Json& j);
Page<JobEventItem> parse_event_page(const Json& j);
Page<JobCheckpointItem> parse_checkpoint_page(const Json& j);
Page<ModelInfo> parse_model_page(const Json& j);

}  // namespace tunesmith::cloud
