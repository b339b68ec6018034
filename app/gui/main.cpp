// tunesmith: the desktop application.
//   tunesmith [PROJECT_DIR]        open a project (no argument: the demo project)
//   tunesmith FILE.jsonl           open one dataset file, outside any project
//   tunesmith --demo               open the demo project, creating it on first run
//   tunesmith --screenshot F.png   render the window once the project is open, save, exit
//   tunesmith --screenshot-all DIR render each main view to DIR/*.png (1280x800), exit
#include <QApplication>
#include <QCommandLineParser>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <exception>

#include "core/data/atomic_file.h"
#include "core/project/project.h"
#include "ui/csv_import_dialog.h"
#include "ui/dataset_document.h"
#include "ui/split_dialog.h"
#include "ui/stats_dialog.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"
#ifdef TUNESMITH_HAVE_TRAINING
#include "ui/training/demo_model_builder.h"
#endif

namespace {

// The demo project lives in the app data folder; the first run writes it there from
// the resources (source tree or installed share folder).
QString demo_project_folder(const char* argv0, QString* error) {
  const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
  if (QFileInfo::exists(folder + QStringLiteral("/tunesmith.json"))) return folder;
  try {
    tunesmith::project::create_demo_project(folder.toStdString(), tunesmith::project::find_resources_dir(argv0));
    // The pretrained base model is built after the window opens (DemoModelBuilder).
  } catch (const std::exception& e) {
    *error = QString::fromStdString(e.what());
    return {};
  }
  return folder;
}

void print_error(const QString& message) {
  std::fprintf(stderr, "tunesmith: %s\n", message.toLocal8Bit().constData());
}

bool save_png(QWidget* widget, const QString& file) {
  if (widget->grab().save(file, "PNG")) return true;
  print_error(QStringLiteral("cannot write the screenshot %1").arg(file));
  return false;
}

// Renders each main view of the open project into `dir`: the editor, the preview, a
// search, the statistics, split, settings and CSV import dialogs, and every page other views added to the
// sidebar. Returns false when a file could not be written.
bool screenshot_all(tunesmith::ui::MainWindow& window, const QString& dir) {
  using tunesmith::ui::MainWindow;
  QDir().mkpath(dir);
  auto settle = [] {
    for (int i = 0; i < 5; ++i) QCoreApplication::processEvents();
  };
  bool ok = true;
  settle();
  ok &= save_png(&window, dir + QStringLiteral("/main-window.png"));
  window.showSideTab(1);
  settle();
  ok &= save_png(&window, dir + QStringLiteral("/preview.png"));
  window.showSideTab(0);
  if (auto* search = window.findChild<QLineEdit*>(QStringLiteral("searchField"))) {
    search->setText(QStringLiteral("invoice"));
    settle();
    ok &= save_png(&window, dir + QStringLiteral("/search.png"));
    search->clear();
  }
  {
    // Nothing is saved: the dialog is only drawn.
    tunesmith::ui::SettingsDialog settings(&window, [](const QString&) {});
    settings.show();
    settle();
    ok &= save_png(&settings, dir + QStringLiteral("/settings.png"));
  }
  if (const auto* doc = window.document()) {
    tunesmith::ui::StatsDialog stats(doc->dataset, nullptr, QString(), &window);
    stats.show();
    settle();
    ok &= save_png(&stats, dir + QStringLiteral("/stats.png"));
    tunesmith::ui::SplitDialog split(doc->dataset, &window);
    split.show();
    settle();
    ok &= save_png(&split, dir + QStringLiteral("/split.png"));
  }
  QTemporaryDir temp;
  const QString csv = temp.filePath(QStringLiteral("support.csv"));
  tunesmith::data::write_file_atomic(csv.toStdString(),
                                     "question,answer,category\n"
                                     "\"How do I reset my password?\",\"Open Settings, then Security.\",account\n"
                                     "Where are my invoices?,\"Billing, then Invoices.\",billing\n"
                                     "Can I export to CSV?,\"Yes: Settings, Export.\",data\n");
  {
    tunesmith::ui::CsvImportDialog dialog(csv, &window);
    dialog.show();
    settle();
    ok &= save_png(&dialog, dir + QStringLiteral("/csv-import.png"));
  }
  int n = 0;
  for (QWidget* page : window.sidebarPages()) {
    window.showPage(page);
    settle();
    const QString name = page->objectName().isEmpty() ? QStringLiteral("page-%1").arg(++n) : page->objectName();
    ok &= save_png(&window, dir + QStringLiteral("/%1.png").arg(name));
  }
  return ok;
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
  QCommandLineOption screenshotAll(QStringLiteral("screenshot-all"),
                                   QStringLiteral("Save a PNG of each main view into DIR, then exit."),
                                   QStringLiteral("DIR"));
  parser.addOption(demo);
  parser.addOption(screenshot);
  parser.addOption(screenshotAll);
  parser.process(app);

  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) {
    print_error(QStringLiteral("expected at most one project folder (see --help)"));
    return 2;
  }
  const bool headless = parser.isSet(screenshot) || parser.isSet(screenshotAll);

  QString folder;
  QString error;
  if (parser.isSet(demo) || positional.isEmpty()) {
    folder = demo_project_folder(argv[0], &error);
  } else {
    folder = QDir(positional.front()).absolutePath();
  }

  tunesmith::ui::MainWindow window;
  // Screenshots are taken at the documented size, not the user's last window.
  if (!headless) window.restoreWindowState();
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
#ifdef TUNESMITH_HAVE_TRAINING
    // The demo project's base model, on first run: in the background, not for screenshots.
    if (!headless && (parser.isSet(demo) || positional.isEmpty()))
      (new tunesmith::ui::DemoModelBuilder(&window, folder, tunesmith::project::find_resources_dir(argv[0])))->start();
#endif
  }

  if (parser.isSet(screenshotAll)) {
    const QString dir = parser.value(screenshotAll);
    QTimer::singleShot(300, &window, [&window, dir] { QCoreApplication::exit(screenshot_all(window, dir) ? 0 : 1); });
  } else if (headless) {
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
