#include "ui/conversation_editor.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/dataset_document.h"

namespace tunesmith::ui {

namespace {

constexpr std::size_t npos = std::size_t(-1);
// Typing into message i merges into one undo step per message (see ReplaceExampleCommand).
int text_merge_key(std::size_t i) { return 1000 + static_cast<int>(i); }

const char* const kRoles[] = {"system", "user", "assistant", "developer", "tool"};

// A text box as tall as its text (2 to 14 lines), so short messages take little room
// and the scroll area scrolls the conversation, not each message.
class MessageTextEdit final : public QPlainTextEdit {
 public:
  MessageTextEdit() {
    setTabChangesFocus(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    connect(document(), &QTextDocument::contentsChanged, this, [this] { updateGeometry(); });
  }
  QSize sizeHint() const override {
    const int lines = std::clamp(static_cast<int>(document()->size().height()), 2, 14);
    const int h = lines * fontMetrics().lineSpacing() + 2 * frameWidth() +
                  static_cast<int>(2 * document()->documentMargin()) + 4;
    return {QPlainTextEdit::sizeHint().width(), h};
  }
  QSize minimumSizeHint() const override { return {80, sizeHint().height()}; }
  void resizeEvent(QResizeEvent* e) override {
    QPlainTextEdit::resizeEvent(e);
    updateGeometry();  // wrapping changed the number of lines
  }
};

}  // namespace

ConversationEditor::ConversationEditor(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);

  header_ = new QLabel;
  header_->setObjectName(QStringLiteral("editorHeader"));
  header_->setContentsMargins(6, 2, 6, 2);
  layout->addWidget(header_);

  list_ = new QWidget;
  listLayout_ = new QVBoxLayout(list_);
  listLayout_->setContentsMargins(6, 4, 6, 4);
  listLayout_->setSpacing(8);
  placeholder_ = new QLabel;
  placeholder_->setWordWrap(true);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setEnabled(false);
  listLayout_->addWidget(placeholder_);
  addButton_ = new QPushButton(tr("Add Message"));
  addButton_->setObjectName(QStringLiteral("addMessageButton"));
  addButton_->setToolTip(tr("Add a message at the end of the conversation"));
  connect(addButton_, &QPushButton::clicked, this, &ConversationEditor::addMessage);
  auto* addRow = new QHBoxLayout;
  addRow->addWidget(addButton_);
  addRow->addStretch(1);
  listLayout_->addLayout(addRow);
  listLayout_->addStretch(1);

  scroll_ = new QScrollArea;
  scroll_->setObjectName(QStringLiteral("editorScroll"));
  scroll_->setWidget(list_);
  scroll_->setWidgetResizable(true);
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll_->setFrameShape(QFrame::NoFrame);
  layout->addWidget(scroll_, 1);
  showExample(nullptr, npos);
}

QPlainTextEdit* ConversationEditor::textEdit(std::size_t i) const { return i < rows_.size() ? rows_[i].text : nullptr; }
QComboBox* ConversationEditor::roleBox(std::size_t i) const { return i < rows_.size() ? rows_[i].role : nullptr; }

void ConversationEditor::showExample(DatasetDocument* document, std::size_t row) {
  if (document != doc_) {
    disconnect(changedConnection_);
    disconnect(resetConnection_);
    doc_ = document;
    if (doc_) {
      changedConnection_ = connect(doc_, &DatasetDocument::exampleChanged, this, [this](std::size_t i) {
        if (i == row_) refresh();
      });
      resetConnection_ = connect(doc_, &DatasetDocument::examplesReset, this, &ConversationEditor::refresh);
    }
  }
  row_ = (doc_ && row < doc_->dataset.examples.size()) ? row : npos;
  rebuild();
}

void ConversationEditor::rebuild() {
  // deleteLater: the button whose click led here may be inside one of these rows.
  for (Row& r : rows_) {
    listLayout_->removeWidget(r.frame);
    r.frame->hide();
    r.frame->deleteLater();
  }
  rows_.clear();
  const bool shown = row_ != npos;
  addButton_->setVisible(shown);
  placeholder_->setVisible(!shown);
  if (!shown) {
    header_->setText(tr("No example selected"));
    placeholder_->setText(doc_ ? tr("Select an example to edit it.") : tr("Open a dataset to edit it."));
    return;
  }
  const data::Conversation& ex = doc_->dataset.examples[row_];
  for (std::size_t i = 0; i < ex.message_count(); ++i) {
    rows_.push_back(makeRow(i));
    listLayout_->insertWidget(static_cast<int>(i), rows_.back().frame);
  }
  refresh();
}

ConversationEditor::Row ConversationEditor::makeRow(std::size_t i) {
  Row r;
  r.frame = new QWidget;
  r.frame->setObjectName(QStringLiteral("message%1").arg(i));
  auto* v = new QVBoxLayout(r.frame);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(2);
  auto* top = new QHBoxLayout;
  top->setSpacing(2);
  r.role = new QComboBox;
  r.role->setObjectName(QStringLiteral("roleBox"));
  for (const char* role : kRoles) r.role->addItem(QString::fromLatin1(role));
  r.role->setToolTip(tr("Who says this message"));
  top->addWidget(r.role);
  top->addStretch(1);
  auto tool = [&](QStyle::StandardPixmap icon, const QString& tip, const char* name) {
    auto* b = new QToolButton;
    b->setIcon(style()->standardIcon(icon));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    b->setObjectName(QLatin1String(name));
    top->addWidget(b);
    return b;
  };
  r.up = tool(QStyle::SP_ArrowUp, tr("Move the message up"), "moveUpButton");
  r.down = tool(QStyle::SP_ArrowDown, tr("Move the message down"), "moveDownButton");
  r.remove = tool(QStyle::SP_DialogDiscardButton, tr("Remove the message"), "removeMessageButton");
  v->addLayout(top);
  r.text = new MessageTextEdit;
  r.text->setObjectName(QStringLiteral("messageText"));
  v->addWidget(r.text);

  connect(r.text, &QPlainTextEdit::textChanged, this, [this, i] { onTextEdited(i); });
  connect(r.role, &QComboBox::activated, this, [this, i] { onRoleChosen(i); });
  connect(r.up, &QToolButton::clicked, this, [this, i] { moveMessage(i, i - 1); });
  connect(r.down, &QToolButton::clicked, this, [this, i] { moveMessage(i, i + 1); });
  connect(r.remove, &QToolButton::clicked, this, [this, i] { removeMessage(i); });
  return r;
}

void ConversationEditor::refresh() {
  if (row_ == npos || !doc_ || row_ >= doc_->dataset.examples.size()) return;
  const data::Conversation& ex = doc_->dataset.examples[row_];
  if (ex.message_count() != rows_.size()) {
    rebuild();
    return;
  }
  updating_ = true;
  const std::size_t line = doc_->dataset.lines[row_];
  const QString messages = rows_.size() == 1 ? tr("1 message") : tr("%1 messages").arg(rows_.size());
  header_->setText(line ? tr("Example %1 \u00b7 line %2 \u00b7 %3").arg(row_ + 1).arg(line).arg(messages)
                        : tr("Example %1 (added) \u00b7 %2").arg(row_ + 1).arg(messages));
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    Row& r = rows_[i];
    const QString role = QString::fromStdString(ex.role(i));
    int at = r.role->findText(role);
    if (at < 0) {  // a role the list does not have (or none): shown as it is
      r.role->addItem(role.isEmpty() ? tr("(no role)") : role);
      at = r.role->count() - 1;
    }
    r.role->setCurrentIndex(at);
    const QString text = QString::fromStdString(ex.text(i));
    // Only when it differs: setPlainText would move the cursor of the box being typed in.
    if (r.text->toPlainText() != text) r.text->setPlainText(text);
    const bool structured = !ex.message(i).contains("content") || !ex.message(i)["content"].is_string();
    r.text->setToolTip(structured && !text.isEmpty()
                           ? tr("This content is a list of parts; editing it replaces the list with plain text.")
                           : QString());
    r.up->setEnabled(i > 0);
    r.down->setEnabled(i + 1 < rows_.size());
  }
  updating_ = false;
}

