#pragma once
// Parses template tokens into a Program, following Jinja2's grammar (operator precedence,
// tuples, slices, filters and tests, the statements chat templates use). Throws
// TemplateError at the offending token; nesting deeper than kMaxNesting is an error, so a
// hostile template cannot overflow the stack.
#include <string_view>

#include "core/text/jinja/ast.h"

namespace tunesmith::text::jinja {

inline constexpr int kMaxNesting = 400;

Program parse(std::string_view source);

}  // namespace tunesmith::text::jinja
