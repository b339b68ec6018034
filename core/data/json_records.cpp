#include "core/data/json_records.h"

#include "core/data/atomic_file.h"
#include "core/data/import.h"

namespace tunesmith::data {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void add_record(JsonRecords& out, std::string_view text, std::size_t line, const std::string& path) {
  try {
    Json value = Json::parse(text);
    if (!value.is_object()) {
      out.findings.push_back(record_error(path, line, "not-an-object", "record is valid JSON but not an object"));
      return;
    }
    out.records.push_back(JsonRecord{line, std::move(value)});
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    auto colon = what.find(": ", what.find("column"));
    out.findings.push_back(record_error(path, line, "invalid-json",
                                        "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2))));
  }
}

JsonRecords split_lines(std::string_view text, const std::string& path) {
  JsonRecords out;
  std::size_t line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    bool blank = true;
    for (char c : l) blank = blank && is_space(c);
    if (!blank) add_record(out, l, line, path);
    ++line;
    start = end + 1;
  }
  return out;
}

JsonRecords split_array(std::string_view text, std::size_t open, std::size_t line, const std::string& path) {
  JsonRecords out;
  const std::size_t n = text.size();
  std::size_t i = open + 1;
  auto skip_space = [&] {
    while (i < n && is_space(text[i])) {
      if (text[i] == '\n') ++line;
      ++i;
    }
  };
  for (;;) {
    skip_space();
    if (i >= n) {
      out.findings.push_back(record_error(path, line, "unterminated-array", "the array is never closed with ']'"));
      return out;
    }
    if (text[i] == ']') break;
    // One element: up to the ',' or ']' at nesting depth zero, outside strings.
    const std::size_t start = i, start_line = line;
    int depth = 0;
    bool in_string = false;
    for (; i < n; ++i) {
      char c = text[i];
      if (c == '\n') ++line;
      if (in_string) {
        if (c == '\\') {
          ++i;  // the escaped character never ends a string (an escaped newline cannot occur in JSON)
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '{' || c == '[') ++depth;
      else if (c == '}' || c == ']') {
        if (depth > 0) --depth;
        else if (c == ']') break;  // the array's own ']'
        // else a stray '}': part of this (broken) element, reported when it is parsed
      } else if (c == ',' && depth == 0) break;
    }
    if (i >= n) {
      out.findings.push_back(record_error(path, start_line, "unterminated-record",
                                          "record is never closed; nothing after it is read"));
      return out;
    }
    std::string_view element = text.substr(start, i - start);
    while (!element.empty() && is_space(element.back())) element.remove_suffix(1);
    if (element.empty()) {
      out.findings.push_back(record_error(path, start_line, "invalid-json", "empty array element"));
    } else {
      add_record(out, element, start_line, path);
    }
    if (text[i] == ']') break;
    ++i;  // the ','
  }
  ++i;
  skip_space();
  if (i < n)
    out.findings.push_back(record_error(path, line, "trailing-data", "text after the closing ']' is ignored"));
  return out;
}

}  // namespace

JsonRecords split_json_records(std::string_view text, const std::string& path) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
    if (is_space(text[i])) continue;
    if (text[i] == '[') return split_array(text, i, line, path);
    break;
  }
  return split_lines(text, path);
}

JsonRecords read_json_records(const std::string& path) { return split_json_records(read_file(path), path); }

}  // namespace tunesmith::data
