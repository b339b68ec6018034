#pragma once
// The training wizard (QWizard): backend and device, base model, data and the
// validator's verdict, hyperparameters from a preset, every setting on an Advanced page,
// and an estimate of tokens, time and memory before anything is spent. Finishing
// creates the run folder under the project's runs/, registers it in tunesmith.json and
// leaves the run's TrainConfig in config() for the caller to start.
#include <QWizard>

#include <memory>
#include <optional>
#include <vector>

#include "core/data/finding.h"
#include "core/project/project.h"
#include "core/train/train_config.h"
#include "ui/models/project_updater.h"

namespace tunesmith::text {
class Tokenizer;
}

namespace tunesmith::ui {

class TrainingWizard final : public QWizard {
  Q_OBJECT

 public:
  enum PageId { BackendPageId, ModelPageId, DataPageId, HyperparametersPageId, AdvancedPageId, EstimatePageId };
  enum class Preset { Quick, Balanced, Thorough };

  // `project` (non-owning) must outlive the wizard; on finish the new run is added to it
  // through `updater` (which saves tunesmith.json).
  TrainingWizard(const project::Project* project, ProjectUpdater updater, QWidget* parent = nullptr);
  ~TrainingWizard() override;

  // The run to start; out_dir is the new run folder (set once the wizard is accepted).
  const train::TrainConfig& config() const { return config_; }
  train::TrainConfig& mutableConfig() { return config_; }
  const project::Project* project() const { return project_; }
  const ProjectUpdater& projectUpdater() const { return updater_; }

  // The settings of a preset applied to `config` (only the fields a preset owns).
  static void applyPreset(Preset preset, train::TrainConfig& config);

  // The tokenizer of the chosen model, loaded once per model (nullptr when it cannot be).
  const text::Tokenizer* tokenizer();
  // Number of training examples the data page found (-1 before).
  std::int64_t trainingExamples() const { return trainingExamples_; }
  void setTrainingExamples(std::int64_t n) { trainingExamples_ = n; }

  void accept() override;

 private:
  const project::Project* project_;
  ProjectUpdater updater_;
  train::TrainConfig config_;
  std::unique_ptr<text::Tokenizer> tokenizer_;
  std::string tokenizerDir_;
  std::int64_t trainingExamples_ = -1;
};

// "learning rate ... (catastrophic forgetting)" lines as an HTML list for a label.
QString warnings_html(const std::vector<std::string>& warnings);

}  // namespace tunesmith::ui
