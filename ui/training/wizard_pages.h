#pragma once
// The pages of the training wizard (internal to ui/training). Each page reads and writes
// the wizard's TrainConfig; the wizard owns the state, pages own only widgets.
#include <QWizardPage>

#include <functional>
#include <vector>

#include "core/data/finding.h"
#include "ui/training/training_wizard.h"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QListWidget;
class QRadioButton;
class QSpinBox;

namespace tunesmith::ui {

class ModelPicker;

class WizardPage : public QWizardPage {
  Q_OBJECT

 public:
  using QWizardPage::QWizardPage;

 protected:
  TrainingWizard* wiz() const { return static_cast<TrainingWizard*>(wizard()); }
  train::TrainConfig& config() const { return wiz()->mutableConfig(); }
};

// Local (device auto/CPU/CUDA, what was detected) or OpenAI (its own wizard for now).
class BackendPage final : public WizardPage {
  Q_OBJECT

 public:
  explicit BackendPage(QWidget* parent = nullptr);
  bool validatePage() override;

 private:
  QRadioButton* local_ = nullptr;
  QRadioButton* openai_ = nullptr;
  QComboBox* device_ = nullptr;
  QLabel* detected_ = nullptr;
};

// The base model (the picker) and its chat template.
class ModelPage final : public WizardPage {
  Q_OBJECT

 public:
  explicit ModelPage(QWidget* parent = nullptr);
  void initializePage() override;
  bool isComplete() const override;
  bool validatePage() override;

 private:
  void updateTemplateChoice();
  ModelPicker* picker_ = nullptr;
  QComboBox* template_ = nullptr;
  QLabel* templateNote_ = nullptr;
};

// Training and validation data from the project, and the validator's verdict on them:
// errors block Next, warnings are shown.
class DataPage final : public WizardPage {
  Q_OBJECT

 public:
  explicit DataPage(QWidget* parent = nullptr);
  void initializePage() override;
  bool isComplete() const override;
  bool validatePage() override;

 private:
  void validate();
  QComboBox* train_ = nullptr;
  QComboBox* val_ = nullptr;
  QLabel* verdict_ = nullptr;
  QListWidget* findings_ = nullptr;
  bool hasErrors_ = true;
};

// Presets and the few settings most people change, with training_warnings() live.
class HyperparametersPage final : public WizardPage {
  Q_OBJECT

 public:
  explicit HyperparametersPage(QWidget* parent = nullptr);
  void initializePage() override;
  bool validatePage() override;
  int nextId() const override;

 private:
  void applyPreset(TrainingWizard::Preset preset);
  void loadFields();
  void readFields();
  void updateWarnings();
  QButtonGroup* presets_ = nullptr;
  QSpinBox* epochs_ = nullptr;
  QDoubleSpinBox* lr_ = nullptr;
  QSpinBox* rank_ = nullptr;
  QSpinBox* seqLen_ = nullptr;
  QCheckBox* advanced_ = nullptr;
  QLabel* warnings_ = nullptr;
  bool loading_ = false;
};

// Every TrainConfig field.
class AdvancedPage final : public WizardPage {
  Q_OBJECT

 public:
  explicit AdvancedPage(QWidget* parent = nullptr);
  void initializePage() override;
  bool validatePage() override;

 private:
  void read();
  void updateWarnings();
  // Each field: how to load it from the config and how to store it back.
  std::vector<std::function<void()>> loaders_;
  std::vector<std::function<void()>> readers_;
  QLabel* warnings_ = nullptr;
  QLabel* error_ = nullptr;
  bool loading_ = false;
};

// Tokens, steps, time and memory before anything is spent; the baseline suggestion.
class EstimatePage final : public WizardPage {
  Q_OBJECT

 public:
  explicit EstimatePage(QWidget* parent = nullptr);
  void initializePage() override;
  // The trainer's own range checks, before the run folder is created.
  bool validatePage() override;

 private:
  QLabel* error_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* estimate_ = nullptr;
  QLabel* baseline_ = nullptr;
  QLabel* warnings_ = nullptr;
};

}  // namespace tunesmith::ui
