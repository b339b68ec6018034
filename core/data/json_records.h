#pragma once
// The records of a JSON dataset file, each with its line: a JSON array of objects
// (pretty-printed or not) or JSON Lines. Alpaca and ShareGPT data come both ways.
//
// An array is cut into its elements by a small scanner before any parsing, so a broken
// element is reported at its own line and the elements around it are still read.
#include <string>
#include <string_view>
#include <vector>

#include "core/data/finding.h"
#include "core/data/json.h"

namespace tunesmith::data {

struct JsonRecord {
  std::size_t line = 0;  // where the record starts (1-based)
  Json value;            // always an object
};

struct JsonRecords {
  std::vector<JsonRecord> records;
  std::vector<Finding> findings;  // records that are not valid JSON or not objects
};

// `text` is the whole file; `path` names it in findings. The file is an array when its
// first non-blank character is '['; JSON Lines otherwise.
JsonRecords split_json_records(std::string_view text, const std::string& path);
JsonRecords read_json_records(const std::string& path);  // throws IoError

}  // namespace tunesmith::data
