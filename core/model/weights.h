#pragma once
// safetensors <-> at::Tensor. Reading is zero-copy where the stored dtype is the one
// asked for (the tensor points into the file's memory map and keeps it alive).
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/model/safetensors.h"

namespace tunesmith::model {

// F32/F16/BF16/F64/I64/I32/I16/I8/U8/BOOL; others (F8, U16..U64) throw ModelError.
c10::ScalarType to_scalar_type(Dtype d, const std::string& where);
Dtype from_scalar_type(c10::ScalarType t);
bool is_float_dtype(Dtype d);

// A CPU tensor over the mapped bytes (copied only when misaligned).
at::Tensor tensor_from_file(const SafetensorsFile& file, const TensorInfo& info);

// Every tensor of one file (tests, adapters).
std::map<std::string, at::Tensor> load_safetensors(const std::string& path);

// Saves CPU or CUDA tensors (moved to CPU and made contiguous as needed).
void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});
void save_safetensors_sharded(const std::string& dir, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                              std::uint64_t max_shard_bytes = 5'000'000'000ull);

}  // namespace tunesmith::model
