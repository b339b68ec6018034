#pragma once
// The files of a run folder other than checkpoints: config.json (settings and
// provenance), metrics.jsonl (one event a line, appended and flushed at once, so a
// crash loses nothing that was reported), log.txt (the same, for people).
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/data/json.h"
#include "core/train/train_config.h"

namespace tunesmith::train {

class RunFiles {
 public:
  // Creates the folder. Throws data::IoError naming it.
  explicit RunFiles(std::string run_dir);
  ~RunFiles();
  RunFiles(const RunFiles&) = delete;
  RunFiles& operator=(const RunFiles&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // One line of metrics.jsonl, flushed before returning.
  void metric(const data::Json& line);
  // One line of log.txt ("2026-01-01T12:00:00Z [warn] message"), flushed.
  void log(const std::string& level, const std::string& message);
  // Resume: keeps only the lines of metrics.jsonl that the checkpoint at `step` has
  // seen (events after it are replayed by the resumed run), rewritten atomically.
  void keep_metrics_through(std::int64_t step);

 private:
  void open_appenders();
  std::string dir_;
  std::FILE* metrics_ = nullptr;
  std::FILE* log_ = nullptr;
};

// What the run was made from: sha256 of every data file, the split seed, the chat
// template's origin and hash, the base model's path and the hash of its config.json,
// the app version and the time. `template_source`/`template_origin` are empty for
// text-corpus runs.
data::Json provenance(const TrainConfig& config, const std::string& template_origin,
                      const std::string& template_source);

// RUN/config.json = {"tunesmith_run": 1, "config": {...}, "provenance": {...}}, atomic.
void write_run_config(const std::string& run_dir, const TrainConfig& config, const data::Json& provenance);

// ISO 8601 UTC time of now ("2026-01-01T12:00:00Z").
std::string utc_now();

}  // namespace tunesmith::train
