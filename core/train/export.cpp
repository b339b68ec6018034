#include "core/train/export.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/ScalarType.h>

#include <filesystem>

#include "core/data/atomic_file.h"
#include "core/model/loader.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"

namespace tunesmith::train {
namespace fs = std::filesystem;

namespace {

// The tokenizer and template files a model folder may carry, copied as they are.
constexpr const char* kTokenizerFiles[] = {"tokenizer.json",     "tokenizer_config.json", "special_tokens_map.json",
                                           "chat_template.jinja", "chat_template.json",   "tokenizer.model",
                                           "vocab.json",          "merges.txt",           "added_tokens.json"};

// The dtype the base stores its weights in (one, or fp32 for a mix).
c10::ScalarType stored_dtype(const model::ModelInfo& info) {
  if (info.stored_dtypes.size() == 1) {
    const std::string& d = info.stored_dtypes[0];
    if (d == "BF16") return c10::kBFloat16;
    if (d == "F16") return c10::kHalf;
  }
  return c10::kFloat;
}

void copy_file_atomic(const fs::path& from, const fs::path& to) {
  data::write_file_atomic(to.string(), data::read_file(from.string()));
}

}  // namespace

MergedExport export_merged_model(const std::string& model_dir, const std::string& adapter_dir,
                                 const std::string& out_dir) {
  const model::ModelInfo info = model::inspect_model(model_dir);
  at::NoGradGuard no_grad;  // merging edits the weights in place, outside autograd
  model::Model m = model::load_model(model_dir, {"cpu", c10::kFloat});
  Lora lora = load_adapter(m.net, adapter_dir);
  lora.merge();
  const c10::ScalarType dtype = stored_dtype(info);
  model::save_model(m.net, m.generation, out_dir, dtype);
  MergedExport result{lora.size(), lora.config().r, lora.config().scaling(), c10::toString(dtype), 0};
  // The base's own generation_config.json, verbatim (fields the engine does not model survive).
  std::error_code ec;
  if (fs::exists(fs::path(model_dir) / "generation_config.json", ec))
    copy_file_atomic(fs::path(model_dir) / "generation_config.json", fs::path(out_dir) / "generation_config.json");
  for (const char* name : kTokenizerFiles)
    if (fs::exists(fs::path(model_dir) / name, ec)) {
      copy_file_atomic(fs::path(model_dir) / name, fs::path(out_dir) / name);
      ++result.tokenizer_files;
    }
  return result;
}

std::size_t export_peft_adapter(const std::string& model_dir, const std::string& adapter_dir,
                                const std::string& out_dir) {
  at::NoGradGuard no_grad;
  model::Model m = model::load_model(model_dir, {"cpu", c10::kFloat});
  Lora lora = load_adapter(m.net, adapter_dir);  // checks every tensor against the model
  save_adapter(lora, out_dir, fs::absolute(model_dir).lexically_normal().string());
  return lora.size();
}

}  // namespace tunesmith::train
