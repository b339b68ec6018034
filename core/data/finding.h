#pragma once
// A diagnostic about a data file, printed in the compiler format editors understand:
//   FILE:LINE[:COL]: error|warning|note: [category] message
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tunesmith::data {

enum class Severity { Note, Warning, Error };

std::string_view severity_name(Severity s);

struct Finding {
  Severity severity = Severity::Error;
  std::string category;  // stable, machine-readable: "invalid-json", "missing-role", ...
  std::string file;      // path as the user gave it
  std::size_t line = 0;  // 1-based; 0 = the file as a whole
  std::size_t column = 0;  // 1-based; 0 = unknown
  std::string message;
  std::size_t example = 0;  // 0-based example index when the finding is about one; npos otherwise
};

// "FILE:LINE:COL: error: [category] message" (LINE and COL left out when 0).
std::string format_finding(const Finding& f);

struct FindingCounts {
  std::size_t errors = 0, warnings = 0, notes = 0;
};
FindingCounts count_findings(const std::vector<Finding>& findings);

}  // namespace tunesmith::data
