#include "ui/training/run_view.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QThread>
#include <QToolButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>
#include <exception>
#include <fstream>

#include "core/data/json.h"
#include "ui/training/loss_chart.h"
#include "ui/training/run_export.h"
#include "ui/training/run_metrics.h"
#include "ui/training/training_session.h"

namespace tunesmith::ui {

namespace {

// "42 s", "3 min 05 s", "1 h 12 min".
QString duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
  const auto s = static_cast<qint64>(std::llround(seconds));
  if (s < 60) return QStringLiteral("%1 s").arg(s);
  if (s < 3600) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString run_name(const QString& dir) { return QFileInfo(QDir::cleanPath(dir)).fileName(); }

void add_json(QTreeWidgetItem* parent, const QString& key, const data::Json& value) {
  auto* item = new QTreeWidgetItem(parent, {key});
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) add_json(item, QString::fromStdString(it.key()), it.value());
  } else if (value.is_array() && !value.empty() && (value.front().is_object() || value.front().is_array())) {
    for (std::size_t i = 0; i < value.size(); ++i) add_json(item, QStringLiteral("[%1]").arg(i), value[i]);
  } else {
    item->setText(1, QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump()));
    item->setToolTip(1, item->text(1));
  }
}

// A value label beside its caption, as in a status strip.
QLabel* stat(QGridLayout* grid, int column, const QString& caption, const char* name) {
  auto* c = new QLabel(caption);
  c->setForegroundRole(QPalette::PlaceholderText);
  auto* v = new QLabel(QStringLiteral("–"));
  v->setObjectName(QLatin1String(name));
  QFont bold = v->font();
  bold.setBold(true);
  v->setFont(bold);
  grid->addWidget(c, 0, column);
  grid->addWidget(v, 1, column);
  return v;
}

}  // namespace

RunView::RunView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("runView"));
  title_ = new QLabel;
  title_->setObjectName(QStringLiteral("runTitle"));
  QFont big = title_->font();
  big.setBold(true);
  big.setPointSizeF(big.pointSizeF() * 1.25);
  title_->setFont(big);
  state_ = new QLabel;
  state_->setObjectName(QStringLiteral("runState"));

  cancelButton_ = new QPushButton(tr("Cancel"));
  cancelButton_->setObjectName(QStringLiteral("cancelRun"));
  cancelButton_->setToolTip(tr("Stop after the current step, keeping a checkpoint to resume from"));
  resumeButton_ = new QPushButton(tr("Resume"));
  resumeButton_->setObjectName(QStringLiteral("resumeRun"));
  resumeButton_->setToolTip(tr("Continue from the newest checkpoint"));
  folderButton_ = new QPushButton(tr("Open Folder"));
  folderButton_->setObjectName(QStringLiteral("openRunFolder"));
  exportButton_ = new QToolButton;
  exportButton_->setObjectName(QStringLiteral("exportRun"));
  exportButton_->setText(tr("Export"));
  exportButton_->setPopupMode(QToolButton::InstantPopup);
  auto* exportMenu = new QMenu(exportButton_);
  exportMenu->addAction(tr("Adapter (PEFT)…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the Adapter To"));
    if (!dir.isEmpty()) exportAdapter(dir);
  });
  exportMenu->addAction(tr("Merged Model…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the Merged Model To"));
    if (!dir.isEmpty()) exportMergedModel(dir);
  });
  exportButton_->setMenu(exportMenu);
  compareButton_ = new QToolButton;
  compareButton_->setObjectName(QStringLiteral("compareRuns"));
  compareButton_->setText(tr("Compare With"));
  compareButton_->setPopupMode(QToolButton::InstantPopup);
  compareButton_->setMenu(new QMenu(compareButton_));
  connect(compareButton_->menu(), &QMenu::aboutToShow, this, &RunView::fillCompareMenu);
  connect(cancelButton_, &QPushButton::clicked, this, &RunView::cancel);
  connect(resumeButton_, &QPushButton::clicked, this, &RunView::resume);
  connect(folderButton_, &QPushButton::clicked, this, &RunView::openFolder);

  auto* header = new QHBoxLayout;
  header->addWidget(title_);
  header->addSpacing(12);
  header->addWidget(state_, 1);
  for (QWidget* w : {static_cast<QWidget*>(compareButton_), static_cast<QWidget*>(exportButton_),
                     static_cast<QWidget*>(folderButton_), static_cast<QWidget*>(resumeButton_),
                     static_cast<QWidget*>(cancelButton_)})
    header->addWidget(w);

  auto* stats = new QGridLayout;
  stats->setHorizontalSpacing(24);
  stats->setVerticalSpacing(0);
  stepLabel_ = stat(stats, 0, tr("Step"), "runStep");
  lossLabel_ = stat(stats, 1, tr("Loss (smoothed)"), "runLoss");
  valLabel_ = stat(stats, 2, tr("Validation loss"), "runValLoss");
  lrLabel_ = stat(stats, 3, tr("Learning rate"), "runLr");
  speedLabel_ = stat(stats, 4, tr("Tokens/s"), "runSpeed");
  etaLabel_ = stat(stats, 5, tr("Time left"), "runEta");
  stats->setColumnStretch(6, 1);

  chart_ = new LossChart;
  chart_->setMinimumHeight(240);
  log_ = new QPlainTextEdit;
  log_->setObjectName(QStringLiteral("runLog"));
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setLineWrapMode(QPlainTextEdit::NoWrap);
  provenance_ = new QTreeWidget;
  provenance_->setObjectName(QStringLiteral("runProvenance"));
  provenance_->setHeaderLabels({tr("Setting"), tr("Value")});
  provenance_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  auto* tabs = new QTabWidget;
  tabs->setObjectName(QStringLiteral("runTabs"));
  tabs->addTab(log_, tr("Log"));
  tabs->addTab(provenance_, tr("Provenance"));

  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(chart_);
  split->addWidget(tabs);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(header);
  layout->addLayout(stats);
  layout->addWidget(split, 1);
  updateButtons();
}

