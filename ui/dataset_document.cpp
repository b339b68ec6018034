#include "ui/dataset_document.h"

#include <algorithm>
#include <exception>

#include "core/data/example_shape.h"
#include "core/data/rules.h"
#include "core/data/token_counter.h"
#include "core/data/validate.h"
#include "ui/dataset_commands.h"

namespace tunesmith::ui {

namespace {

// An autosave shortly after the last edit: typing does not rewrite the file on every
// key, and a crash loses at most this much.
constexpr int kAutosaveMs = 400;
// The whole-file rules (duplicates, dataset size) after the last edit; the edited
// example itself is re-checked at once.
constexpr int kRevalidateMs = 300;
constexpr int kRevalidateBigMs = 2000;
constexpr std::size_t kBigDataset = 20000;

// Findings computed over the whole file rather than one example.
bool is_whole_file_rule(const data::Finding& f) { return f.category == "duplicate" || f.category == "dataset-size"; }

constexpr std::size_t npos = std::size_t(-1);

}  // namespace

DatasetDocument::DatasetDocument(QObject* parent) : QObject(parent) {
  autosave_.setSingleShot(true);
  autosave_.setInterval(kAutosaveMs);
  connect(&autosave_, &QTimer::timeout, this, [this] { saveNow(); });
  revalidate_.setSingleShot(true);
  revalidate_.setInterval(kRevalidateMs);
  connect(&revalidate_, &QTimer::timeout, this, &DatasetDocument::revalidateAll);
}

DatasetDocument::~DatasetDocument() {
  // Nothing typed is lost when the window closes or switches documents.
  if (dirty_ && canSave()) saveNow();
}

std::size_t DatasetDocument::example_for(const data::Finding& finding) const {
  const std::size_t n = dataset.examples.size();
  if (n == 0) return npos;
  if (finding.example < n) return finding.example;
  if (finding.line == 0) return npos;
  // Source lines are increasing for a file as loaded; examples added in the app (line
  // 0) may sit anywhere, so look for the first example whose line is at or after it.
  for (std::size_t i = 0; i < n; ++i)
    if (dataset.lines[i] >= finding.line) return i;
  return n - 1;
}

// --- Edits ------------------------------------------------------------------------

void DatasetDocument::editExample(std::size_t i, data::Conversation after, const QString& text, int merge_key) {
  if (i >= dataset.examples.size()) return;
  undo_.push(new ReplaceExampleCommand(this, i, dataset.examples[i], std::move(after), text, merge_key));
}

void DatasetDocument::insertExample(std::size_t at, data::Conversation example, const QString& text) {
  std::vector<data::Conversation> one;
  one.push_back(std::move(example));
  insertExamples(at, std::move(one), text);
}

void DatasetDocument::insertExamples(std::size_t at, std::vector<data::Conversation> examples, const QString& text) {
  if (examples.empty()) return;
  at = std::min(at, dataset.examples.size());
  undo_.push(new InsertExamplesCommand(this, at, std::move(examples), text));
}

void DatasetDocument::removeExample(std::size_t i) {
  if (i >= dataset.examples.size()) return;
  undo_.push(new RemoveExamplesCommand(this, i, 1, tr("Remove example %1").arg(i + 1)));
}

std::size_t DatasetDocument::setSystemPromptAll(const std::string& prompt) {
  std::vector<std::size_t> rows;
  std::vector<data::Conversation> before, after;
  for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
    const auto& ex = dataset.examples[i];
    if (ex.message_count() > 0 && ex.role(0) == "system" && ex.text(0) == prompt) continue;
    data::Conversation changed = ex;
    changed.set_system_prompt(prompt);
    rows.push_back(i);
    before.push_back(ex);
    after.push_back(std::move(changed));
  }
  if (rows.empty()) return 0;
  const std::size_t n = rows.size();
  undo_.push(new ReplaceExamplesCommand(this, std::move(rows), std::move(before), std::move(after),
                                        tr("Set the system prompt of %n example(s)", nullptr, static_cast<int>(n))));
  return n;
}

void DatasetDocument::replaceExamples(std::vector<std::size_t> rows, std::vector<data::Conversation> after,
                                      const QString& text) {
  if (rows.empty()) return;
  std::vector<data::Conversation> before;
  for (std::size_t r : rows) before.push_back(dataset.examples[r]);
  undo_.push(new ReplaceExamplesCommand(this, std::move(rows), std::move(before), std::move(after), text));
}

void DatasetDocument::removeExamples(std::vector<std::size_t> rows, const QString& text) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (rows.empty()) return;
  std::vector<data::Conversation> after;
  std::vector<std::size_t> lines;
  std::size_t k = 0;
  for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
    if (k < rows.size() && rows[k] == i) {
      ++k;
      continue;
    }
    after.push_back(dataset.examples[i]);
    lines.push_back(dataset.lines[i]);
  }
  undo_.push(new RebuildExamplesCommand(this, dataset.examples, dataset.lines, std::move(after), std::move(lines), text));
}

// --- Applied by the commands ------------------------------------------------------

void DatasetDocument::applyReplace(std::size_t i, const data::Conversation& example) {
  dataset.examples[i] = example;
  recheckExample(i);
  Q_EMIT exampleChanged(i);
  Q_EMIT findingsChanged();
  changed();
}

void DatasetDocument::applyReplaceMany(const std::vector<std::size_t>& rows,
                                       const std::vector<data::Conversation>& examples) {
  for (std::size_t k = 0; k < rows.size(); ++k) dataset.examples[rows[k]] = examples[k];
  revalidateAll();  // many examples: one pass over the file is cheaper than one per row
  Q_EMIT examplesReset();
  changed();
}

