#pragma once
// The one error type of the model engine: the input (a model folder, a safetensors
// file, a config) was read but is invalid or unsupported. The message names the file
// and, where one is involved, the tensor or field. The CLI maps it to exit code 1;
// a file that cannot be opened or read is a data::IoError instead (exit code 2).
#include <stdexcept>
#include <string>

namespace tunesmith::model {

struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tunesmith::model