RunView::~RunView() = default;

void RunView::setProject(const project::Project* project) { project_ = project; }

bool RunView::live() const { return session_ && session_->running() && session_->runDir() == runDir_; }

void RunView::openRun(const QString& runDir) {
  runDir_ = QDir::cleanPath(runDir);
  title_->setText(run_name(runDir_));
  chart_->clearOverlays();
  RunMetrics m;
  try {
    m = read_metrics((runDir_ + QStringLiteral("/metrics.jsonl")).toStdString());
  } catch (const std::exception& e) {
    appendLog(QStringLiteral("error"), QString::fromUtf8(e.what()));
  }
  chart_->setRun(run_name(runDir_), m);
  totalSteps_ = 0;
  stepLabel_->setText(m.steps.empty() ? QStringLiteral("–") : QString::number(m.steps.back().step));
  if (!m.steps.empty()) {
    std::vector<double> losses;
    for (const auto& p : m.steps) losses.push_back(p.loss);
    lossLabel_->setText(QString::number(ema(losses, LossChart::kSmoothing).back(), 'f', 4));
    const auto& last = m.steps.back();
    lrLabel_->setText(last.lr ? QString::number(*last.lr, 'e', 2) : QStringLiteral("–"));
    speedLabel_->setText(last.tokens_per_s ? QString::number(*last.tokens_per_s, 'f', 0) : QStringLiteral("–"));
  } else {
    for (QLabel* l : {lossLabel_, lrLabel_, speedLabel_}) l->setText(QStringLiteral("–"));
  }
  valLabel_->setText(m.evals.empty() ? QStringLiteral("–") : QString::number(m.evals.back().val_loss, 'f', 4));
  etaLabel_->setText(QStringLiteral("–"));

  log_->clear();
  QFile logFile(runDir_ + QStringLiteral("/log.txt"));
  if (logFile.open(QIODevice::ReadOnly | QIODevice::Text)) log_->setPlainText(QString::fromUtf8(logFile.readAll()));
  showProvenance();

  const std::string dir = runDir_.toStdString();
  if (live()) setState(tr("Training…"));
  else if (train::run_finished(dir)) setState(tr("Finished"));
  else if (!train::newest_checkpoint(dir).empty()) setState(tr("Interrupted: can be resumed from %1").arg(QString::fromStdString(train::newest_checkpoint(dir)).section(QLatin1Char('/'), -1)));
  else if (m.steps.empty()) setState(tr("Not started"));
  else setState(tr("Stopped without a checkpoint"));
  updateButtons();
}

