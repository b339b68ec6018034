#pragma once
// Conversion of other dataset formats into OpenAI chat examples. Each format has its own
// reader (import_csv.h, import_alpaca.h, import_sharegpt.h); this header holds what they
// share: the result type and the dispatcher the CLI calls.
//
// An importer keeps every record it can read and reports each one it cannot as an error
// finding with the record's line, so one broken row never costs the rest of the file.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/conversation.h"
#include "core/data/finding.h"

namespace tunesmith::data {

enum class ImportFormat { Csv, Alpaca, ShareGpt, OpenAi };

std::optional<ImportFormat> import_format_from_string(std::string_view name);

struct ImportResult {
  std::vector<Conversation> examples;
  std::vector<Finding> findings;  // records skipped (errors) and remarks (notes)
};

// The options that are the user's choice rather than the file's: a wrong one is a usage
// error (ImportOptionError), not a data error.
struct CsvColumns {
  // A header name (case-insensitive) or a 1-based column number; empty = detect.
  std::string user, assistant, system;
};

struct ImportOptions {
  std::string system_prompt;  // added to examples that have no system message
  char csv_delimiter = 0;     // 0 = detect among ',', ';', '\t'
  bool csv_header = true;     // false: the first row is data, columns are numbers
  CsvColumns csv_columns;
};

struct ImportOptionError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Reads `path` in `format`. Throws IoError when the file cannot be read and
// ImportOptionError when the options do not fit the file (e.g. an unknown column).
ImportResult import_file(const std::string& path, ImportFormat format, const ImportOptions& options);

// Inserts a leading system message with `text` unless the example starts with one.
void add_default_system(Conversation& example, std::string_view text);

// Builds a finding about one record.
Finding record_error(const std::string& path, std::size_t line, std::string category, std::string message);

}  // namespace tunesmith::data
