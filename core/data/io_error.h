#pragma once
#include <stdexcept>
#include <string>

namespace tunesmith::data {

// A file could not be opened, read or written. The message names the path and the
// system's reason; the CLI maps it to exit code 2.
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tunesmith::data
