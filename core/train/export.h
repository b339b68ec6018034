#pragma once
// Exporting a trained adapter: as a PEFT folder checked against its base, or merged into
// the base's weights as a complete Hugging Face model folder. The CLI's `export` and the
// run view's Export buttons both call these.
#include <cstddef>
#include <cstdint>
#include <string>

namespace tunesmith::train {

struct MergedExport {
  std::size_t projections = 0;  // adapted projections merged
  std::int64_t r = 0;
  double scaling = 0;
  std::string dtype;            // the dtype the weights were stored in ("Float", "BFloat16", ...)
  int tokenizer_files = 0;      // tokenizer/template files copied from the base
};

// Loads the base on the CPU in fp32 (bf16 + a small update in bf16 would round most of the
// update away), merges the adapter, and writes config.json, model.safetensors in the base's
// stored dtype (fp32 for a mix), the base's generation_config.json verbatim and its
// tokenizer files. The base folder is never written to. Throws model::ModelError when the
// adapter does not fit the model.
MergedExport export_merged_model(const std::string& model_dir, const std::string& adapter_dir,
                                 const std::string& out_dir);

// Validates every tensor of the adapter against the base and writes it in PEFT's layout
// with base_model_name_or_path set to the base's absolute folder. Returns the number of
// adapted projections.
std::size_t export_peft_adapter(const std::string& model_dir, const std::string& adapter_dir,
                                const std::string& out_dir);

}  // namespace tunesmith::train
