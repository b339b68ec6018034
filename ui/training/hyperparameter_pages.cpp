// The wizard's settings: a preset with the few values most people change, and an
// Advanced page with every field of TrainConfig. Both show training_warnings() live.
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "core/train/lora.h"
#include "ui/training/wizard_pages.h"

namespace tunesmith::ui {

namespace {

QLabel* warnings_label(const char* name) {
  auto* l = new QLabel;
  l->setObjectName(QLatin1String(name));
  l->setWordWrap(true);
  l->setTextFormat(Qt::RichText);
  l->setStyleSheet(QStringLiteral("color:#8a5300"));
  return l;
}

// A spin box for rates like 2e-4: scientific steps (x2 / ÷2) read better than decimals.
class RateSpinBox final : public QDoubleSpinBox {
 public:
  RateSpinBox() {
    setDecimals(10);
    setRange(1e-8, 1.0);
  }
  QString textFromValue(double v) const override { return QString::number(v, 'g', 3); }
  double valueFromText(const QString& text) const override { return text.toDouble(); }
  QValidator::State validate(QString& text, int&) const override {
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (text.isEmpty() || text.endsWith(QLatin1Char('e')) || text.endsWith(QLatin1String("e-"))) return QValidator::Intermediate;
    return ok && v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
  }
  void stepBy(int steps) override { setValue(value() * std::pow(2.0, steps)); }
};

}  // namespace

// ---------------------------------------------------------------- hyperparameters

HyperparametersPage::HyperparametersPage(QWidget* parent) : WizardPage(parent) {
  setTitle(tr("Training Settings"));
  setSubTitle(tr("Start from a preset; the values below can be changed."));
  presets_ = new QButtonGroup(this);
  auto* presetBox = new QGroupBox(tr("Preset"));
  auto* presetLayout = new QVBoxLayout(presetBox);
  const struct {
    TrainingWizard::Preset preset;
    const char* name;
    QString title, note;
  } presets[] = {
      {TrainingWizard::Preset::Quick, "presetQuick", tr("Quick"),
       tr("One pass, a small adapter on the attention: a first look in minutes.")},
      {TrainingWizard::Preset::Balanced, "presetBalanced", tr("Balanced"),
       tr("The fine-tuning guide's defaults: 3 epochs, rank 16 on every projection.")},
      {TrainingWizard::Preset::Thorough, "presetThorough", tr("Thorough"),
       tr("A larger adapter at a gentler rate, validated every 20 steps, stopping when it stops improving.")},
  };
  for (const auto& p : presets) {
    auto* button = new QRadioButton(p.title);
    button->setObjectName(QLatin1String(p.name));
    presets_->addButton(button, static_cast<int>(p.preset));
    auto* note = new QLabel(p.note);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    note->setContentsMargins(24, 0, 0, 4);
    presetLayout->addWidget(button);
    presetLayout->addWidget(note);
  }
  presets_->button(static_cast<int>(TrainingWizard::Preset::Balanced))->setChecked(true);
  connect(presets_, &QButtonGroup::idClicked, this,
          [this](int id) { applyPreset(static_cast<TrainingWizard::Preset>(id)); });

  epochs_ = new QSpinBox;
  epochs_->setObjectName(QStringLiteral("epochs"));
  epochs_->setRange(1, 100);
  lr_ = new RateSpinBox;
  lr_->setObjectName(QStringLiteral("learningRate"));
  rank_ = new QSpinBox;
  rank_->setObjectName(QStringLiteral("loraRank"));
  rank_->setRange(1, 512);
  seqLen_ = new QSpinBox;
  seqLen_->setObjectName(QStringLiteral("maxSeqLen"));
  seqLen_->setRange(16, 131072);
  seqLen_->setSingleStep(128);
  seqLen_->setSuffix(tr(" tokens"));
  auto* form = new QFormLayout;
  form->addRow(tr("Epochs:"), epochs_);
  form->addRow(tr("Learning rate:"), lr_);
  form->addRow(tr("LoRA rank:"), rank_);
  form->addRow(tr("Longest example:"), seqLen_);
  for (QSpinBox* s : {epochs_, rank_, seqLen_}) connect(s, &QSpinBox::valueChanged, this, [this] { readFields(); });
  connect(lr_, &QDoubleSpinBox::valueChanged, this, [this] { readFields(); });

  advanced_ = new QCheckBox(tr("Review every setting on the next page (Advanced)"));
  advanced_->setObjectName(QStringLiteral("showAdvanced"));
  warnings_ = warnings_label("hyperparameterWarnings");

  auto* top = new QHBoxLayout;
  top->addWidget(presetBox, 3);
  top->addLayout(form, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(advanced_);
  layout->addWidget(warnings_);
  layout->addStretch(1);
}

void HyperparametersPage::initializePage() {
  loadFields();
  updateWarnings();
}

void HyperparametersPage::applyPreset(TrainingWizard::Preset preset) {
  TrainingWizard::applyPreset(preset, config());
  loadFields();
  updateWarnings();
}

void HyperparametersPage::loadFields() {
  loading_ = true;
  epochs_->setValue(static_cast<int>(config().epochs));
  lr_->setValue(config().lr);
  rank_->setValue(static_cast<int>(config().lora_r));
  seqLen_->setValue(static_cast<int>(config().max_seq_len));
  loading_ = false;
}

void HyperparametersPage::readFields() {
  if (loading_) return;
  config().epochs = epochs_->value();
  config().lr = lr_->value();
  // alpha follows rank (alpha = 2 r) unless the Advanced page set another ratio.
  const double ratio = config().lora_r > 0 ? config().lora_alpha / static_cast<double>(config().lora_r) : 2.0;
  config().lora_r = rank_->value();
  config().lora_alpha = ratio * static_cast<double>(config().lora_r);
  config().max_seq_len = seqLen_->value();
  updateWarnings();
}

void HyperparametersPage::updateWarnings() {
  warnings_->setText(warnings_html(train::training_warnings(config(), wiz() ? wiz()->trainingExamples() : -1)));
}

bool HyperparametersPage::validatePage() {
  readFields();
  return true;
}

int HyperparametersPage::nextId() const {
  return advanced_->isChecked() ? TrainingWizard::AdvancedPageId : TrainingWizard::EstimatePageId;
}

// ---------------------------------------------------------------- advanced

AdvancedPage::AdvancedPage(QWidget* parent) : WizardPage(parent) {
  setTitle(tr("Advanced Settings"));
  setSubTitle(tr("Every setting of the run, as its config.json will record it."));
  auto* content = new QWidget;
  auto* columns = new QHBoxLayout(content);
  auto* left = new QVBoxLayout;
  auto* right = new QVBoxLayout;
  columns->addLayout(left, 1);
  columns->addLayout(right, 1);

  auto group = [](QVBoxLayout* column, const QString& title) {
    auto* box = new QGroupBox(title);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    column->addWidget(box);
    return form;
  };
  auto changed = [this] {
    if (loading_) return;
    read();
    updateWarnings();
  };
  using C = train::TrainConfig;
  auto int_field = [&](QFormLayout* form, const QString& label, const char* name, std::int64_t C::*field,
                       int min, int max, const QString& special = {}) {
    auto* s = new QSpinBox;
    s->setObjectName(QLatin1String(name));
    s->setRange(min, max);
    if (!special.isEmpty()) s->setSpecialValueText(special);
    form->addRow(label, s);
    loaders_.push_back([this, s, field] { s->setValue(static_cast<int>(config().*field)); });
    readers_.push_back([this, s, field] { config().*field = s->value(); });
    connect(s, &QSpinBox::valueChanged, this, changed);
    return s;
  };
  auto double_field = [&](QFormLayout* form, const QString& label, const char* name, double C::*field, double min,
                          double max, int decimals, double step) {
    auto* s = new QDoubleSpinBox;
    s->setObjectName(QLatin1String(name));
    s->setRange(min, max);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    form->addRow(label, s);
    loaders_.push_back([this, s, field] { s->setValue(config().*field); });
    readers_.push_back([this, s, field] { config().*field = s->value(); });
    connect(s, &QDoubleSpinBox::valueChanged, this, changed);
    return s;
  };
  auto bool_field = [&](QFormLayout* form, const QString& text, const char* name, bool C::*field) {
    auto* b = new QCheckBox(text);
    b->setObjectName(QLatin1String(name));
    form->addRow(QString(), b);
    loaders_.push_back([this, b, field] { b->setChecked(config().*field); });
    readers_.push_back([this, b, field] { config().*field = b->isChecked(); });
    connect(b, &QCheckBox::toggled, this, changed);
    return b;
  };
  // A combo over an enum: items carry the names the JSON uses, parsed back on read.
  auto enum_field = [&](QFormLayout* form, const QString& label, const char* name, const QStringList& values,
                        std::function<QString()> get, std::function<void(const QString&)> set) {
    auto* c = new QComboBox;
    c->setObjectName(QLatin1String(name));
    for (const QString& v : values) c->addItem(v, v);
    form->addRow(label, c);
    loaders_.push_back([c, get] { c->setCurrentIndex(std::max(0, c->findData(get()))); });
    readers_.push_back([c, set] { set(c->currentData().toString()); });
    connect(c, &QComboBox::currentIndexChanged, this, changed);
    return c;
  };

  // Inputs: set on the earlier pages, shown for the record.
  QFormLayout* inputs = group(left, tr("Inputs"));
  auto* inputLabel = new QLabel;
  inputLabel->setObjectName(QStringLiteral("advancedInputs"));
  inputLabel->setWordWrap(true);
  inputLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  inputs->addRow(inputLabel);
  loaders_.push_back([this, inputLabel] {
    QStringList lines;
    lines << tr("Model: %1").arg(QString::fromStdString(config().model_dir));
    for (const auto& f : config().train_files) lines << tr("Training: %1").arg(QString::fromStdString(f));
    for (const auto& f : config().val_files) lines << tr("Validation: %1").arg(QString::fromStdString(f));
    lines << tr("Data kind: %1").arg(QString::fromLatin1(train::data_kind_name(config().data_kind)));
    inputLabel->setText(lines.join(QLatin1Char('\n')));
  });
  auto* templ = new QLineEdit;
  templ->setObjectName(QStringLiteral("chatTemplate"));
  templ->setPlaceholderText(tr("the model's own"));
  templ->setToolTip(tr("chatml, llama3, mistral, or the path of a Jinja file"));
  inputs->addRow(tr("Chat template:"), templ);
  loaders_.push_back([this, templ] { templ->setText(QString::fromStdString(config().chat_template)); });
  readers_.push_back([this, templ] { config().chat_template = templ->text().trimmed().toStdString(); });
  connect(templ, &QLineEdit::textChanged, this, changed);
  enum_field(inputs, tr("Train:"), "trainable", {QStringLiteral("lora"), QStringLiteral("full")},
             [this] { return QString::fromLatin1(train::trainable_name(config().trainable)); },
             [this](const QString& v) { config().trainable = train::parse_trainable(v.toStdString()); });
  enum_field(inputs, tr("Device:"), "advancedDevice", {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")},
             [this] { return QString::fromStdString(config().device); },
             [this](const QString& v) { config().device = v.toStdString(); });

  QFormLayout* length = group(left, tr("Length"));
  int_field(length, tr("Epochs:"), "advancedEpochs", &C::epochs, 1, 1000);
  int_field(length, tr("Max steps:"), "maxSteps", &C::max_steps, 0, 10'000'000, tr("none (use epochs)"));

  QFormLayout* opt = group(left, tr("Optimizer (AdamW)"));
  {
    auto* lr = new RateSpinBox;
    lr->setObjectName(QStringLiteral("advancedLr"));
    opt->addRow(tr("Learning rate:"), lr);
    loaders_.push_back([this, lr] { lr->setValue(config().lr); });
    readers_.push_back([this, lr] { config().lr = lr->value(); });
    connect(lr, &QDoubleSpinBox::valueChanged, this, changed);
  }
  double_field(opt, tr("Weight decay:"), "weightDecay", &C::weight_decay, 0, 1, 3, 0.01);
  double_field(opt, tr("Clip gradient norm at:"), "maxGradNorm", &C::max_grad_norm, 0, 100, 2, 0.1);
  enum_field(opt, tr("Schedule:"), "schedule", {QStringLiteral("constant"), QStringLiteral("linear"), QStringLiteral("cosine")},
             [this] { return QString::fromLatin1(train::schedule_name(config().schedule)); },
             [this](const QString& v) { config().schedule = train::parse_schedule(v.toStdString()); });
  double_field(opt, tr("Warmup ratio:"), "warmupRatio", &C::warmup_ratio, 0, 0.5, 3, 0.01);
  int_field(opt, tr("Warmup steps:"), "warmupSteps", &C::warmup_steps, 0, 1'000'000, tr("from the ratio"));

  QFormLayout* lora = group(right, tr("LoRA"));
  int_field(lora, tr("Rank (r):"), "advancedRank", &C::lora_r, 1, 1024);
  double_field(lora, tr("Alpha:"), "loraAlpha", &C::lora_alpha, 0.1, 4096, 1, 1);
  double_field(lora, tr("Dropout:"), "loraDropout", &C::lora_dropout, 0, 0.99, 2, 0.05);
  bool_field(lora, tr("rsLoRA scaling (alpha / √r)"), "loraRslora", &C::lora_rslora);
  std::vector<QCheckBox*> boxes;
  for (const std::string& t : train::all_linear_targets()) {
    auto* b = new QCheckBox(QString::fromStdString(t));
    b->setObjectName(QStringLiteral("target_%1").arg(QString::fromStdString(t)));
    boxes.push_back(b);
    connect(b, &QCheckBox::toggled, this, changed);
  }
  auto* targetLayout = new QVBoxLayout;
  auto* row1 = new QHBoxLayout;
  auto* row2 = new QHBoxLayout;
  for (std::size_t i = 0; i < boxes.size(); ++i) (i < 4 ? row1 : row2)->addWidget(boxes[i]);
  row1->addStretch(1);
  row2->addStretch(1);
  targetLayout->addLayout(row1);
  targetLayout->addLayout(row2);
  lora->addRow(tr("Projections:"), targetLayout);
  loaders_.push_back([this, boxes] {
    for (QCheckBox* b : boxes)
      b->setChecked(std::find(config().lora_targets.begin(), config().lora_targets.end(), b->text().toStdString()) !=
                    config().lora_targets.end());
  });
  readers_.push_back([this, boxes] {
    config().lora_targets.clear();
    for (QCheckBox* b : boxes)
      if (b->isChecked()) config().lora_targets.push_back(b->text().toStdString());
  });

  QFormLayout* batch = group(right, tr("Batches"));
  int_field(batch, tr("Batch size:"), "batchSize", &C::batch_size, 1, 4096);
  int_field(batch, tr("Gradient accumulation:"), "gradAccum", &C::grad_accum, 1, 4096);
  int_field(batch, tr("Tokens per batch:"), "maxBatchTokens", &C::max_batch_tokens, 0, 10'000'000, tr("batch size × length"));
  int_field(batch, tr("Longest example:"), "advancedSeqLen", &C::max_seq_len, 16, 131072);
  enum_field(batch, tr("Longer examples:"), "longExamples", {QStringLiteral("truncate-left"), QStringLiteral("skip")},
             [this] { return QString::fromLatin1(train::policy_name(config().long_examples)); },
             [this](const QString& v) { config().long_examples = train::parse_policy(v.toStdString()); });
  bool_field(batch, tr("Pack several examples per row"), "packing", &C::packing);

  QFormLayout* run = group(right, tr("Run"));
  {
    auto* seed = new QSpinBox;
    seed->setObjectName(QStringLiteral("seed"));
    seed->setRange(0, std::numeric_limits<int>::max());
    run->addRow(tr("Seed:"), seed);
    loaders_.push_back([this, seed] { seed->setValue(static_cast<int>(config().seed)); });
    readers_.push_back([this, seed] { config().seed = static_cast<std::uint64_t>(seed->value()); });
    connect(seed, &QSpinBox::valueChanged, this, changed);
    auto* threads = new QSpinBox;
    threads->setObjectName(QStringLiteral("threads"));
    threads->setRange(0, 1024);
    threads->setSpecialValueText(tr("all cores but one"));
    run->addRow(tr("CPU threads:"), threads);
    loaders_.push_back([this, threads] { threads->setValue(config().threads); });
    readers_.push_back([this, threads] { config().threads = threads->value(); });
    connect(threads, &QSpinBox::valueChanged, this, changed);
    auto* splitSeed = new QSpinBox;
    splitSeed->setObjectName(QStringLiteral("splitSeed"));
    splitSeed->setRange(-1, std::numeric_limits<int>::max());
    splitSeed->setSpecialValueText(tr("not recorded"));
    splitSeed->setToolTip(tr("The seed the data was split with, recorded in the run's provenance"));
    run->addRow(tr("Split seed:"), splitSeed);
    loaders_.push_back([this, splitSeed] { splitSeed->setValue(config().split_seed ? static_cast<int>(*config().split_seed) : -1); });
    readers_.push_back([this, splitSeed] {
      config().split_seed = splitSeed->value() < 0 ? std::nullopt : std::optional<std::int64_t>(splitSeed->value());
    });
    connect(splitSeed, &QSpinBox::valueChanged, this, changed);
  }
  int_field(run, tr("Checkpoint every:"), "saveSteps", &C::save_steps, 0, 1'000'000, tr("only at the end"))->setSuffix(tr(" steps"));
  int_field(run, tr("Validate every:"), "evalSteps", &C::eval_steps, 0, 1'000'000, tr("only at the end"))->setSuffix(tr(" steps"));
  int_field(run, tr("Early stopping patience:"), "earlyStopping", &C::early_stopping_patience, 0, 1000, tr("never stop early"));

  left->addStretch(1);
  right->addStretch(1);
  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  warnings_ = warnings_label("advancedWarnings");
  error_ = new QLabel;
  error_->setObjectName(QStringLiteral("advancedError"));
  error_->setWordWrap(true);
  error_->setStyleSheet(QStringLiteral("color:#b3261e"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(scroll, 1);
  layout->addWidget(error_);
  layout->addWidget(warnings_);
}

void AdvancedPage::initializePage() {
  loading_ = true;
  for (auto& load : loaders_) load();
  loading_ = false;
  error_->clear();
  updateWarnings();
}

void AdvancedPage::read() {
  for (auto& r : readers_) r();
}

void AdvancedPage::updateWarnings() {
  warnings_->setText(warnings_html(train::training_warnings(config(), wiz()->trainingExamples())));
}

bool AdvancedPage::validatePage() {
  read();
  try {
    // The same range checks the trainer applies, before anything is created. Files and
    // the run folder are checked by the trainer itself; a placeholder out_dir stands in.
    train::TrainConfig probe = config();
    if (probe.out_dir.empty()) probe.out_dir = "run";
    probe.validate();
  } catch (const std::exception& e) {
    error_->setText(QString::fromUtf8(e.what()));
    return false;
  }
  error_->clear();
  return true;
}

}  // namespace tunesmith::ui
