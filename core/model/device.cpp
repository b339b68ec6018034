#include "core/model/device.h"

#include <torch/cuda.h>

#include "core/model/error.h"

namespace tunesmith::model {

bool cuda_available() { return torch::cuda::is_available(); }

c10::Device select_device(const std::string& name) {
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name == "auto") return cuda_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!cuda_available())
      throw ModelError("device '" + name + "' was requested but CUDA is not available (" +
                       (torch::cuda::device_count() == 0 ? std::string("no CUDA device is visible, or this libtorch was built without CUDA")
                                                          : std::string("the CUDA runtime failed to start")) +
                       "); use --device cpu or auto");
    return c10::Device(name == "cuda" ? "cuda:0" : name);
  }
  throw ModelError("unknown device '" + name + "'; supported: auto, cpu, cuda");
}

c10::ScalarType default_dtype(const c10::Device& device) {
  return device.is_cuda() ? c10::kBFloat16 : c10::kFloat;
}

std::string describe(const c10::Device& device) { return device.str(); }

}  // namespace tunesmith::model
