// The wizard's data page: which of the project's datasets to train and validate on,
// and the validator's verdict on them (the same rules as `data validate --target local`).
#include <QBrush>
#include <QColor>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <optional>

#include "core/data/validate.h"
#include "core/text/tokenizer_token_counter.h"
#include "ui/training/wizard_pages.h"

namespace tunesmith::ui {

namespace {

QString dataset_label(const project::DatasetEntry& d) {
  return d.split.empty() ? QString::fromStdString(d.name)
                         : QStringLiteral("%1 (%2)").arg(QString::fromStdString(d.name), QString::fromStdString(d.split));
}

}  // namespace

DataPage::DataPage(QWidget* parent) : WizardPage(parent) {
  setTitle(tr("Data"));
  setSubTitle(tr("The examples to learn from, and held-out examples to watch for overfitting."));
  train_ = new QComboBox;
  train_->setObjectName(QStringLiteral("trainDataset"));
  val_ = new QComboBox;
  val_->setObjectName(QStringLiteral("valDataset"));
  verdict_ = new QLabel;
  verdict_->setObjectName(QStringLiteral("dataVerdict"));
  verdict_->setWordWrap(true);
  verdict_->setTextFormat(Qt::RichText);
  findings_ = new QListWidget;
  findings_->setObjectName(QStringLiteral("dataFindings"));
  findings_->setWordWrap(true);
  findings_->setUniformItemSizes(false);
  auto* form = new QFormLayout;
  form->addRow(tr("Training data:"), train_);
  form->addRow(tr("Validation data:"), val_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(verdict_);
  layout->addWidget(findings_, 1);
  connect(train_, &QComboBox::currentIndexChanged, this, &DataPage::validate);
  connect(val_, &QComboBox::currentIndexChanged, this, &DataPage::validate);
}

void DataPage::initializePage() {
  const project::Project* p = wiz()->project();
  QSignalBlocker b1(train_), b2(val_);
  train_->clear();
  val_->clear();
  val_->addItem(tr("None"), -1);
  int trainDefault = -1, valDefault = 0;
  for (std::size_t i = 0; i < p->datasets.size(); ++i) {
    const auto& d = p->datasets[i];
    train_->addItem(dataset_label(d), static_cast<int>(i));
    val_->addItem(dataset_label(d), static_cast<int>(i));
    if (trainDefault < 0 && d.split == "train") trainDefault = train_->count() - 1;
    // The test split stays held out for evaluation: never the default here.
    if (valDefault == 0 && d.split == "val") valDefault = val_->count() - 1;
  }
  train_->setCurrentIndex(std::max(0, trainDefault));
  val_->setCurrentIndex(valDefault);
  validate();
}

void DataPage::validate() {
  findings_->clear();
  hasErrors_ = true;
  const project::Project* p = wiz()->project();
  const int t = train_->currentData().toInt();
  if (train_->count() == 0 || t < 0) {
    verdict_->setText(tr("<b>The project has no datasets.</b> Import one in the dataset editor first."));
    wiz()->setTrainingExamples(-1);
    Q_EMIT completeChanged();
    return;
  }
  std::optional<text::TokenizerTokenCounter> counter;
  if (const text::Tokenizer* tok = wiz()->tokenizer()) counter.emplace(*tok);
  data::ValidationOptions options;
  options.target = data::Target::Local;
  options.max_tokens = static_cast<std::size_t>(config().max_seq_len);
  if (counter) options.tokens = &*counter;

  QStringList parts;
  std::size_t errors = 0, warnings = 0;
  auto check = [&](int index, const QString& role) -> std::size_t {
    const auto& d = p->datasets[static_cast<std::size_t>(index)];
    const std::string path = p->resolve(d.path);
    try {
      const data::ValidationReport r = data::validate_file_report(path, options);
      const auto counts = data::count_findings(r.findings);
      errors += counts.errors;
      warnings += counts.warnings;
      for (const auto& f : r.findings) {
        auto* item = new QListWidgetItem(QStringLiteral("%1: %2").arg(role, QString::fromStdString(data::format_finding(f))));
        item->setForeground(f.severity == data::Severity::Error ? QColor(0xb3, 0x26, 0x1e)
                            : f.severity == data::Severity::Warning ? QColor(0x8a, 0x53, 0x00)
                                                                    : palette().color(QPalette::Text));
        findings_->addItem(item);
      }
      parts << tr("%1: %2 examples").arg(role).arg(r.examples);
      return r.examples;
    } catch (const std::exception& e) {
      ++errors;
      findings_->addItem(QStringLiteral("%1: %2").arg(role, QString::fromUtf8(e.what())));
      return 0;
    }
  };
  const std::size_t n = check(t, tr("training"));
  wiz()->setTrainingExamples(static_cast<std::int64_t>(n));
  const int v = val_->currentData().toInt();
  QString note;
  if (v >= 0) {
    if (v == t) note = tr("<br>The validation data is the training data: its loss will not show overfitting.");
    if (p->datasets[static_cast<std::size_t>(v)].split == "test")
      note += tr("<br>This is the test split: keep it held out for the evaluation, or the scores will flatter the model.");
    check(v, tr("validation"));
  } else {
    note = tr("<br>Without validation data, overfitting cannot be seen during training.");
  }
  hasErrors_ = errors > 0;
  const QString counts = tr("%1 errors, %2 warnings").arg(errors).arg(warnings);
  verdict_->setText(hasErrors_ ? tr("<span style='color:#b3261e'><b>%1.</b> Fix the errors in the dataset editor to "
                                    "train on this data.</span><br>%2%3")
                                     .arg(counts, parts.join(QStringLiteral(", ")), note)
                               : tr("<b>Ready to train</b> (%1).<br>%2%3").arg(counts, parts.join(QStringLiteral(", ")), note));
  Q_EMIT completeChanged();
}

bool DataPage::isComplete() const { return !hasErrors_; }

bool DataPage::validatePage() {
  const project::Project* p = wiz()->project();
  config().train_files = {p->resolve(p->datasets[static_cast<std::size_t>(train_->currentData().toInt())].path)};
  const int v = val_->currentData().toInt();
  config().val_files.clear();
  if (v >= 0) config().val_files = {p->resolve(p->datasets[static_cast<std::size_t>(v)].path)};
  return true;
}

}  // namespace tunesmith::ui
