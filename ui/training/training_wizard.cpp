#include "ui/training/training_wizard.h"

#include <QDateTime>
#include <QDir>
#include <QMessageBox>

#include <exception>
#include <filesystem>

#include "core/text/tokenizer.h"
#include "ui/training/wizard_pages.h"

namespace tunesmith::ui {

QString warnings_html(const std::vector<std::string>& warnings) {
  if (warnings.empty()) return {};
  QString html = QStringLiteral("<p style='margin:0'><b>%1</b></p><ul style='margin-top:2px'>")
                     .arg(TrainingWizard::tr("Warnings"));
  for (const auto& w : warnings) html += QStringLiteral("<li>%1</li>").arg(QString::fromStdString(w).toHtmlEscaped());
  return html + QStringLiteral("</ul>");
}

TrainingWizard::TrainingWizard(const project::Project* project, ProjectUpdater updater, QWidget* parent)
    : QWizard(parent), project_(project), updater_(std::move(updater)) {
  setObjectName(QStringLiteral("trainingWizard"));
  setWindowTitle(tr("Train a Model"));
  setWizardStyle(QWizard::ClassicStyle);  // the same look on every platform and in screenshots
  setOption(QWizard::NoBackButtonOnStartPage);
  setButtonText(QWizard::FinishButton, tr("Start Training"));
  applyPreset(Preset::Balanced, config_);
  setPage(BackendPageId, new BackendPage);
  setPage(ModelPageId, new ModelPage);
  setPage(DataPageId, new DataPage);
  setPage(HyperparametersPageId, new HyperparametersPage);
  setPage(AdvancedPageId, new AdvancedPage);
  setPage(EstimatePageId, new EstimatePage);
  setStartId(BackendPageId);
  resize(860, 640);
}

TrainingWizard::~TrainingWizard() = default;

void TrainingWizard::applyPreset(Preset preset, train::TrainConfig& c) {
  switch (preset) {
    case Preset::Quick:  // a first look in minutes: attention only, one pass, short context
      c.epochs = 1;
      c.max_steps = 0;
      c.lr = 3e-4;
      c.lora_r = 8;
      c.lora_alpha = 16;
      c.lora_targets = {"q_proj", "v_proj"};
      c.max_seq_len = 512;
      c.eval_steps = 0;
      c.early_stopping_patience = 0;
      break;
    case Preset::Balanced:  // the fine-tuning guide's defaults
      c.epochs = 3;
      c.max_steps = 0;
      c.lr = 2e-4;
      c.lora_r = 16;
      c.lora_alpha = 32;
      c.lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
      c.max_seq_len = 1024;
      c.eval_steps = 0;
      c.early_stopping_patience = 0;
      break;
    case Preset::Thorough:  // more capacity, a gentler rate, watched by validation
      c.epochs = 3;
      c.max_steps = 0;
      c.lr = 1e-4;
      c.lora_r = 32;
      c.lora_alpha = 64;
      c.lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
      c.max_seq_len = 2048;
      c.eval_steps = 20;
      // Early stopping watches the validation loss: only with validation data.
      c.early_stopping_patience = c.val_files.empty() ? 0 : 3;
      break;
  }
}

const text::Tokenizer* TrainingWizard::tokenizer() {
  if (tokenizerDir_ != config_.model_dir) {
    tokenizer_.reset();
    tokenizerDir_ = config_.model_dir;
    try {
      tokenizer_ = std::make_unique<text::Tokenizer>(text::Tokenizer::from_dir(config_.model_dir));
    } catch (const std::exception&) {
      // The model page already said why; estimates fall back to the byte heuristic.
    }
  }
  return tokenizer_.get();
}

void TrainingWizard::accept() {
  namespace fs = std::filesystem;
  // runs/20261124-023512-demo: sortable by time, the model named for humans.
  const QString model = QDir(QString::fromStdString(config_.model_dir)).dirName();
  const QString base = QStringLiteral("runs/%1-%2").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")), model);
  QString relative = base;
  for (int n = 2; fs::exists(project_->resolve(relative.toStdString())); ++n) relative = QStringLiteral("%1-%2").arg(base).arg(n);
  const std::string dir = project_->resolve(relative.toStdString());
  QString error;
  try {
    fs::create_directories(dir);
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  const std::string stored = relative.toStdString();
  if (error.isEmpty() && !updater_([&stored](project::Project& p) { p.runs.push_back(stored); }, &error)) {
    std::error_code ignored;
    fs::remove(dir, ignored);  // still empty: nothing of the user's is lost
  }
  if (!error.isEmpty()) {
    QMessageBox::warning(this, tr("Cannot Create the Run"), error);
    return;
  }
  config_.out_dir = fs::absolute(dir).lexically_normal().string();
  QWizard::accept();
}

}  // namespace tunesmith::ui
