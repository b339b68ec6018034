#pragma once
// The model picker: every base model the app knows (model_catalog.h) in one list, and a
// details pane for the selected one, validated on selection: architecture, parameters,
// dtype, tokenizer, chat template and estimated memory, or the error that makes the
// folder unusable.
#include <QWidget>

#include <optional>
#include <vector>

#include "core/project/project.h"
#include "ui/models/model_catalog.h"
#include "ui/models/project_updater.h"

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace tunesmith::ui {

class ModelPicker final : public QWidget {
  Q_OBJECT

 public:
  explicit ModelPicker(QWidget* parent = nullptr);

  // Non-owning. "Add Folder…" appends to the project's models through `updater`
  // (without one, the button is disabled).
  void setProject(const project::Project* project, ProjectUpdater updater = {});
  // The Hugging Face hub folder to list (default: huggingface_hub_dir()); "" lists none.
  void setHubDir(const QString& dir);
  void refresh();

  // Selects the entry with that folder; false when it is not listed.
  bool selectPath(const QString& path);
  QString currentPath() const;
  // Set once an entry is selected; its `error` says whether it can be used.
  const std::optional<ModelDetails>& currentDetails() const { return details_; }
  bool currentValid() const { return details_ && !details_->error && details_->has_tokenizer; }

 public Q_SLOTS:
  // Adds a folder to the project's models (validated like any other) and selects it.
  void addFolder(const QString& folder);

 Q_SIGNALS:
  void currentModelChanged(const QString& path, bool valid);

 private:
  void onCurrentItemChanged(QTreeWidgetItem* current);
  void showDetails();
  void chooseFolder();

  const project::Project* project_ = nullptr;
  ProjectUpdater updater_;
  QString hubDir_;
  std::vector<ModelEntry> entries_;
  std::optional<ModelDetails> details_;

  QTreeWidget* list_ = nullptr;
  QPushButton* addButton_ = nullptr;
  QLabel* details_label_ = nullptr;
};

}  // namespace tunesmith::ui
