// The test_ui runner: widgets need a QApplication before the first test, on the
// offscreen platform unless the caller chose another (QT_QPA_PLATFORM).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QApplication>
#include <QStandardPaths>

namespace {

QtMessageHandler previous_handler = nullptr;

// The offscreen platform warns about window hints it cannot honour; that is noise here.
void quiet_offscreen(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.contains(QLatin1String("does not support propagateSizeHints"))) return;
  if (previous_handler) previous_handler(type, context, message);
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  previous_handler = qInstallMessageHandler(quiet_offscreen);
  // Catch parses the command line; Qt gets only the program name.
  int qt_argc = 1;
  QApplication app(qt_argc, argv);
  // QSettings (recent projects, settings) go to a test location, not the user's.
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("Tunesmith"));
  QCoreApplication::setApplicationName(QStringLiteral("TunesmithTest"));
  return Catch::Session().run(argc, argv);
}
