#include "ui/training/demo_model_builder.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QStatusBar>

#include <algorithm>
#include <cstdio>
#include <exception>

#include "core/train/demo_model.h"
#include "ui/main_window.h"

namespace tunesmith::ui {

DemoModelBuilder::DemoModelBuilder(MainWindow* window, QString project_folder, std::string resources_dir)
    : QObject(window), window_(window), folder_(std::move(project_folder)), resources_(std::move(resources_dir)) {}

DemoModelBuilder::~DemoModelBuilder() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

bool DemoModelBuilder::start() {
  if (thread_.joinable() || QFileInfo::exists(folder_ + QStringLiteral("/models/demo/config.json"))) return false;
  const std::string out = (folder_ + QStringLiteral("/models/demo")).toStdString();
  window_->statusBar()->showMessage(QStringLiteral("Preparing the demo base model…"));
  thread_ = std::thread([this, out] {
    bool ok = false;
    QString message;
    try {
      const train::DemoModelResult r = train::build_demo_model(
          out, resources_,
          [this](const train::DemoModelProgress& p) {
            if (p.from_cache || p.pretrain.step % 10 != 0) return;
            const QString text = QStringLiteral("Pretraining the demo base model: step %1 of %2")
                                     .arg(p.pretrain.step)
                                     .arg(p.pretrain.steps);
            // Queued to the GUI thread; dropped if the builder is gone by then.
            QMetaObject::invokeMethod(this, [this, text] { window_->statusBar()->showMessage(text); },
                                      Qt::QueuedConnection);
          },
          &cancel_);
      ok = !r.dir.empty();
      message = ok ? QStringLiteral("The demo base model is ready (models/demo).")
                   : QStringLiteral("Building the demo base model was cancelled.");
    } catch (const std::exception& e) {
      message = QStringLiteral("The demo base model could not be built: %1").arg(QString::fromStdString(e.what()));
    }
    QMetaObject::invokeMethod(this, [this, ok, message] { onDone(ok, message); }, Qt::QueuedConnection);
  });
  return true;
}

void DemoModelBuilder::onDone(bool ok, const QString& message) {
  if (thread_.joinable()) thread_.join();
  if (ok) {
    QString error;
    window_->updateProject(
        [](project::Project& p) {
          if (std::find(p.models.begin(), p.models.end(), "models/demo") == p.models.end())
            p.models.push_back("models/demo");
        },
        &error);
  }
  window_->statusBar()->showMessage(message, 10000);
  Q_EMIT finished(ok, message);
}

}  // namespace tunesmith::ui