void ConversationEditor::onTextEdited(std::size_t i) {
  if (updating_ || row_ == npos) return;
  const data::Conversation& current = doc_->dataset.examples[row_];
  const std::string text = rows_[i].text->toPlainText().toStdString();
  if (current.text(i) == text) return;
  data::Conversation after = current;
  after.set_text(i, text);
  doc_->editExample(row_, std::move(after), tr("Edit message %1 of example %2").arg(i + 1).arg(row_ + 1),
                    text_merge_key(i));
}

void ConversationEditor::onRoleChosen(std::size_t i) {
  if (updating_ || row_ == npos) return;
  const data::Conversation& current = doc_->dataset.examples[row_];
  const std::string role = rows_[i].role->currentText().toStdString();
  if (current.role(i) == role || role.empty() || role[0] == '(') return;
  data::Conversation after = current;
  after.set_role(i, role);
  doc_->editExample(row_, std::move(after), tr("Set role of message %1 to %2").arg(i + 1).arg(QString::fromStdString(role)));
}

void ConversationEditor::addMessage() {
  if (row_ == npos) return;
  const data::Conversation& current = doc_->dataset.examples[row_];
  const std::size_t n = current.message_count();
  // The turn that usually comes next: an answer after a question, else a question.
  const std::string next = (n > 0 && current.role(n - 1) == "user") ? "assistant" : "user";
  data::Conversation after = current;
  after.insert_message(n, next, "");
  doc_->editExample(row_, std::move(after), tr("Add message to example %1").arg(row_ + 1));
  if (QPlainTextEdit* edit = textEdit(n)) edit->setFocus();
}

void ConversationEditor::removeMessage(std::size_t i) {
  if (row_ == npos || i >= rows_.size()) return;
  data::Conversation after = doc_->dataset.examples[row_];
  after.remove_message(i);
  doc_->editExample(row_, std::move(after), tr("Remove message %1 of example %2").arg(i + 1).arg(row_ + 1));
}

void ConversationEditor::moveMessage(std::size_t from, std::size_t to) {
  if (row_ == npos || from >= rows_.size() || to >= rows_.size() || from == to) return;
  data::Conversation after = doc_->dataset.examples[row_];
  after.move_message(from, to);
  doc_->editExample(row_, std::move(after), tr("Move message %1 of example %2").arg(from + 1).arg(row_ + 1));
  // Same number of messages: refresh() rewrote the texts in place; follow the message.
  if (QPlainTextEdit* edit = textEdit(to)) edit->setFocus();
}

}  // namespace tunesmith::ui
