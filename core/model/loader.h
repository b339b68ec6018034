#pragma once
// A Hugging Face model folder: config.json, model.safetensors (or sharded with
// model.safetensors.index.json), generation_config.json (optional), tokenizer files.
// Every checkpoint tensor is checked against the config before use: missing,
// unexpected and wrongly shaped tensors are each named in one ModelError.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "core/model/config.h"
#include "core/model/transformer.h"

namespace tunesmith::model {

struct LoadOptions {
  std::string device = "cpu";               // auto|cpu|cuda
  std::optional<c10::ScalarType> dtype;     // default: fp32 on CPU, bf16 on CUDA
};

struct Model {
  std::string dir;
  ModelConfig config;
  GenerationConfig generation;  // defaults when the folder has no generation_config.json
  Transformer net;
  c10::Device device = c10::Device(c10::kCPU);
  c10::ScalarType dtype = c10::kFloat;
};

// What `model info` reports; produced by the same checks a load does.
struct ModelInfo {
  ModelConfig config;
  std::optional<GenerationConfig> generation;
  std::vector<std::string> weight_files;
  std::int64_t tensors = 0;
  std::int64_t parameters = 0;
  std::uint64_t weight_bytes = 0;
  std::vector<std::string> stored_dtypes;  // e.g. {"BF16"}
  std::vector<std::string> notes;          // ignored tensors and the like
};

Model load_model(const std::string& dir, const LoadOptions& options = {});
ModelInfo inspect_model(const std::string& dir);  // throws ModelError when invalid

// Writes config.json, generation_config.json and the weights (sharded above 5 GB) of
// `net` into `dir`, tensors converted to `dtype`.
void save_model(Transformer& net, const GenerationConfig& generation, const std::string& dir,
                c10::ScalarType dtype = c10::kFloat);

}  // namespace tunesmith::model
