#pragma once
// The run view: one training run, live or from its folder. A chart of the training loss
// (raw and smoothed), validation loss and learning rate; step, tokens/s, ETA; the log;
// the run's provenance (config.json); Cancel, Resume (an interrupted run, from its newest
// checkpoint), Open Folder, Export Adapter, Export Merged Model; other runs of the
// project overlaid to compare curves.
#include <QWidget>

#include <memory>

#include "core/jobs/job.h"
#include "core/project/project.h"
#include "core/train/train_config.h"
#include "core/train/training_job.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
class QTreeWidget;

namespace tunesmith::ui {

class LossChart;
class TrainingSession;

class RunView final : public QWidget {
  Q_OBJECT

 public:
  explicit RunView(QWidget* parent = nullptr);
  ~RunView() override;

  // Non-owning; lists the project's other runs under Compare With.
  void setProject(const project::Project* project);

  // Shows a run folder's history (metrics.jsonl, log.txt, config.json). If this view's
  // training session belongs to that run, its live events keep coming.
  void openRun(const QString& runDir);
  QString runDir() const { return runDir_; }

  // Starts training `config` (its out_dir is the run folder) and shows it live.
  // False (and `error` set) when a run is already training here.
  bool startTraining(const train::TrainConfig& config, const train::TrainingOptions& options = {},
                     QString* error = nullptr);
  TrainingSession* session() const { return session_.get(); }
  LossChart* chart() const { return chart_; }

  // Another run's curves on the chart.
  bool addOverlay(const QString& runDir, QString* error = nullptr);

  // Blocking-free exports; exportFinished reports the outcome.
  void exportAdapter(const QString& outDir);
  void exportMergedModel(const QString& outDir);

 public Q_SLOTS:
  void cancel();
  void resume();
  void openFolder();

 Q_SIGNALS:
  // The session's state changed (started, ended): the main window shows it in the status bar.
  void trainingStateChanged(const QString& runDir, bool running);
  // After each optimizer step of the live run (total 0 when unknown).
  void stepProgress(const QString& runDir, qint64 step, qint64 total);
  void exportFinished(bool ok, const QString& message);

 private:
  void onEvent(const jobs::JobEvent& event);
  void onEnded(jobs::JobState state);
  void appendLog(const QString& level, const QString& message);
  void showProvenance();
  void updateButtons();
  void setState(const QString& text);
  void runExport(bool merged, const QString& outDir);
  void fillCompareMenu();
  bool live() const;

  const project::Project* project_ = nullptr;
  QString runDir_;
  std::unique_ptr<TrainingSession> session_;
  std::int64_t totalSteps_ = 0;
  bool exporting_ = false;

  QLabel* title_ = nullptr;
  QLabel* state_ = nullptr;
  QLabel* stepLabel_ = nullptr;
  QLabel* lossLabel_ = nullptr;
  QLabel* valLabel_ = nullptr;
  QLabel* lrLabel_ = nullptr;
  QLabel* speedLabel_ = nullptr;
  QLabel* etaLabel_ = nullptr;
  LossChart* chart_ = nullptr;
  QPlainTextEdit* log_ = nullptr;
  QTreeWidget* provenance_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QPushButton* resumeButton_ = nullptr;
  QPushButton* folderButton_ = nullptr;
  QToolButton* exportButton_ = nullptr;
  QToolButton* compareButton_ = nullptr;
};

}  // namespace tunesmith::ui