bool RunView::startTraining(const train::TrainConfig& config, const train::TrainingOptions& options, QString* error) {
  if (session_ && session_->running()) {
    if (error) *error = tr("%1 is still training").arg(session_->runDir());
    return false;
  }
  session_ = std::make_unique<TrainingSession>(config, options);
  connect(session_.get(), &TrainingSession::event, this, &RunView::onEvent);
  connect(session_.get(), &TrainingSession::ended, this, &RunView::onEnded);
  session_->start();
  openRun(session_->runDir());
  appendLog(QStringLiteral("info"), options.resume ? tr("Resuming on %1 threads").arg(session_->config().threads)
                                                   : tr("Training on %1 threads").arg(session_->config().threads));
  Q_EMIT trainingStateChanged(runDir_, true);
  return true;
}

void RunView::cancel() {
  if (!live()) return;
  session_->cancel();
  setState(tr("Cancelling after the current step…"));
  cancelButton_->setEnabled(false);
}

void RunView::resume() {
  if (runDir_.isEmpty() || (session_ && session_->running())) return;
  try {
    train::TrainingOptions options;
    options.resume = true;
    startTraining(train::load_run_config(runDir_.toStdString()), options);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Cannot Resume"), QString::fromUtf8(e.what()));
  }
}

void RunView::openFolder() {
  if (!runDir_.isEmpty()) QDesktopServices::openUrl(QUrl::fromLocalFile(runDir_));
}

void RunView::onEvent(const jobs::JobEvent& event) {
  if (!session_ || session_->runDir() != runDir_) return;  // another run is on screen
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, jobs::Started>) {
          setState(tr("Training…"));
        } else if constexpr (std::is_same_v<T, jobs::Step>) {
          chart_->addStep({e.step, e.loss, e.lr, e.tokens_per_s, std::nullopt});
          if (e.total_steps) totalSteps_ = *e.total_steps;
          stepLabel_->setText(totalSteps_ > 0 ? tr("%1 of %2").arg(e.step).arg(totalSteps_) : QString::number(e.step));
          lossLabel_->setText(QString::number(e.loss, 'f', 4));
          if (e.lr) lrLabel_->setText(QString::number(*e.lr, 'e', 2));
          if (e.tokens_per_s) speedLabel_->setText(QString::number(*e.tokens_per_s, 'f', 0));
          etaLabel_->setText(e.eta_s ? duration(*e.eta_s) : QStringLiteral("–"));
          Q_EMIT stepProgress(runDir_, e.step, totalSteps_);
        } else if constexpr (std::is_same_v<T, jobs::Eval>) {
          chart_->addEval({e.step, e.val_loss});
          valLabel_->setText(QString::number(e.val_loss, 'f', 4));
          appendLog(QStringLiteral("info"), tr("step %1: validation loss %2").arg(e.step).arg(e.val_loss, 0, 'f', 4));
        } else if constexpr (std::is_same_v<T, jobs::Checkpoint>) {
          appendLog(QStringLiteral("info"), tr("checkpoint at step %1: %2").arg(e.step).arg(QString::fromStdString(e.location)));
        } else if constexpr (std::is_same_v<T, jobs::Log>) {
          appendLog(QString::fromStdString(e.level), QString::fromStdString(e.message));
        } else if constexpr (std::is_same_v<T, jobs::Sample>) {
          appendLog(QStringLiteral("info"), tr("sample at step %1: %2").arg(e.step).arg(QString::fromStdString(e.text)));
        } else if constexpr (std::is_same_v<T, jobs::Finished>) {
          appendLog(QStringLiteral("info"), tr("finished: %1").arg(QString::fromStdString(e.model)));
        } else if constexpr (std::is_same_v<T, jobs::Failed>) {
          appendLog(QStringLiteral("error"), QString::fromStdString(e.message));
        } else if constexpr (std::is_same_v<T, jobs::Cancelled>) {
          appendLog(QStringLiteral("info"), tr("cancelled"));
        }
      },
      event);
}

