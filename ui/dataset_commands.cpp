#include "ui/dataset_commands.h"

#include "ui/dataset_document.h"

namespace tunesmith::ui {

ReplaceExampleCommand::ReplaceExampleCommand(DatasetDocument* doc, std::size_t row, data::Conversation before,
                                             data::Conversation after, const QString& text, int merge_key)
    : QUndoCommand(text), doc_(doc), row_(row), before_(std::move(before)), after_(std::move(after)),
      merge_key_(merge_key) {}

void ReplaceExampleCommand::undo() { doc_->applyReplace(row_, before_); }
void ReplaceExampleCommand::redo() { doc_->applyReplace(row_, after_); }

bool ReplaceExampleCommand::mergeWith(const QUndoCommand* other) {
  const auto* o = static_cast<const ReplaceExampleCommand*>(other);  // same id(): same type
  if (o->row_ != row_ || o->merge_key_ != merge_key_) return false;
  after_ = o->after_;
  return true;
}

ReplaceExamplesCommand::ReplaceExamplesCommand(DatasetDocument* doc, std::vector<std::size_t> rows,
                                               std::vector<data::Conversation> before,
                                               std::vector<data::Conversation> after, const QString& text)
    : QUndoCommand(text), doc_(doc), rows_(std::move(rows)), before_(std::move(before)), after_(std::move(after)) {}

void ReplaceExamplesCommand::undo() { doc_->applyReplaceMany(rows_, before_); }
void ReplaceExamplesCommand::redo() { doc_->applyReplaceMany(rows_, after_); }

InsertExamplesCommand::InsertExamplesCommand(DatasetDocument* doc, std::size_t at,
                                             std::vector<data::Conversation> examples, const QString& text)
    : QUndoCommand(text), doc_(doc), at_(at), examples_(std::move(examples)) {}

void InsertExamplesCommand::undo() { doc_->applyRemove(at_, examples_.size()); }
void InsertExamplesCommand::redo() {
  // Examples made in the app have no source line (0).
  doc_->applyInsert(at_, examples_, std::vector<std::size_t>(examples_.size(), 0));
}

RemoveExamplesCommand::RemoveExamplesCommand(DatasetDocument* doc, std::size_t at, std::size_t count,
                                             const QString& text)
    : QUndoCommand(text), doc_(doc), at_(at), count_(count) {}

void RemoveExamplesCommand::redo() {
  const auto& ds = doc_->dataset;
  removed_.assign(ds.examples.begin() + static_cast<std::ptrdiff_t>(at_),
                  ds.examples.begin() + static_cast<std::ptrdiff_t>(at_ + count_));
  lines_.clear();
  for (std::size_t i = at_; i < at_ + count_; ++i) lines_.push_back(i < ds.lines.size() ? ds.lines[i] : 0);
  doc_->applyRemove(at_, count_);
}

void RemoveExamplesCommand::undo() { doc_->applyInsert(at_, removed_, lines_); }

RebuildExamplesCommand::RebuildExamplesCommand(DatasetDocument* doc, std::vector<data::Conversation> before,
                                               std::vector<std::size_t> before_lines,
                                               std::vector<data::Conversation> after,
                                               std::vector<std::size_t> after_lines, const QString& text)
    : QUndoCommand(text), doc_(doc), before_(std::move(before)), after_(std::move(after)),
      before_lines_(std::move(before_lines)), after_lines_(std::move(after_lines)) {}

void RebuildExamplesCommand::undo() { doc_->applyRebuild(before_, before_lines_); }
void RebuildExamplesCommand::redo() { doc_->applyRebuild(after_, after_lines_); }

}  // namespace tunesmith::ui
