#pragma once
// Parses one JSONL line straight into an ExampleShape. Uses simdjson's DOM parser in
// place when the build has it (several times faster than nlohmann on the hot path of
// `data validate`), and nlohmann otherwise; a line that fails is re-parsed with
// nlohmann to get its column and a readable message, so both builds report the same.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/data/example_shape.h"

namespace tunesmith::data {

struct ParsedLine {
  enum Status { Object, NotObject, InvalidJson, InvalidUtf8 };
  Status status = Object;
  JsonKind kind = JsonKind::Object;  // the top-level value's kind (NotObject)
  std::size_t column = 0;            // 1-based byte column of the error (Invalid*)
  std::string message;               // the parser's reason (Invalid*)
};

class ShapeParser {
 public:
  ShapeParser();
  ~ShapeParser();
  ShapeParser(const ShapeParser&) = delete;
  ShapeParser& operator=(const ShapeParser&) = delete;

  // `line` must be followed by LineReader::kPadding readable bytes (LineReader's views
  // are). Fills `out` when the line is an object.
  ParsedLine parse(std::string_view line, ExampleShape& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tunesmith::data
