#include "ui/split_dialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/data/leakage.h"

namespace tunesmith::ui {

namespace {

// The near-duplicate threshold of the split and of the leakage check: the CLI's default.
constexpr double kNearThreshold = 0.8;

std::vector<data::Conversation> pick(const data::Dataset& d, const std::vector<std::size_t>& rows) {
  std::vector<data::Conversation> out;
  out.reserve(rows.size());
  for (std::size_t r : rows) out.push_back(d.examples[r]);
  return out;
}

}  // namespace

SplitDialog::SplitDialog(const data::Dataset& dataset, QWidget* parent) : QDialog(parent), dataset_(dataset) {
  setWindowTitle(tr("Split into Train and Test"));
  setObjectName(QStringLiteral("splitDialog"));
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  seed_ = new QSpinBox;
  seed_->setObjectName(QStringLiteral("seedBox"));
  seed_->setRange(0, 999999);
  seed_->setValue(42);
  seed_->setToolTip(tr("The same seed gives the same split, on every machine"));
  fraction_ = new QDoubleSpinBox;
  fraction_->setObjectName(QStringLiteral("testFractionBox"));
  fraction_->setRange(0.01, 0.9);
  fraction_->setSingleStep(0.05);
  fraction_->setDecimals(2);
  fraction_->setValue(0.2);
  form->addRow(tr("Seed:"), seed_);
  form->addRow(tr("Test fraction:"), fraction_);
  layout->addLayout(form);
  summary_ = new QLabel;
  summary_->setObjectName(QStringLiteral("splitSummary"));
  summary_->setWordWrap(true);
  leakage_ = new QLabel;
  leakage_->setObjectName(QStringLiteral("leakageResult"));
  leakage_->setWordWrap(true);
  layout->addWidget(summary_);
  layout->addWidget(leakage_);
  layout->addStretch(1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Write Files"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  connect(seed_, &QSpinBox::valueChanged, this, &SplitDialog::recompute);
  connect(fraction_, &QDoubleSpinBox::valueChanged, this, &SplitDialog::recompute);
  setMinimumWidth(480);
  recompute();
}

void SplitDialog::setSeed(int seed) { seed_->setValue(seed); }
void SplitDialog::setTestFraction(double fraction) { fraction_->setValue(fraction); }

void SplitDialog::recompute() {
  data::SplitOptions options;
  options.test = data::SplitSize{true, fraction_->value(), 0};
  options.seed = static_cast<std::uint64_t>(seed_->value());
  options.near_threshold = kNearThreshold;
  try {
    result_ = data::split_examples(dataset_.examples, options);
  } catch (const std::exception& e) {
    result_.reset();
    summary_->setText(QString::fromStdString(e.what()));
    leakage_->clear();
    return;
  }
  const QLocale l;
  summary_->setText(tr("%1 examples for training, %2 for testing; %3 groups of duplicates kept on one side.")
                        .arg(l.toString(qulonglong(result_->train.size())), l.toString(qulonglong(result_->test.size())),
                             l.toString(qulonglong(result_->groups))));
  // The check a reviewer would run on the two files, run here on the result.
  const auto pairs = data::find_leakage(pick(dataset_, result_->train), pick(dataset_, result_->test), kNearThreshold);
  leaks_ = pairs.size();
  leakage_->setText(leaks_ == 0 ? tr("Leakage check: no test example appears in training, exactly or %1% similar.")
                                      .arg(int(kNearThreshold * 100))
                                : tr("Leakage check: %1 test examples resemble training examples.").arg(leaks_));
}

std::pair<std::string, std::string> SplitDialog::writeFiles() const {
  const QFileInfo info(QString::fromStdString(dataset_.path));
  const QString base = info.absolutePath() + QLatin1Char('/') + info.completeBaseName();
  const std::string train = (base + QStringLiteral("-train.jsonl")).toStdString();
  const std::string test = (base + QStringLiteral("-test.jsonl")).toStdString();
  data::save_jsonl(train, pick(dataset_, result_->train));
  data::save_jsonl(test, pick(dataset_, result_->test));
  return {train, test};
}

}  // namespace tunesmith::ui
