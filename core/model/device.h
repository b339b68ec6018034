#pragma once
// Where the model runs: `auto|cpu|cuda`, and the compute dtype that goes with it
// (fp32 on CPU; bf16 on CUDA).
#include <string>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

namespace tunesmith::model {

// "auto" picks CUDA when a GPU is usable, else CPU. "cuda" without a usable GPU is a
// ModelError that says why (torch built without CUDA, or no device visible).
// An unknown name is a ModelError listing "auto, cpu, cuda".
c10::Device select_device(const std::string& name);
bool cuda_available();
c10::ScalarType default_dtype(const c10::Device& device);  // kFloat on CPU, kBFloat16 on CUDA
std::string describe(const c10::Device& device);            // "cpu", "cuda:0 (NVIDIA H100 ...)"

}  // namespace tunesmith::model
