#include "core/data/validate.h"

#include <cstring>

#include "core/data/example_shape.h"
#include "core/data/line_reader.h"
#include "core/data/normalize.h"
#include "core/data/rules.h"
#include "core/data/shape_parser.h"
#include "core/data/text_sniff.h"

namespace tunesmith::data {
namespace {

constexpr std::uint64_t kProgressEvery = std::uint64_t{16} << 20;

const TokenCounter& counter_of(const ValidationOptions& options) {
  static const EstimatedTokenCounter estimate;
  return options.tokens ? *options.tokens : estimate;
}

std::size_t limit_of(const ValidationOptions& options) {
  return options.max_tokens ? options.max_tokens : default_max_tokens(options.target);
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

std::string not_object_message(JsonKind kind) {
  std::string msg = "the line is valid JSON but " + std::string(json_kind_name(kind)) + ", not an object";
  if (kind == JsonKind::Array)
    msg += " (is this a .json file? JSONL holds one example object per line)";
  return msg;
}

}  // namespace

std::size_t default_max_tokens(Target target) {
  return target == Target::OpenAI ? kOpenAIMaxTokens : kLocalMaxTokens;
}

ValidationReport validate_file_report(const std::string& path, const ValidationOptions& options) {
  ValidationReport report;
  auto& out = report.findings;
  if (auto bad = sniff_text_file(path)) {  // binary, UTF-16, not UTF-8: one finding
    out.push_back(std::move(*bad));
    return report;
  }
  const TokenCounter& counter = counter_of(options);
  const std::size_t max_tokens = limit_of(options);

  LineReader reader(path);
  ShapeParser parser;
  ExampleShape shape;
  DuplicateIndex duplicates;
  std::string scratch;
  std::size_t bad_in_a_row = 0, errors_before = 0;
  bool any_text = false;
  std::uint64_t next_progress = kProgressEvery;
  Line line;

  auto unreadable = [&](std::size_t column, const char* category, std::string message) {
    out.push_back(Finding{Severity::Error, category, path, line.number, column, std::move(message), std::size_t(-1)});
    return ++bad_in_a_row >= kMaxConsecutiveBadLines;
  };

  while (reader.next(line)) {
    report.lines = line.number;
    if (options.progress && reader.bytes_read() >= next_progress) {
      options.progress(reader.bytes_read(), reader.file_size());
      next_progress = reader.bytes_read() + kProgressEvery;
    }
    if (!line.too_long && is_blank(line.text)) continue;
    any_text = true;
    bool stop = false;
    if (line.too_long) {
      stop = unreadable(0, "line-too-long",
                        "the line is longer than " + std::to_string(reader.max_line_bytes() >> 20) +
                            " MiB; JSONL holds one example per line");
    } else if (std::memchr(line.text.data(), '\0', line.text.size())) {
      stop = unreadable(0, "not-text", "the line holds NUL bytes: this is not text");
    } else {
      ParsedLine parsed = parser.parse(line.text, shape);
      switch (parsed.status) {
        case ParsedLine::InvalidJson:
          stop = unreadable(parsed.column, "invalid-json", "invalid JSON: " + parsed.message);
          break;
        case ParsedLine::InvalidUtf8:
          stop = unreadable(parsed.column, "invalid-utf8", "the line is not valid UTF-8: " + parsed.message);
          break;
        case ParsedLine::NotObject:
          stop = unreadable(1, "not-an-object", not_object_message(parsed.kind));
          break;
        case ParsedLine::Object: {
          bad_in_a_row = 0;
          ExampleSite site{path, line.number, report.examples++};
          check_example(shape, site, counter, max_tokens, out);
          if (!shape.messages.empty()) {
            auto first = duplicates.insert(normalized_hash(shape, scratch), site.line, site.example);
            if (first.found) out.push_back(duplicate_finding(site, first));
          }
          break;
        }
      }
    }
    if (stop) {
      out.push_back(Finding{Severity::Error, "too-many-errors", path, line.number, 0,
                            std::to_string(kMaxConsecutiveBadLines) +
                                " lines in a row are not JSON objects: this does not look like a JSONL file; "
                                "the rest of it was not checked",
                            std::size_t(-1)});
      report.stopped_early = true;
      break;
    }
  }
  report.bytes = reader.bytes_read();
  if (options.progress) options.progress(reader.bytes_read(), reader.file_size());

  if (!any_text) {
    out.push_back(Finding{Severity::Error, "empty-file", path, 0, 0,
                          reader.file_size() == 0 ? "the file is empty" : "the file holds only blank lines",
                          std::size_t(-1)});
    return report;
  }
  for (const auto& f : out) errors_before += f.severity == Severity::Error;
  // With no example at all, the line errors already say why; a size finding would be noise.
  if (report.examples > 0 || errors_before == 0) check_dataset_size(report.examples, options.target, path, out);
  return report;
}

std::vector<Finding> validate_file(const std::string& path, const ValidationOptions& options) {
  return validate_file_report(path, options).findings;
}

std::vector<Finding> validate_dataset(const Dataset& dataset, const ValidationOptions& options) {
  std::vector<Finding> out;
  const TokenCounter& counter = counter_of(options);
  const std::size_t max_tokens = limit_of(options);
  ExampleShape shape;
  DuplicateIndex duplicates;
  for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
    const Conversation& example = dataset.examples[i];
    ExampleSite site{dataset.path, i < dataset.lines.size() ? dataset.lines[i] : 0, i};
    shape_of(example.json(), shape);
    check_example(shape, site, counter, max_tokens, out);
    if (!shape.messages.empty()) {
      auto first = duplicates.insert(stable_hash(normalized_example(example)), site.line, site.example);
      if (first.found) out.push_back(duplicate_finding(site, first));
    }
  }
  check_dataset_size(dataset.examples.size(), options.target, dataset.path, out);
  return out;
}

}  // namespace tunesmith::data
