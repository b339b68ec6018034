#pragma once
// Locations the tests use: the source tree, the build tree, fresh scratch folders.
#include <string>

namespace tunesmith::test {

std::string source_path(const std::string& relative);  // <source>/relative
std::string binary_path(const std::string& relative);  // <build>/relative
// A new empty folder under the build tree's test scratch area, unique per call.
std::string scratch_dir(const std::string& name);
// Writes `content` to `path` (creating folders); returns path.
std::string write_text(const std::string& path, const std::string& content);
std::string read_text(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs a shell command line; stdin is `input` (may be empty).
CommandResult run_command(const std::string& command_line, const std::string& input = {});
// Path to the built tunesmith-cli.
std::string cli_path();

}  // namespace tunesmith::test
