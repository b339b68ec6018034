#include "ui/training/run_export.h"

#include <filesystem>
#include <stdexcept>

#include "core/train/export.h"
#include "core/train/training_job.h"

namespace tunesmith::ui {

namespace fs = std::filesystem;

namespace {

fs::path adapter_dir(const std::string& run_dir) {
  const fs::path adapter = fs::path(run_dir) / "adapter";
  if (!fs::exists(adapter / "adapter_config.json"))
    throw std::runtime_error(adapter.string() + ": no adapter_config.json: the run has not finished");
  return adapter;
}

}  // namespace

void export_adapter(const std::string& run_dir, const std::string& out_dir) {
  const fs::path adapter = adapter_dir(run_dir);
  fs::create_directories(out_dir);
  fs::copy(adapter, out_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

void export_merged_model(const std::string& run_dir, const std::string& out_dir) {
  const fs::path adapter = adapter_dir(run_dir);
  const train::TrainConfig config = train::load_run_config(run_dir);
  train::export_merged_model(config.model_dir, adapter.string(), out_dir);
}

}  // namespace tunesmith::ui
