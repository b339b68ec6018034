#include "ui/csv_import_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/data/import_csv.h"

namespace tunesmith::ui {

namespace {

constexpr qint64 kHeadBytes = 64 * 1024;  // enough for the header and a few rows
constexpr int kPreviewRows = 5;

}  // namespace

CsvImportDialog::CsvImportDialog(const QString& path, QWidget* parent) : QDialog(parent), path_(path) {
  setWindowTitle(tr("Import %1").arg(QFileInfo(path).fileName()));
  setObjectName(QStringLiteral("csvImportDialog"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  delimiter_ = new QComboBox;
  delimiter_->setObjectName(QStringLiteral("delimiterBox"));
  delimiter_->addItem(tr("Detect"), 0);
  delimiter_->addItem(tr("Comma"), int(','));
  delimiter_->addItem(tr("Semicolon"), int(';'));
  delimiter_->addItem(tr("Tab"), int('\t'));
  header_ = new QCheckBox(tr("The first row names the columns"));
  header_->setChecked(true);
  auto column_box = [](const char* name) {
    auto* box = new QComboBox;
    box->setObjectName(QLatin1String(name));
    return box;
  };
  user_ = column_box("userColumnBox");
  assistant_ = column_box("assistantColumnBox");
  system_ = column_box("systemColumnBox");
  defaultSystem_ = new QLineEdit;
  defaultSystem_->setObjectName(QStringLiteral("defaultSystemField"));
  defaultSystem_->setPlaceholderText(tr("Optional: added to rows without a system prompt"));
  form->addRow(tr("Delimiter:"), delimiter_);
  form->addRow(QString(), header_);
  form->addRow(tr("User message column:"), user_);
  form->addRow(tr("Answer column:"), assistant_);
  form->addRow(tr("System prompt column:"), system_);
  form->addRow(tr("Default system prompt:"), defaultSystem_);
  layout->addLayout(form);
  preview_ = new QTableWidget;
  preview_->setObjectName(QStringLiteral("csvPreview"));
  preview_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  preview_->verticalHeader()->hide();
  preview_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  preview_->setWordWrap(false);
  layout->addWidget(preview_, 1);
  problem_ = new QLabel;
  problem_->setWordWrap(true);
  layout->addWidget(problem_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  connect(delimiter_, &QComboBox::currentIndexChanged, this, &CsvImportDialog::reload);
  connect(header_, &QCheckBox::toggled, this, &CsvImportDialog::reload);
  resize(640, 460);
  reload();
}

void CsvImportDialog::reload() {
  QByteArray head;
  QFile f(path_);
  if (f.open(QIODevice::ReadOnly)) head = f.read(kHeadBytes);
  // Cut at the last line break so the head ends on a whole row (a quoted field with
  // line breaks may still be cut: the preview is best effort, the import reads it all).
  const qsizetype cut = head.lastIndexOf('\n');
  if (cut > 0 && f.bytesAvailable() > 0) head.truncate(cut + 1);
  const char delimiter = static_cast<char>(delimiter_->currentData().toInt());
  const data::CsvTable table = data::parse_csv(std::string_view(head.constData(), std::size_t(head.size())), delimiter,
                                               path_.toStdString());
  const std::vector<std::string> none;
  const auto& first = table.records.empty() ? none : table.records.front().fields;
  QStringList names;
  for (std::size_t i = 0; i < first.size(); ++i) {
    names << (header_->isChecked() ? QString::fromStdString(first[i]) : tr("Column %1").arg(i + 1));
  }
  for (QComboBox* box : {user_, assistant_, system_}) {
    const QString keep = box->currentText();
    box->clear();
    box->addItem(box == system_ ? tr("Detect (or none)") : tr("Detect from the header"), QString());
    for (int i = 0; i < names.size(); ++i) box->addItem(names[i], QString::number(i + 1));  // 1-based numbers
    const int at = box->findText(keep);
    if (at > 0) box->setCurrentIndex(at);
  }
  preview_->clear();
  preview_->setColumnCount(static_cast<int>(names.size()));
  preview_->setHorizontalHeaderLabels(names);
  const std::size_t skip = header_->isChecked() ? 1 : 0;
  const int rows = static_cast<int>(std::min<std::size_t>(kPreviewRows, table.records.size() > skip ? table.records.size() - skip : 0));
  preview_->setRowCount(rows);
  for (int r = 0; r < rows; ++r) {
    const auto& fields = table.records[skip + static_cast<std::size_t>(r)].fields;
    for (std::size_t c = 0; c < fields.size() && c < std::size_t(names.size()); ++c)
      preview_->setItem(r, static_cast<int>(c), new QTableWidgetItem(QString::fromStdString(fields[c]).simplified()));
  }
  problem_->setText(table.findings.empty() ? QString() : QString::fromStdString(data::format_finding(table.findings.front())));
}

data::ImportOptions CsvImportDialog::options() const {
  data::ImportOptions o;
  o.csv_delimiter = static_cast<char>(delimiter_->currentData().toInt());
  o.csv_header = header_->isChecked();
  o.csv_columns.user = user_->currentData().toString().toStdString();
  o.csv_columns.assistant = assistant_->currentData().toString().toStdString();
  o.csv_columns.system = system_->currentData().toString().toStdString();
  o.system_prompt = defaultSystem_->text().toStdString();
  return o;
}

}  // namespace tunesmith::ui
