#pragma once
// The undo commands of the dataset editor: each edit to a DatasetDocument is one of
// these on the document's QUndoStack. A command keeps the examples before and after,
// so undo and redo restore them exactly (an untouched example keeps its source line and
// is written back byte for byte after an undo).
#include <QUndoCommand>

#include <cstddef>
#include <vector>

#include "core/data/conversation.h"

namespace tunesmith::ui {

class DatasetDocument;

// Example `row` becomes `after`. Commands with the same non-zero merge key on the same
// row merge (typing into one message is one undo step).
class ReplaceExampleCommand final : public QUndoCommand {
 public:
  ReplaceExampleCommand(DatasetDocument* doc, std::size_t row, data::Conversation before, data::Conversation after,
                        const QString& text, int merge_key);
  void undo() override;
  void redo() override;
  int id() const override { return merge_key_ ? kId : -1; }
  bool mergeWith(const QUndoCommand* other) override;

  static constexpr int kId = 0x7e51;

 private:
  DatasetDocument* doc_;
  std::size_t row_;
  data::Conversation before_, after_;
  int merge_key_;
};

// Several examples replaced at once (bulk "set system prompt", redaction).
class ReplaceExamplesCommand final : public QUndoCommand {
 public:
  ReplaceExamplesCommand(DatasetDocument* doc, std::vector<std::size_t> rows, std::vector<data::Conversation> before,
                         std::vector<data::Conversation> after, const QString& text);
  void undo() override;
  void redo() override;

 private:
  DatasetDocument* doc_;
  std::vector<std::size_t> rows_;
  std::vector<data::Conversation> before_, after_;
};

// Examples inserted at `at` (added in the editor, imported).
class InsertExamplesCommand final : public QUndoCommand {
 public:
  InsertExamplesCommand(DatasetDocument* doc, std::size_t at, std::vector<data::Conversation> examples,
                        const QString& text);
  void undo() override;
  void redo() override;

 private:
  DatasetDocument* doc_;
  std::size_t at_;
  std::vector<data::Conversation> examples_;
};

// `count` examples removed at `at`; undo puts them back with their source lines.
class RemoveExamplesCommand final : public QUndoCommand {
 public:
  RemoveExamplesCommand(DatasetDocument* doc, std::size_t at, std::size_t count, const QString& text);
  void undo() override;
  void redo() override;

 private:
  DatasetDocument* doc_;
  std::size_t at_;
  std::size_t count_;
  std::vector<data::Conversation> removed_;
  std::vector<std::size_t> lines_;
};

// The whole list of examples swapped (rows removed here and there, e.g. duplicates).
class RebuildExamplesCommand final : public QUndoCommand {
 public:
  RebuildExamplesCommand(DatasetDocument* doc, std::vector<data::Conversation> before, std::vector<std::size_t> before_lines,
                         std::vector<data::Conversation> after, std::vector<std::size_t> after_lines, const QString& text);
  void undo() override;
  void redo() override;

 private:
  DatasetDocument* doc_;
  std::vector<data::Conversation> before_, after_;
  std::vector<std::size_t> before_lines_, after_lines_;
};

}  // namespace tunesmith::ui
