#pragma once
// Puts the training side into the main window (through its seams: sidebar pages, the
// Training menu, updateProject, the status bar): a Models page (the picker), one run
// view per run the project lists, the Playground, "New Training Run…" (the wizard) and
// the live run's progress in the status bar. Part of tunesmith_ui (it knows MainWindow);
// created by MainWindow when TUNESMITH_HAVE_TRAINING is defined.
#include <QObject>
#include <QString>

#include <map>

class QAction;
class QLabel;
class QProgressBar;

namespace tunesmith::ui {

class MainWindow;
class ModelPicker;
class Playground;
class RunView;

class TrainingHub final : public QObject {
  Q_OBJECT

 public:
  explicit TrainingHub(MainWindow* window);

  // Runs the wizard; on finish the run is registered, its view shown and training started.
  void newTrainingRun();
  RunView* runView(const QString& runDir) const;
  Playground* playground() const { return playground_; }
  ModelPicker* modelPicker() const { return picker_; }

 private:
  void syncProject();
  RunView* addRun(const QString& runDir);
  void onTrainingStateChanged(const QString& runDir, bool running);
  void onStepProgress(const QString& runDir, qint64 step, qint64 total);

  MainWindow* window_;
  ModelPicker* picker_ = nullptr;
  Playground* playground_ = nullptr;
  std::map<QString, RunView*> runs_;  // run folder (absolute, clean) -> its page
  QAction* newRunAction_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* progressLabel_ = nullptr;
};

}  // namespace tunesmith::ui
