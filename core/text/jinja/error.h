#pragma once
// An error in a template, at a line and column of its source (1-based; column counts
// characters). Syntax errors, runtime errors (undefined attribute, type errors,
// raise_exception) and exceeded limits are all TemplateErrors.
#include <stdexcept>
#include <string>

namespace tunesmith::text::jinja {

struct TemplateError : std::runtime_error {
  TemplateError(int line_, int column_, const std::string& message_)
      : std::runtime_error(std::to_string(line_) + ":" + std::to_string(column_) + ": " + message_),
        line(line_),
        column(column_),
        message(message_) {}
  int line;
  int column;
  std::string message;  // without the position
};

// Where a token or node starts in the template source.
struct SourcePos {
  int line = 1;
  int column = 1;
};

}  // namespace tunesmith::text::jinja
