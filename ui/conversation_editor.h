#pragma once
// The conversation editor beside the table: one row per message (role, text, move up,
// move down, remove) and "Add message". Every change is an undo command on the
// document (DatasetDocument::editExample); when the document changes the shown example
// (undo, redo, an edit in the table), the editor updates in place, keeping the widget
// being typed into.
#include <QWidget>

#include <cstddef>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace tunesmith::ui {

class DatasetDocument;

class ConversationEditor final : public QWidget {
  Q_OBJECT

 public:
  explicit ConversationEditor(QWidget* parent = nullptr);

  // Shows example `row` of `document` (nullptr or npos: nothing).
  void showExample(DatasetDocument* document, std::size_t row);
  std::size_t shownExample() const { return row_; }
  DatasetDocument* document() const { return doc_; }

  // The widgets of message `i`, for tests and focus handling (nullptr when out of range).
  QPlainTextEdit* textEdit(std::size_t i) const;
  QComboBox* roleBox(std::size_t i) const;
  std::size_t messageRows() const { return rows_.size(); }

  // Edits, as the buttons do them (each one undo command).
  void addMessage();
  void removeMessage(std::size_t i);
  void moveMessage(std::size_t from, std::size_t to);

 private:
  struct Row {
    QWidget* frame = nullptr;
    QComboBox* role = nullptr;
    QPlainTextEdit* text = nullptr;
    QToolButton* up = nullptr;
    QToolButton* down = nullptr;
    QToolButton* remove = nullptr;
  };
  void rebuild();
  void refresh();  // same messages: update texts and roles in place
  Row makeRow(std::size_t i);
  void onTextEdited(std::size_t i);
  void onRoleChosen(std::size_t i);

  DatasetDocument* doc_ = nullptr;
  std::size_t row_ = std::size_t(-1);
  QLabel* header_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QWidget* list_ = nullptr;
  QVBoxLayout* listLayout_ = nullptr;
  QPushButton* addButton_ = nullptr;
  std::vector<Row> rows_;
  QMetaObject::Connection changedConnection_, resetConnection_;
  bool updating_ = false;  // true while the editor writes into its own widgets
};

}  // namespace tunesmith::ui
