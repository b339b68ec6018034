#include "ui/training/training_hub.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>

#include <set>

#include "ui/main_window.h"
#include "ui/models/model_picker.h"
#include "ui/playground/playground.h"
#include "ui/training/run_view.h"
#include "ui/training/training_session.h"
#include "ui/training/training_wizard.h"

namespace tunesmith::ui {

namespace {

ProjectUpdater window_updater(MainWindow* window) {
  return [window](const ProjectChange& change, QString* error) { return window->updateProject(change, error); };
}

}  // namespace

TrainingHub::TrainingHub(MainWindow* window) : QObject(window), window_(window) {
  setObjectName(QStringLiteral("trainingHub"));
  QMenu* menu = window_->trainingMenu();
  newRunAction_ = menu->addAction(tr("&New Training Run…"), this, &TrainingHub::newTrainingRun);
  newRunAction_->setObjectName(QStringLiteral("actionNewTrainingRun"));
  newRunAction_->setShortcut(QKeySequence(tr("Ctrl+T")));
  QAction* play = menu->addAction(tr("&Playground"), this, [this] { window_->showPage(playground_); });
  play->setObjectName(QStringLiteral("actionPlayground"));
  play->setShortcut(QKeySequence(tr("Ctrl+Shift+P")));
  QAction* models = menu->addAction(tr("&Models"), this, [this] { window_->showPage(picker_); });
  models->setObjectName(QStringLiteral("actionModels"));

  picker_ = new ModelPicker;
  window_->addSidebarPage(SidebarGroup::Models, tr("Model Library"), picker_);
  playground_ = new Playground;
  window_->addSidebarPage(SidebarGroup::Models, tr("Playground"), playground_);

  progressLabel_ = new QLabel;
  progressLabel_->setObjectName(QStringLiteral("trainingProgressLabel"));
  progress_ = new QProgressBar;
  progress_->setObjectName(QStringLiteral("trainingProgress"));
  progress_->setMaximumWidth(160);
  progress_->setTextVisible(false);
  window_->statusBar()->addPermanentWidget(progressLabel_);
  window_->statusBar()->addPermanentWidget(progress_);
  progressLabel_->hide();
  progress_->hide();

  connect(window_, &MainWindow::projectChanged, this, &TrainingHub::syncProject);
  syncProject();
}

void TrainingHub::syncProject() {
  const project::Project* p = window_->project();
  picker_->setProject(p, p ? window_updater(window_) : ProjectUpdater());
  playground_->setProject(p);
  newRunAction_->setEnabled(p != nullptr);

  // One run view per run the project lists; views of runs no longer listed go, unless
  // they are training (their job keeps running until it ends).
  std::set<QString> listed;
  if (p)
    for (const std::string& r : p->runs) listed.insert(QDir::cleanPath(QString::fromStdString(p->resolve(r))));
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (listed.count(it->first) || (it->second->session() && it->second->session()->running())) {
      ++it;
    } else {
      window_->removeSidebarPage(it->second);
      it = runs_.erase(it);
    }
  }
  for (const QString& dir : listed)
    if (!runs_.count(dir)) addRun(dir);
  for (auto& [dir, view] : runs_) view->setProject(p);
}

RunView* TrainingHub::addRun(const QString& runDir) {
  auto* view = new RunView;
  view->setProject(window_->project());
  view->openRun(runDir);
  connect(view, &RunView::trainingStateChanged, this, &TrainingHub::onTrainingStateChanged);
  connect(view, &RunView::stepProgress, this, &TrainingHub::onStepProgress);
  runs_[runDir] = view;
  window_->addSidebarPage(SidebarGroup::Runs, QFileInfo(runDir).fileName(), view);
  return view;
}

RunView* TrainingHub::runView(const QString& runDir) const {
  const auto it = runs_.find(QDir::cleanPath(runDir));
  return it == runs_.end() ? nullptr : it->second;
}

void TrainingHub::newTrainingRun() {
  const project::Project* p = window_->project();
  if (!p) return;
  TrainingWizard wizard(p, window_updater(window_), window_);
  if (wizard.exec() != QDialog::Accepted) return;
  // updateProject emitted projectChanged: the run's view exists now.
  const QString dir = QDir::cleanPath(QString::fromStdString(wizard.config().out_dir));
  RunView* view = runView(dir);
  if (!view) view = addRun(dir);
  QString error;
  if (!view->startTraining(wizard.config(), {}, &error)) {
    QMessageBox::warning(window_, tr("Cannot Start Training"), error);
    return;
  }
  window_->showPage(view);
}

void TrainingHub::onTrainingStateChanged(const QString& runDir, bool running) {
  progressLabel_->setVisible(running);
  progress_->setVisible(running);
  if (running) {
    progressLabel_->setText(tr("Training %1").arg(QFileInfo(runDir).fileName()));
    progress_->setRange(0, 0);  // busy until the first step says how many there are
  } else {
    window_->statusBar()->showMessage(tr("%1 stopped").arg(QFileInfo(runDir).fileName()), 5000);
    playground_->setProject(window_->project());  // a finished run's adapter is new
  }
}

void TrainingHub::onStepProgress(const QString& runDir, qint64 step, qint64 total) {
  if (total > 0) {
    progress_->setRange(0, static_cast<int>(total));
    progress_->setValue(static_cast<int>(step));
  }
  progressLabel_->setText(total > 0 ? tr("Training %1: step %2 of %3").arg(QFileInfo(runDir).fileName()).arg(step).arg(total)
                                    : tr("Training %1: step %2").arg(QFileInfo(runDir).fileName()).arg(step));
}

}  // namespace tunesmith::ui
