#include "tests/support/test_paths.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tunesmith::test {
namespace fs = std::filesystem;

std::string source_path(const std::string& relative) {
  return (fs::path(TUNESMITH_TEST_SOURCE_DIR) / relative).string();
}

std::string binary_path(const std::string& relative) {
  return (fs::path(TUNESMITH_TEST_BINARY_DIR) / relative).string();
}

std::string scratch_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::path(TUNESMITH_TEST_BINARY_DIR) / "test-scratch" /
                 (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string write_text(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
  return path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult run_command(const std::string& command_line, const std::string& input) {
  std::string dir = scratch_dir("cmd");
  std::string in_path = write_text(dir + "/stdin", input);
  std::string full = "(" + command_line + ") <'" + in_path + "' >'" + dir + "/stdout' 2>'" + dir + "/stderr'";
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(dir + "/stdout");
  r.err = read_text(dir + "/stderr");
  fs::remove_all(dir);
  return r;
}

std::string cli_path() { return binary_path("app/cli/tunesmith-cli"); }

}  // namespace tunesmith::test
