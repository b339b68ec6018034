#include "ui/review_dialogs.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <set>

#include "core/data/dedupe.h"
#include "core/data/pii_scan.h"
#include "ui/dataset_document.h"

namespace tunesmith::ui {

namespace {

// The threshold the CLI's dedupe uses by default: at least 80 % of 3-word shingles shared.
constexpr double kNearThreshold = 0.8;
enum { ExampleRole = Qt::UserRole + 1 };

QTreeWidget* make_list(const QStringList& headers, const char* name) {
  auto* list = new QTreeWidget;
  list->setObjectName(QLatin1String(name));
  list->setRootIsDecorated(false);
  list->setUniformRowHeights(true);
  list->setAlternatingRowColors(true);
  list->setHeaderLabels(headers);
  list->header()->setStretchLastSection(true);
  return list;
}

QString excerpt(const std::string& text) {
  QString s = QString::fromStdString(text.substr(0, 200)).simplified();
  return s.size() > 80 ? s.left(80) + QChar(0x2026) : s;
}

template <typename Dialog>
void layout_dialog(Dialog* d, QLabel* summary, QTreeWidget* list, QPushButton* action) {
  auto* layout = new QVBoxLayout(d);
  summary->setWordWrap(true);
  layout->addWidget(summary);
  layout->addWidget(list, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  buttons->addButton(action, QDialogButtonBox::ActionRole);
  QObject::connect(buttons, &QDialogButtonBox::rejected, d, &QDialog::reject);
  layout->addWidget(buttons);
  QObject::connect(list, &QTreeWidget::itemActivated, d, [d](QTreeWidgetItem* item) {
    Q_EMIT d->exampleActivated(static_cast<std::size_t>(item->data(0, ExampleRole).toULongLong()));
  });
  d->resize(720, 440);
}

}  // namespace

DuplicatesDialog::DuplicatesDialog(DatasetDocument* document, QWidget* parent) : QDialog(parent), doc_(document) {
  setWindowTitle(tr("Duplicates"));
  setObjectName(QStringLiteral("duplicatesDialog"));
  summary_ = new QLabel;
  list_ = make_list({tr("Example"), tr("Repeats"), tr("Similarity"), tr("User message")}, "duplicatesList");
  remove_ = new QPushButton(tr("Remove Later Copies"));
  remove_->setObjectName(QStringLiteral("removeDuplicatesButton"));
  connect(remove_, &QPushButton::clicked, this, &DuplicatesDialog::removeLaterCopies);
  layout_dialog(this, summary_, list_, remove_);
  connect(doc_->undoStack(), &QUndoStack::indexChanged, this, &DuplicatesDialog::rescan);
  rescan();
}

void DuplicatesDialog::rescan() {
  const data::DedupeResult r = data::find_duplicates(doc_->dataset.examples, kNearThreshold);
  list_->clear();
  later_.clear();
  for (const auto& pair : r.removed) {
    auto* item = new QTreeWidgetItem(list_);
    item->setText(0, QString::number(pair.removed + 1));
    item->setText(1, QString::number(pair.kept + 1));
    item->setText(2, pair.exact ? tr("exact") : QStringLiteral("%1%").arg(int(pair.similarity * 100)));
    item->setText(3, excerpt(doc_->dataset.examples[pair.removed].first_text("user")));
    item->setData(0, ExampleRole, qulonglong(pair.removed));
    later_.push_back(pair.removed);
  }
  summary_->setText(later_.empty()
                        ? tr("No duplicates: no two examples are the same or %1% alike.").arg(int(kNearThreshold * 100))
                        : tr("%1 examples repeat an earlier one, exactly or at least %2% alike. Activate a row to see it.")
                              .arg(later_.size())
                              .arg(int(kNearThreshold * 100)));
  remove_->setEnabled(!later_.empty());
}

void DuplicatesDialog::removeLaterCopies() {
  if (later_.empty()) return;
  doc_->removeExamples(later_, tr("Remove %n duplicate(s)", nullptr, static_cast<int>(later_.size())));
}

PersonalDataDialog::PersonalDataDialog(DatasetDocument* document, QWidget* parent) : QDialog(parent), doc_(document) {
  setWindowTitle(tr("Personal Data"));
  setObjectName(QStringLiteral("personalDataDialog"));
  summary_ = new QLabel;
  list_ = make_list({tr("Example"), tr("Kind"), tr("Field"), tr("Found")}, "personalDataList");
  redact_ = new QPushButton(tr("Redact All"));
  redact_->setObjectName(QStringLiteral("redactAllButton"));
  redact_->setToolTip(tr("Replace each match with a placeholder such as [EMAIL]; one undo step"));
  connect(redact_, &QPushButton::clicked, this, &PersonalDataDialog::redactAll);
  layout_dialog(this, summary_, list_, redact_);
  connect(doc_->undoStack(), &QUndoStack::indexChanged, this, &PersonalDataDialog::rescan);
  rescan();
}

void PersonalDataDialog::rescan() {
  const auto found = data::scan_dataset(doc_->dataset);
  list_->clear();
  std::set<std::size_t> examples;
  for (const auto& f : found) {
    auto* item = new QTreeWidgetItem(list_);
    item->setText(0, QString::number(f.example + 1));
    item->setText(1, QString::fromLatin1(data::pii_kind_name(f.kind).data(), qsizetype(data::pii_kind_name(f.kind).size())));
    item->setText(2, QString::fromStdString(f.field));
    item->setText(3, QString::fromStdString(f.masked));  // masked: the panel never shows the secret itself
    item->setData(0, ExampleRole, qulonglong(f.example));
    examples.insert(f.example);
  }
  summary_->setText(found.empty() ? tr("No personal data or secrets found.")
                                  : tr("%1 matches in %2 examples. Uploads are refused until they are redacted.")
                                        .arg(found.size())
                                        .arg(examples.size()));
  redact_->setEnabled(!found.empty());
}

void PersonalDataDialog::redactAll() {
  std::set<std::size_t> rows;
  for (const auto& f : data::scan_dataset(doc_->dataset)) rows.insert(f.example);
  std::vector<std::size_t> list(rows.begin(), rows.end());
  std::vector<data::Conversation> after;
  for (std::size_t r : list) after.push_back(data::redact_example(doc_->dataset.examples[r]));
  doc_->replaceExamples(std::move(list), std::move(after),
                        tr("Redact personal data in %n example(s)", nullptr, static_cast<int>(rows.size())));
}

}  // namespace tunesmith::ui