void RunView::onEnded(jobs::JobState state) {
  const QString dir = session_ ? session_->runDir() : QString();
  if (dir == runDir_) {
    const train::TrainingOutcome& o = session_->outcome();
    switch (state) {
      case jobs::JobState::Succeeded: setState(tr("Finished: %1").arg(QString::fromStdString(o.message))); break;
      case jobs::JobState::Cancelled:
        setState(o.last_checkpoint.empty() ? tr("Cancelled")
                                           : tr("Cancelled at step %1: can be resumed").arg(o.step));
        break;
      default: setState(tr("Failed: %1").arg(QString::fromStdString(o.message))); break;
    }
    etaLabel_->setText(QStringLiteral("–"));
    showProvenance();  // the job wrote config.json
  }
  updateButtons();
  Q_EMIT trainingStateChanged(dir, false);
}

void RunView::appendLog(const QString& level, const QString& message) {
  log_->appendPlainText(level == QLatin1String("info") ? message : QStringLiteral("%1: %2").arg(level, message));
}

void RunView::showProvenance() {
  provenance_->clear();
  std::ifstream in((runDir_ + QStringLiteral("/config.json")).toStdString());
  if (!in) return;
  const data::Json j = data::Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    new QTreeWidgetItem(provenance_, {tr("config.json"), tr("unreadable")});
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it)
    add_json(provenance_->invisibleRootItem(), QString::fromStdString(it.key()), it.value());
  provenance_->expandToDepth(0);
}

void RunView::setState(const QString& text) { state_->setText(text); }

void RunView::updateButtons() {
  const std::string dir = runDir_.toStdString();
  const bool has = !runDir_.isEmpty();
  const bool running = live();
  const bool busy = session_ && session_->running();
  const bool finished = has && train::run_finished(dir);
  cancelButton_->setEnabled(running);
  resumeButton_->setEnabled(has && !busy && !finished && !train::newest_checkpoint(dir).empty());
  folderButton_->setEnabled(has);
  exportButton_->setEnabled(finished && !exporting_);
  compareButton_->setEnabled(has && project_ && project_->runs.size() > 1);
}

bool RunView::addOverlay(const QString& runDir, QString* error) {
  try {
    chart_->addOverlay(run_name(runDir), read_metrics((runDir + QStringLiteral("/metrics.jsonl")).toStdString()));
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
}

void RunView::fillCompareMenu() {
  QMenu* menu = compareButton_->menu();
  menu->clear();
  if (!project_) return;
  for (const std::string& r : project_->runs) {
    const QString dir = QDir::cleanPath(QString::fromStdString(project_->resolve(r)));
    if (dir == runDir_) continue;
    menu->addAction(run_name(dir), this, [this, dir] {
      QString error;
      if (!addOverlay(dir, &error)) QMessageBox::warning(this, tr("Cannot Compare"), error);
    });
  }
  menu->addSeparator();
  menu->addAction(tr("Clear Comparison"), chart_, &LossChart::clearOverlays);
}

void RunView::exportAdapter(const QString& outDir) { runExport(false, outDir); }
void RunView::exportMergedModel(const QString& outDir) { runExport(true, outDir); }

void RunView::runExport(bool merged, const QString& outDir) {
  if (exporting_) return;
  exporting_ = true;
  updateButtons();
  const std::string run = runDir_.toStdString(), out = outDir.toStdString();
  // A merged export loads the whole base model: never on the GUI thread.
  QPointer<RunView> self(this);
  QThread* thread = QThread::create([self, merged, run, out] {
    QString message;
    bool ok = true;
    try {
      if (merged) export_merged_model(run, out);
      else export_adapter(run, out);
      message = merged ? tr("Merged model written to %1").arg(QString::fromStdString(out))
                       : tr("Adapter written to %1").arg(QString::fromStdString(out));
    } catch (const std::exception& e) {
      ok = false;
      message = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        qApp, [self, ok, message] {
          if (!self) return;
          self->exporting_ = false;
          self->updateButtons();
          self->appendLog(ok ? QStringLiteral("info") : QStringLiteral("error"), message);
          Q_EMIT self->exportFinished(ok, message);
        },
        Qt::QueuedConnection);
  });
  connect(thread, &QThread::finished, thread, &QObject::deleteLater);
  thread->start();
}

}  // namespace tunesmith::ui