void DatasetDocument::applyInsert(std::size_t at, const std::vector<data::Conversation>& examples,
                                  const std::vector<std::size_t>& lines) {
  const std::size_t n = examples.size();
  Q_EMIT examplesAboutToBeInserted(at, at + n - 1);
  dataset.examples.insert(dataset.examples.begin() + static_cast<std::ptrdiff_t>(at), examples.begin(), examples.end());
  dataset.lines.insert(dataset.lines.begin() + static_cast<std::ptrdiff_t>(at), lines.begin(), lines.end());
  // Findings of later examples move down with them until the whole-file pass runs.
  for (auto& f : findings)
    if (f.example != npos && f.example >= at) f.example += n;
  for (std::size_t i = at; i < at + n; ++i) recheckExample(i);
  Q_EMIT examplesInserted(at, at + n - 1);
  Q_EMIT findingsChanged();  // after the rows exist
  changed();
}

void DatasetDocument::applyRemove(std::size_t at, std::size_t count) {
  Q_EMIT examplesAboutToBeRemoved(at, at + count - 1);
  dataset.examples.erase(dataset.examples.begin() + static_cast<std::ptrdiff_t>(at),
                         dataset.examples.begin() + static_cast<std::ptrdiff_t>(at + count));
  dataset.lines.erase(dataset.lines.begin() + static_cast<std::ptrdiff_t>(at),
                      dataset.lines.begin() + static_cast<std::ptrdiff_t>(at + count));
  std::erase_if(findings, [&](const data::Finding& f) { return f.example != npos && f.example >= at && f.example < at + count; });
  for (auto& f : findings)
    if (f.example != npos && f.example >= at + count) f.example -= count;
  counts = data::count_findings(findings);
  Q_EMIT examplesRemoved(at, at + count - 1);
  Q_EMIT findingsChanged();
  changed();
}

void DatasetDocument::applyRebuild(const std::vector<data::Conversation>& examples,
                                   const std::vector<std::size_t>& lines) {
  Q_EMIT examplesAboutToBeRebuilt();
  dataset.examples = examples;
  dataset.lines = lines;
  recomputeFindings();
  Q_EMIT examplesRebuilt();
  Q_EMIT findingsChanged();
  changed();
}

void DatasetDocument::changed() {
  dirty_ = true;
  // Not restarted by later edits: the file is saved at most autosaveDelay() after the
  // first unsaved edit, however long the user keeps typing.
  if (canSave() && !autosave_.isActive()) autosave_.start();
  // Restarted: the whole-file pass waits for a pause in typing, a longer one for big
  // files (it takes ~0.4-1.5 s at 100k examples, on the UI thread).
  revalidate_.setInterval(dataset.examples.size() > kBigDataset ? kRevalidateBigMs : kRevalidateMs);
  revalidate_.start();
}

// --- Validation -------------------------------------------------------------------

void DatasetDocument::recheckExample(std::size_t i) {
  std::erase_if(findings, [i](const data::Finding& f) { return f.example == i && !is_whole_file_rule(f); });
  static const data::EstimatedTokenCounter counter;
  data::ExampleShape shape;
  data::shape_of(dataset.examples[i].json(), shape);
  const data::ExampleSite site{dataset.path, dataset.lines[i], i};
  std::vector<data::Finding> fresh;
  data::check_example(shape, site, counter, data::default_max_tokens(data::Target::OpenAI), fresh);
  findings.insert(findings.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  sortFindings();
  counts = data::count_findings(findings);
  // The caller emits findingsChanged() once the rows are consistent.
}

void DatasetDocument::revalidateAll() {
  recomputeFindings();
  Q_EMIT findingsChanged();
}

void DatasetDocument::recomputeFindings() {
  revalidate_.stop();
  findings = load_findings_;
  data::ValidationOptions options;
  std::vector<data::Finding> rules = data::validate_dataset(dataset, options);
  findings.insert(findings.end(), std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
  sortFindings();
  counts = data::count_findings(findings);
}

void DatasetDocument::sortFindings() {
  // By line, file-wide findings first; examples added in the app (line 0) by index.
  std::stable_sort(findings.begin(), findings.end(), [](const data::Finding& a, const data::Finding& b) {
    if (a.line != b.line) return a.line < b.line;
    const std::size_t ea = a.example == npos ? 0 : a.example + 1;
    const std::size_t eb = b.example == npos ? 0 : b.example + 1;
    return ea < eb;
  });
}

// --- Saving -----------------------------------------------------------------------

bool DatasetDocument::saveNow(QString* error) {
  autosave_.stop();
  if (!canSave()) {
    if (error) *error = save_blocked_;
    return false;
  }
  if (!dirty_) return true;
  try {
    data::save_jsonl(dataset.path, dataset.examples);  // atomic: old file or new, never half
  } catch (const std::exception& e) {
    const QString message = QString::fromStdString(e.what());
    if (error) *error = message;
    Q_EMIT saveFailed(message);
    return false;
  }
  dirty_ = false;
  Q_EMIT saved();
  return true;
}

std::unique_ptr<DatasetDocument> load_dataset_document(const std::string& path, const std::string& name) {
  auto doc = std::make_unique<DatasetDocument>();
  doc->name = name;
  data::LoadResult loaded = data::load_jsonl(path);
  doc->dataset = std::move(loaded.dataset);
  doc->dataset.lines.resize(doc->dataset.examples.size(), 0);
  doc->load_findings_ = std::move(loaded.findings);
  if (!doc->load_findings_.empty()) {
    doc->save_blocked_ = DatasetDocument::tr(
        "Some lines of this file could not be read; edits are not saved to it, so those lines are kept. "
        "Fix the file, or export the dataset to a new file.");
  }
  doc->revalidateAll();
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
