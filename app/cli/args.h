#pragma once
// A small command-line parser for tunesmith-cli: options may come before or after
// positional arguments, as "--name value" or "--name=value"; a repeated option keeps
// every value.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tunesmith::cli {

// Exit codes of the command-line contract (CLI.md).
enum Exit : int { kOk = 0, kInvalid = 1, kUsage = 2, kInternal = 3, kCancelled = 130 };

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ArgSpec {
  std::set<std::string> valued;  // options that take a value, without "--"
  std::set<std::string> flags;   // options that take none
};

class Args {
 public:
  // Throws UsageError for an unknown option or a missing value. "--help"/"-h" is always a flag.
  static Args parse(const std::vector<std::string>& argv, const ArgSpec& spec);

  bool has(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;  // the last value given
  std::string get_or(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> all(const std::string& name) const;
  long long get_int(const std::string& name, long long fallback) const;  // throws UsageError
  double get_double(const std::string& name, double fallback) const;     // throws UsageError
  std::string require(const std::string& name) const;                   // throws UsageError
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

// The tail of argv from index `from` as strings.
std::vector<std::string> tail(int argc, char** argv, int from);

}  // namespace tunesmith::cli
