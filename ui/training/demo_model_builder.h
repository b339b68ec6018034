#pragma once
// The demo project's base model, built in the background on the app's first run: the
// same pretraining (or cache copy) as `tunesmith-cli demo create`, on a std::thread, with
// progress in the status bar. The project opens at once; the model appears in the
// project's models when it is ready. Destroying the builder cancels and waits (a cancelled
// build writes nothing).
#include <QObject>
#include <QString>

#include <atomic>
#include <string>
#include <thread>

namespace tunesmith::ui {

class MainWindow;

class DemoModelBuilder final : public QObject {
  Q_OBJECT

 public:
  DemoModelBuilder(MainWindow* window, QString project_folder, std::string resources_dir);
  ~DemoModelBuilder() override;

  // Starts the build unless the project already has models/demo. Returns whether it started.
  bool start();

 Q_SIGNALS:
  void finished(bool ok, const QString& message);

 private:
  void onDone(bool ok, const QString& message);

  MainWindow* window_;
  QString folder_;
  std::string resources_;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace tunesmith::ui
