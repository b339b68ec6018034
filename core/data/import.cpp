#include "core/data/import.h"

#include <algorithm>

#include "core/data/dataset.h"
#include "core/data/import_alpaca.h"
#include "core/data/import_csv.h"
#include "core/data/import_sharegpt.h"

namespace tunesmith::data {

std::optional<ImportFormat> import_format_from_string(std::string_view name) {
  if (name == "csv") return ImportFormat::Csv;
  if (name == "alpaca") return ImportFormat::Alpaca;
  if (name == "sharegpt") return ImportFormat::ShareGpt;
  if (name == "openai") return ImportFormat::OpenAi;
  return std::nullopt;
}

void add_default_system(Conversation& example, std::string_view text) {
  if (text.empty()) return;
  if (example.message_count() > 0 && example.role(0) == "system") return;
  example.insert_message(0, "system", text);
}

Finding record_error(const std::string& path, std::size_t line, std::string category, std::string message) {
  return Finding{Severity::Error, std::move(category), path, line, 0, std::move(message), std::size_t(-1)};
}

namespace {

// OpenAI chat JSONL in, the same out: load_jsonl keeps each line's source text, so an
// example that needs no change is written back byte for byte, unknown fields and all.
ImportResult import_openai(const std::string& path, const ImportOptions& options) {
  LoadResult loaded = load_jsonl(path);
  ImportResult result;
  result.findings = std::move(loaded.findings);
  auto& examples = loaded.dataset.examples;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (!examples[i].has_message_list()) {
      result.findings.push_back(record_error(path, loaded.dataset.lines[i], "missing-messages",
                                             "object has no \"messages\" list; not a chat example"));
      continue;
    }
    add_default_system(examples[i], options.system_prompt);
    result.examples.push_back(std::move(examples[i]));
  }
  return result;
}

}  // namespace

ImportResult import_file(const std::string& path, ImportFormat format, const ImportOptions& options) {
  ImportResult result;
  switch (format) {
    case ImportFormat::Csv: result = import_csv(path, options); break;
    case ImportFormat::Alpaca: result = import_alpaca(path, options); break;
    case ImportFormat::ShareGpt: result = import_sharegpt(path, options); break;
    case ImportFormat::OpenAi: result = import_openai(path, options); break;
  }
  // Readers find problems in passes (syntax, then conversion); the user reads them in file order.
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.line < b.line; });
  return result;
}

}  // namespace tunesmith::data
