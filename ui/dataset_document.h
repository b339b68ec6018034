#pragma once
// A dataset open in the window: the examples, everything found wrong with them, and
// the undo stack of edits. Widgets never change the examples directly: every edit is
// a QUndoCommand pushed on undoStack() (dataset_commands.h), which calls the apply*
// functions below; those emit the change signals the models and views listen to.
//
// Findings stay live: an edited example is re-checked at once (the per-example rules);
// the whole-file rules (duplicates, dataset size) run again shortly after the last edit.
#include <QObject>
#include <QTimer>
#include <QUndoStack>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"

namespace tunesmith::ui {

class DatasetDocument final : public QObject {
  Q_OBJECT

 public:
  explicit DatasetDocument(QObject* parent = nullptr);
  ~DatasetDocument() override;

  std::string name;  // shown in the sidebar and above the table
  data::Dataset dataset;
  // Unreadable lines and validation findings, ordered by line (file-wide ones first).
  std::vector<data::Finding> findings;
  data::FindingCounts counts;

  // The example a finding points at: its own example, else the first example at or
  // after its line (an unreadable line is not in the table; its neighbour is), else
  // the last one. npos when the dataset is empty or the finding is about the file.
  std::size_t example_for(const data::Finding& finding) const;

  QUndoStack* undoStack() { return &undo_; }

  // --- Edits, each one undo command (see dataset_commands.h for the command types).
  // Replaces example `i` with `after`. Consecutive edits with the same non-zero
  // `merge_key` merge into one undo step (typing into one message).
  void editExample(std::size_t i, data::Conversation after, const QString& text, int merge_key = 0);
  void insertExample(std::size_t at, data::Conversation example, const QString& text);
  void insertExamples(std::size_t at, std::vector<data::Conversation> examples, const QString& text);
  void removeExample(std::size_t i);
  // Sets the leading system message of every example (one undo step). Returns how many changed.
  std::size_t setSystemPromptAll(const std::string& prompt);
  // Replaces several examples (one undo step), e.g. redaction.
  void replaceExamples(std::vector<std::size_t> rows, std::vector<data::Conversation> after, const QString& text);
  // Removes the examples at `rows` (any order; one undo step), e.g. duplicates.
  void removeExamples(std::vector<std::size_t> rows, const QString& text);

  // --- Called by the commands only.
  void applyReplace(std::size_t i, const data::Conversation& example);
  void applyReplaceMany(const std::vector<std::size_t>& rows, const std::vector<data::Conversation>& examples);
  void applyInsert(std::size_t at, const std::vector<data::Conversation>& examples,
                   const std::vector<std::size_t>& lines);
  void applyRemove(std::size_t at, std::size_t count);
  void applyRebuild(const std::vector<data::Conversation>& examples, const std::vector<std::size_t>& lines);

  // --- Saving. Autosave: every change schedules an atomic save of the JSONL file
  // after autosaveDelay() ms; saveNow() writes at once (on close, on switching).
  // A file with lines that could not be read is never autosaved (it would drop them):
  // canSave() is false and saveBlockedReason() says why.
  bool canSave() const { return save_blocked_.isEmpty(); }
  const QString& saveBlockedReason() const { return save_blocked_; }
  bool isDirty() const { return dirty_; }
  bool saveNow(QString* error = nullptr);
  void setAutosaveDelay(int ms) { autosave_.setInterval(ms); }
  int autosaveDelay() const { return autosave_.interval(); }

  // Re-runs every rule now (the debounced whole-file pass, made synchronous).
  void revalidateAll();

 Q_SIGNALS:
  void exampleChanged(std::size_t i);
  void examplesAboutToBeInserted(std::size_t first, std::size_t last);
  void examplesInserted(std::size_t first, std::size_t last);
  void examplesAboutToBeRemoved(std::size_t first, std::size_t last);
  void examplesRemoved(std::size_t first, std::size_t last);
  void examplesReset();  // several examples changed at once (same rows)
  void examplesAboutToBeRebuilt();  // rows removed here and there: the table resets
  void examplesRebuilt();
  void findingsChanged();
  void saved();                          // after an autosave or saveNow() succeeded
  void saveFailed(const QString& error); // the file on disk keeps its previous state

 private:
  friend std::unique_ptr<DatasetDocument> load_dataset_document(const std::string& path, const std::string& name);
  void changed();
  void recheckExample(std::size_t i);
  void recomputeFindings();  // every rule, without the signal
  void sortFindings();

  QUndoStack undo_;
  QTimer autosave_;
  QTimer revalidate_;
  bool dirty_ = false;
  QString save_blocked_;
  // Findings from loading (unreadable lines): kept as they are; the rules' findings
  // are recomputed.
  std::vector<data::Finding> load_findings_;
};

// Loads and validates a JSONL file (OpenAI rules). Throws data::IoError when the file
// cannot be read.
std::unique_ptr<DatasetDocument> load_dataset_document(const std::string& path, const std::string& name);

// The estimated token count of one example: ~4 bytes a token, plus the chat format's
// per-message and per-conversation overhead (the rule the validator uses).
std::size_t estimated_tokens(const data::Conversation& example);

}  // namespace tunesmith::ui
