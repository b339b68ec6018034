#include "ui/dataset_document.h"

#include <algorithm>

#include "core/data/token_counter.h"
#include "core/data/validate.h"

namespace tunesmith::ui {

std::size_t DatasetDocument::example_for(const data::Finding& finding) const {
  const std::size_t n = dataset.examples.size();
  if (n == 0) return std::size_t(-1);
  if (finding.example < n) return finding.example;
  if (finding.line == 0) return std::size_t(-1);
  // Source lines are increasing for a file as loaded; examples added in the app (line
  // 0) only come later, at the end.
  auto it = std::lower_bound(dataset.lines.begin(), dataset.lines.end(), finding.line);
  if (it == dataset.lines.end()) return n - 1;
  return static_cast<std::size_t>(it - dataset.lines.begin());
}

DatasetDocument load_dataset_document(const std::string& path, const std::string& name) {
  DatasetDocument doc;
  doc.name = name;
  data::LoadResult loaded = data::load_jsonl(path);
  doc.dataset = std::move(loaded.dataset);
  doc.findings = std::move(loaded.findings);
  data::ValidationOptions options;
  std::vector<data::Finding> rules = data::validate_dataset(doc.dataset, options);
  doc.findings.insert(doc.findings.end(), std::make_move_iterator(rules.begin()),
                      std::make_move_iterator(rules.end()));
  std::stable_sort(doc.findings.begin(), doc.findings.end(),
                   [](const data::Finding& a, const data::Finding& b) { return a.line < b.line; });
  doc.counts = data::count_findings(doc.findings);
  return doc;
}

std::size_t estimated_tokens(const data::Conversation& example) {
  static const data::EstimatedTokenCounter counter;
  const std::size_t messages = example.message_count();
  std::size_t tokens = data::kTokensPerConversation + messages * data::kTokensPerMessage;
  for (std::size_t i = 0; i < messages; ++i) tokens += counter.count(example.text(i));
  return tokens;
}

}  // namespace tunesmith::ui
