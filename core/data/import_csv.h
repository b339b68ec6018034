#pragma once
// CSV (RFC 4180) to chat examples: one row, one example (optional system, user,
// assistant). Quoted fields may hold delimiters, doubled quotes and line breaks; CRLF
// and LF line ends and a UTF-8 byte-order mark are accepted; the delimiter (comma,
// semicolon or tab) is detected from the header row unless given.
#include <string>
#include <string_view>
#include <vector>

#include "core/data/finding.h"
#include "core/data/import.h"

namespace tunesmith::data {

struct CsvRecord {
  std::size_t line = 0;  // the physical line the record starts on (1-based)
  std::vector<std::string> fields;
  bool malformed = false;  // e.g. text after a closing quote; fields are best effort
  std::string problem;     // why, when malformed
};

struct CsvTable {
  char delimiter = ',';
  std::vector<CsvRecord> records;  // blank rows left out
  std::vector<Finding> findings;   // e.g. an unterminated quote (nothing after it is read)
};

// The delimiter of the first row among ',', ';' and '\t' (the most frequent outside
// quotes; ',' when none occurs).
char detect_csv_delimiter(std::string_view text);

// Splits CSV text into records. `delimiter` 0 = detect. `path` names the file in findings.
CsvTable parse_csv(std::string_view text, char delimiter, const std::string& path);

// Reads a CSV file and maps its columns to roles (see CsvColumns; by default from header
// names such as prompt/question/instruction/input and completion/answer/response/output).
// Rows it cannot use (wrong number of fields, empty user or assistant cell, malformed
// quoting) are error findings. Throws ImportOptionError when no column can be found for a
// role, IoError when the file cannot be read.
ImportResult import_csv(const std::string& path, const ImportOptions& options);

}  // namespace tunesmith::data
