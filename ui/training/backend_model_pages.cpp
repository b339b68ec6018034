// The wizard's first two pages: where to train, and which base model.
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QRadioButton>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

#include <exception>

#include "core/model/device.h"
#include "core/text/chat_template.h"
#include "ui/models/model_picker.h"
#include "ui/training/training_session.h"
#include "ui/training/wizard_pages.h"

namespace tunesmith::ui {

BackendPage::BackendPage(QWidget* parent) : WizardPage(parent) {
  setTitle(tr("Where to Train"));
  setSubTitle(tr("Train on this computer, or with a provider's fine-tuning service."));
  local_ = new QRadioButton(tr("On this computer (LoRA adapter on a local model)"));
  local_->setObjectName(QStringLiteral("backendLocal"));
  local_->setChecked(true);
  openai_ = new QRadioButton(tr("OpenAI fine-tuning"));
  openai_->setObjectName(QStringLiteral("backendOpenAI"));
  openai_->setEnabled(false);
  auto* openaiNote = new QLabel(tr("Fine-tuning on OpenAI is in the OpenAI wizard for now."));
  openaiNote->setForegroundRole(QPalette::PlaceholderText);
  openaiNote->setContentsMargins(24, 0, 0, 0);

  device_ = new QComboBox;
  device_->setObjectName(QStringLiteral("deviceChoice"));
  device_->addItem(tr("Automatic"), QStringLiteral("auto"));
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
  detected_ = new QLabel;
  detected_->setObjectName(QStringLiteral("detectedDevice"));
  detected_->setWordWrap(true);

  const int threads = TrainingSession::training_threads();
  QString detected;
  try {
    detected = tr("Automatic uses %1.").arg(QString::fromStdString(model::describe(model::select_device("auto"))));
  } catch (const std::exception& e) {
    detected = QString::fromUtf8(e.what());
  }
  if (!model::cuda_available()) {
    // A disabled entry says why better than a missing one.
    if (auto* m = qobject_cast<QStandardItemModel*>(device_->model())) m->item(2)->setEnabled(false);
    detected += QLatin1Char(' ') + tr("No usable CUDA GPU was found (or this build of libtorch has no CUDA).");
  }
  detected += QLatin1Char(' ') + tr("On the CPU, training uses %1 of %2 cores and leaves one to the app.")
                                     .arg(threads)
                                     .arg(QThread::idealThreadCount());

  auto* form = new QFormLayout;
  form->addRow(tr("Device:"), device_);
  form->addRow(QString(), detected_);
  detected_->setText(detected);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(local_);
  layout->addLayout(form);
  layout->addSpacing(12);
  layout->addWidget(openai_);
  layout->addWidget(openaiNote);
  layout->addStretch(1);
}

bool BackendPage::validatePage() {
  config().device = device_->currentData().toString().toStdString();
  return true;
}

ModelPage::ModelPage(QWidget* parent) : WizardPage(parent) {
  setTitle(tr("Base Model"));
  setSubTitle(tr("The model to fine-tune. Each folder is checked as a load would check it."));
  picker_ = new ModelPicker;
  template_ = new QComboBox;
  template_->setObjectName(QStringLiteral("chatTemplateChoice"));
  templateNote_ = new QLabel;
  templateNote_->setWordWrap(true);
  templateNote_->setForegroundRole(QPalette::PlaceholderText);
  connect(picker_, &ModelPicker::currentModelChanged, this, [this] {
    updateTemplateChoice();
    Q_EMIT completeChanged();
  });
  auto* form = new QFormLayout;
  form->addRow(tr("Chat template:"), template_);
  form->addRow(QString(), templateNote_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(picker_, 1);
  layout->addLayout(form);
}

void ModelPage::initializePage() {
  picker_->setProject(wiz()->project(), wiz()->projectUpdater());
  if (!config().model_dir.empty()) picker_->selectPath(QString::fromStdString(config().model_dir));
  updateTemplateChoice();
}

void ModelPage::updateTemplateChoice() {
  const auto& d = picker_->currentDetails();
  const bool own = d && d->has_chat_template;
  const QString keep = template_->currentData().toString();
  template_->clear();
  if (own) template_->addItem(tr("The model's own"), QString());
  for (const std::string& name : text::builtin_template_names())
    template_->addItem(tr("Built-in: %1").arg(QString::fromStdString(name)), QString::fromStdString(name));
  const int at = template_->findData(keep);
  template_->setCurrentIndex(at >= 0 ? at : 0);
  templateNote_->setText(own ? tr("Training renders every example with this template; chat with the same one.")
                             : tr("This model has no chat template of its own: pick the one to train it with."));
}

bool ModelPage::isComplete() const { return picker_->currentValid(); }

bool ModelPage::validatePage() {
  config().model_dir = picker_->currentPath().toStdString();
  config().chat_template = template_->currentData().toString().toStdString();
  return true;
}

}  // namespace tunesmith::ui
