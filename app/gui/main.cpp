// tunesmith: the desktop application.
//   tunesmith [PROJECT_DIR]        open a project (no argument: the demo project)
//   tunesmith FILE.jsonl           open one dataset file, outside any project
//   tunesmith --demo               open the demo project, creating it on first run
//   tunesmith --screenshot F.png   render the window once the project is open, save, exit
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <exception>

#include "core/project/project.h"
#include "ui/main_window.h"

namespace {

// The demo project lives in the app data folder; the first run writes it there from
// the resources (source tree or installed share folder).
QString demo_project_folder(const char* argv0, QString* error) {
  const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
  if (QFileInfo::exists(folder + QStringLiteral("/tunesmith.json"))) return folder;
  try {
    tunesmith::project::create_demo_project(folder.toStdString(), tunesmith::project::find_resources_dir(argv0));
  } catch (const std::exception& e) {
    *error = QString::fromStdString(e.what());
    return {};
  }
  return folder;
}

void print_error(const QString& message) {
  std::fprintf(stderr, "tunesmith: %s\n", message.toLocal8Bit().constData());
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName(QStringLiteral("Tunesmith"));
  QCoreApplication::setApplicationName(QStringLiteral("Tunesmith"));
  QCoreApplication::setApplicationVersion(QStringLiteral(TUNESMITH_VERSION));
  QGuiApplication::setApplicationDisplayName(QStringLiteral("Tunesmith"));
  QGuiApplication::setDesktopFileName(QStringLiteral("tunesmith"));
  QApplication::setWindowIcon(tunesmith::ui::application_icon());

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("A desktop studio for fine-tuning language models."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("project"),
                               QStringLiteral("Project folder (or JSONL file) to open; default: the demo project."),
                               QStringLiteral("[PROJECT_DIR]"));
  QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo project (created on first run)."));
  QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                QStringLiteral("Save a PNG of the window once the project is open, then exit."),
                                QStringLiteral("FILE"));
  parser.addOption(demo);
  parser.addOption(screenshot);
  parser.process(app);

  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) {
    print_error(QStringLiteral("expected at most one project folder (see --help)"));
    return 2;
  }
  const bool headless = parser.isSet(screenshot);

  QString folder;
  QString error;
  if (parser.isSet(demo) || positional.isEmpty()) {
    folder = demo_project_folder(argv[0], &error);
  } else {
    folder = QDir(positional.front()).absolutePath();
  }

  tunesmith::ui::MainWindow window;
  if (!folder.isEmpty()) {
    // A JSONL file opens on its own, outside any project.
    const bool opened = QFileInfo(folder).isFile() ? window.openDataset(folder, &error)
                                                   : window.openProject(folder, &error);
    if (!opened) folder.clear();
  }
  if (folder.isEmpty()) {
    const QString message = QStringLiteral("cannot open %1: %2").arg(positional.isEmpty() ? QStringLiteral("the demo project") : positional.front(), error);
    if (headless) {
      print_error(message);
      return 1;
    }
    window.show();
    QMessageBox::warning(&window, QStringLiteral("Tunesmith"), message);
  } else {
    window.show();
  }

  if (headless) {
    const QString file = parser.value(screenshot);
    // Let the first layout and paint happen, then render the window into an image.
    QTimer::singleShot(300, &window, [&window, file] {
      const QPixmap pixmap = window.grab();
      if (!pixmap.save(file, "PNG")) {
        print_error(QStringLiteral("cannot write the screenshot %1").arg(file));
        QCoreApplication::exit(1);
        return;
      }
      QCoreApplication::exit(0);
    });
  }
  return app.exec();
}
