#include "ui/training/run_export.h"

#include <filesystem>
#include <stdexcept>

#include <ATen/core/grad_mode.h>

#include "core/model/loader.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"
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
  // fp32 on the CPU: merging adds a small update to every targeted weight, which bf16
  // would partly round away.
  // load_adapter copies into tensors that require grad: outside autograd.
  at::NoGradGuard no_grad;
  model::Model base = model::load_model(config.model_dir, {"cpu", c10::kFloat});
  train::Lora lora = train::load_adapter(base.net, adapter.string());
  lora.merge();
  fs::create_directories(out_dir);
  model::save_model(base.net, base.generation, out_dir, c10::kFloat);
  // The tokenizer files a Hugging Face folder may hold (the same list as `tunesmith-cli export`).
  for (const char* name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
                           "vocab.json", "merges.txt", "added_tokens.json", "chat_template.jinja"}) {
    const fs::path from = fs::path(config.model_dir) / name;
    if (fs::exists(from)) fs::copy_file(from, fs::path(out_dir) / name, fs::copy_options::overwrite_existing);
  }
}

}  // namespace tunesmith::ui
