#include "core/train/run_files.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/train/sft_data.h"
#include "core/train/sha256.h"
#include "core/train/training_job.h"

namespace tunesmith::train {

namespace fs = std::filesystem;

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

RunFiles::RunFiles(std::string run_dir) : dir_(std::move(run_dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw data::IoError(dir_ + ": cannot create the run folder: " + ec.message());
  open_appenders();
}

RunFiles::~RunFiles() {
  if (metrics_) std::fclose(metrics_);
  if (log_) std::fclose(log_);
}

void RunFiles::open_appenders() {
  if (metrics_) std::fclose(metrics_);
  if (log_) std::fclose(log_);
  metrics_ = std::fopen(path("metrics.jsonl").c_str(), "ab");
  if (!metrics_) throw data::IoError(path("metrics.jsonl") + ": cannot open for appending: " + std::strerror(errno));
  log_ = std::fopen(path("log.txt").c_str(), "ab");
  if (!log_) throw data::IoError(path("log.txt") + ": cannot open for appending: " + std::strerror(errno));
}

void RunFiles::metric(const data::Json& line) {
  const std::string text = line.dump() + "\n";
  if (std::fwrite(text.data(), 1, text.size(), metrics_) != text.size() || std::fflush(metrics_) != 0)
    throw data::IoError(path("metrics.jsonl") + ": write failed: " + std::strerror(errno));
}

void RunFiles::log(const std::string& level, const std::string& message) {
  const std::string text = utc_now() + " [" + level + "] " + message + "\n";
  if (std::fwrite(text.data(), 1, text.size(), log_) != text.size() || std::fflush(log_) != 0)
    throw data::IoError(path("log.txt") + ": write failed: " + std::strerror(errno));
}

void RunFiles::keep_metrics_through(std::int64_t step) {
  std::fclose(metrics_);
  metrics_ = nullptr;
  std::string kept;
  std::istringstream in(data::read_file(path("metrics.jsonl")));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    data::Json j = data::Json::parse(line, nullptr, /*allow_exceptions=*/false);
    // A torn last line (crash mid-write) or an event after the checkpoint is dropped.
    if (j.is_discarded()) continue;
    if (j.contains("step") && j["step"].is_number_integer() && j["step"].get<std::int64_t>() > step) continue;
    const std::string type = j.value("type", "");
    if (type == "cancelled" || type == "failed") continue;  // the run goes on
    kept += line + "\n";
  }
  data::write_file_atomic(path("metrics.jsonl"), kept);
  open_appenders();
}

data::Json provenance(const TrainConfig& config, const std::string& template_origin,
                      const std::string& template_source) {
  auto files = [](const std::vector<std::string>& paths, bool corpus) {
    data::Json list = data::Json::array();
    for (const std::string& p : corpus ? expand_corpus_paths(paths) : paths) {
      std::error_code ec;
      list.push_back({{"path", fs::absolute(p, ec).string()},
                      {"sha256", sha256_file(p)},
                      {"bytes", static_cast<std::int64_t>(fs::file_size(p, ec))}});
    }
    return list;
  };
  const bool corpus = config.data_kind == DataKind::TextCorpus;
  data::Json p;
  p["train_files"] = files(config.train_files, corpus);
  p["val_files"] = files(config.val_files, corpus);
  p["split_seed"] = config.split_seed ? data::Json(*config.split_seed) : data::Json(nullptr);
  if (!template_source.empty())
    p["chat_template"] = {{"origin", template_origin}, {"sha256", sha256_hex(template_source)}};
  else
    p["chat_template"] = nullptr;
  std::error_code ec;
  const std::string model_config = config.model_dir + "/config.json";
  p["base_model"] = {{"path", fs::absolute(config.model_dir, ec).string()},
                     {"config_sha256", fs::exists(model_config) ? data::Json(sha256_file(model_config)) : data::Json()}};
  p["app_version"] = TUNESMITH_VERSION;
  p["created_at"] = utc_now();
  return p;
}

void write_run_config(const std::string& run_dir, const TrainConfig& config, const data::Json& provenance) {
  data::Json j;
  j["tunesmith_run"] = 1;
  j["config"] = config.to_json();
  j["provenance"] = provenance;
  data::write_file_atomic(run_dir + "/config.json", j.dump(2) + "\n");
}

TrainConfig load_run_config(const std::string& run_dir) {
  const std::string p = run_dir + "/config.json";
  data::Json j;
  try {
    j = data::Json::parse(data::read_file(p));
  } catch (const data::Json::parse_error& e) {
    throw ConfigError(p + ": not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("config"))
    throw ConfigError(p + ": no \"config\" object (not a Tunesmith run folder?)");
  try {
    return TrainConfig::from_json(j["config"]);
  } catch (const ConfigError& e) {
    throw ConfigError(p + ": config." + e.what());
  }
}

bool run_finished(const std::string& run_dir) {
  std::error_code ec;
  if (!fs::exists(run_dir + "/metrics.jsonl", ec)) return false;
  std::istringstream in(data::read_file(run_dir + "/metrics.jsonl"));
  std::string last;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) last = line;
  const data::Json j = data::Json::parse(last, nullptr, false);
  return !j.is_discarded() && j.is_object() && j.value("type", "") == "finished";
}

}  // namespace tunesmith::train
