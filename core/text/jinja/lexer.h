#pragma once
// Splits a template into data and tag tokens the way Jinja2's lexer does, with the
// whitespace rules transformers turns on: trim_blocks (the first newline after a block or
// comment tag is dropped), lstrip_blocks (spaces and tabs before a block or comment tag
// at the start of a line are dropped), `-` (strip all whitespace on that side) and `+`
// (keep it). Newlines are normalized to \n and one trailing newline is removed, as
// Jinja2 does with keep_trailing_newline=False. Comments are dropped; raw blocks become
// data.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/jinja/error.h"

namespace tunesmith::text::jinja {

enum class Tok : std::uint8_t {
  kData,        // literal template text
  kVarBegin,    // {{
  kVarEnd,      // }}
  kBlockBegin,  // {%
  kBlockEnd,    // %}
  kName,
  kString,      // text is the unescaped value
  kInt,
  kFloat,
  kOp,          // operator or punctuation: + - * / // % ** ~ == != < <= > >= = . , : | ( ) [ ] { }
  kEof,
};

struct Token {
  Tok kind = Tok::kEof;
  std::string text;
  SourcePos pos;
  std::int64_t int_value = 0;
  double float_value = 0;
};

// Throws TemplateError for unterminated tags, comments, strings and unknown characters.
std::vector<Token> tokenize(std::string_view source);

}  // namespace tunesmith::text::jinja
