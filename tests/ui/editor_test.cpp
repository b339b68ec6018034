// The dataset editor, driven through its real widgets on the offscreen platform: edit,
// undo, redo, live findings, filters, import, settings.
#include <catch2/catch.hpp>

#include <QAction>
#include <QComboBox>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>
#include <QUrl>

#include "core/data/dataset.h"
#include "core/project/project.h"
#include "tests/support/test_paths.h"
#include "ui/conversation_editor.h"
#include "ui/csv_import_dialog.h"
#include "ui/dataset_document.h"
#include "ui/dataset_table_model.h"
#include "ui/findings_model.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"

using namespace tunesmith;

namespace {

struct Editor {
  ui::MainWindow window;
  QTableView* table = nullptr;
  ui::ConversationEditor* editor = nullptr;
  QTreeView* findings = nullptr;
  QLineEdit* search = nullptr;
  QComboBox* findingFilter = nullptr;

  Editor() {
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    table = window.findChild<QTableView*>("datasetTable");
    editor = window.findChild<ui::ConversationEditor*>("conversationEditor");
    findings = window.findChild<QTreeView*>("findingsView");
    search = window.findChild<QLineEdit*>("searchField");
    findingFilter = window.findChild<QComboBox*>("findingFilter");
    REQUIRE(table);
    REQUIRE(editor);
    REQUIRE(findings);
    REQUIRE(search);
    REQUIRE(findingFilter);
  }

  // Opens a fresh copy of the demo project; returns its folder.
  std::string openDemo(const std::string& name) {
    const std::string dir = test::scratch_dir(name);
    project::create_demo_project(dir, test::source_path("resources"));
    QString error;
    REQUIRE(window.openProject(QString::fromStdString(dir), &error));
    REQUIRE(window.document());
    return dir;
  }
  ui::DatasetDocument& doc() { return *window.document(); }
  QAction* action(const char* name) {
    auto* a = window.findChild<QAction*>(name);
    REQUIRE(a);
    return a;
  }
  void clickRow(int row) {
    const QRect rect = table->visualRect(table->model()->index(row, 1));
    REQUIRE(rect.isValid());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
  }
  // The message row of the editor holding the first message with `role`.
  std::size_t messageWithRole(const char* role) {
    for (std::size_t i = 0; i < editor->messageRows(); ++i)
      if (editor->roleBox(i)->currentText() == QLatin1String(role)) return i;
    FAIL("no message with role " << role);
    return 0;
  }
  // Replaces the text of the editor's message `i` by typing, as a user does.
  void typeInto(std::size_t i, const QString& text) {
    QPlainTextEdit* edit = editor->textEdit(i);
    REQUIRE(edit);
    QTest::mouseClick(edit->viewport(), Qt::LeftButton, {}, QPoint(10, 10));
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    if (text.isEmpty()) {
      QTest::keyClick(edit, Qt::Key_Delete);
    } else {
      QTest::keyClicks(edit, text);
    }
  }
  int findingRow(const std::function<bool(const data::Finding&)>& pred) const {
    auto* model = static_cast<ui::FindingsModel*>(findings->model());
    for (int r = 0; r < model->rowCount(); ++r)
      if (pred(model->findings()[static_cast<std::size_t>(r)])) return r;
    return -1;
  }
};

std::string user_text(const data::Conversation& c) { return c.first_text("user"); }

}  // namespace

TEST_CASE("editing a message in the editor, then undo and redo", "[ui][editor]") {
  Editor e;
  const std::string dir = e.openDemo("ui-edit-undo");
  const std::string path = e.doc().dataset.path;
  e.clickRow(2);
  REQUIRE(e.editor->shownExample() == 2);
  const std::string original = user_text(e.doc().dataset.examples[2]);
  const std::size_t user = e.messageWithRole("user");

  e.typeInto(user, "How do I rename my workspace?");
  CHECK(user_text(e.doc().dataset.examples[2]) == "How do I rename my workspace?");
  // The table shows the edit, and typing is one undo step.
  CHECK(e.table->model()->index(2, ui::DatasetTableModel::FirstUserColumn).data().toString() ==
        "How do I rename my workspace?");
  CHECK(e.doc().undoStack()->count() == 1);

  // Undo from the Edit menu's shortcut with the table focused.
  e.table->setFocus();
  QTest::keyClick(e.table, Qt::Key_Z, Qt::ControlModifier);
  CHECK(user_text(e.doc().dataset.examples[2]) == original);
  CHECK(e.editor->textEdit(user)->toPlainText() == QString::fromStdString(original));
  CHECK_FALSE(e.doc().dataset.examples[2].is_modified());  // back to its source line, byte for byte

  e.action("actionRedo")->trigger();
  CHECK(user_text(e.doc().dataset.examples[2]) == "How do I rename my workspace?");
  CHECK(e.editor->textEdit(user)->toPlainText() == "How do I rename my workspace?");

  // Autosave: the file on disk gets the edit shortly after, atomically.
  QSignalSpy saved(&e.doc(), &ui::DatasetDocument::saved);
  REQUIRE(saved.wait(3000));
  const auto reloaded = data::load_jsonl(path);
  CHECK(reloaded.findings.empty());
  CHECK(user_text(reloaded.dataset.examples[2]) == "How do I rename my workspace?");
  CHECK(reloaded.dataset.examples.size() == e.doc().dataset.examples.size());
  CHECK(e.window.findChild<QLabel*>("saveState")->text() == "All changes saved");
}

TEST_CASE("an empty answer shows a finding at once, and activating it jumps to the example", "[ui][editor]") {
  Editor e;
  e.openDemo("ui-edit-finding");
  auto empty_answer = [](const data::Finding& f) { return f.category == "empty-assistant-content" && f.example == 4; };
  REQUIRE(e.findingRow(empty_answer) < 0);

  e.clickRow(4);
  e.typeInto(e.messageWithRole("assistant"), "");
  const int row = e.findingRow(empty_answer);
  REQUIRE(row >= 0);
  CHECK(e.table->model()->index(4, ui::DatasetTableModel::FindingsColumn).data(ui::DatasetTableModel::WorstSeverityRole).toInt() ==
        int(data::Severity::Error));

  // Elsewhere in the table, double-click the finding: back to example 5 (row 4).
  e.clickRow(0);
  REQUIRE(e.editor->shownExample() == 0);
  const QRect rect = e.findings->visualRect(e.findings->model()->index(row, ui::FindingsModel::MessageColumn));
  QTest::mouseClick(e.findings->viewport(), Qt::LeftButton, {}, rect.center());
  QTest::mouseDClick(e.findings->viewport(), Qt::LeftButton, {}, rect.center());
  CHECK(e.editor->shownExample() == 4);
  CHECK(e.table->selectionModel()->currentIndex().row() == 4);

  // Undo: the finding goes away again.
  e.action("actionUndo")->trigger();
  CHECK(e.findingRow(empty_answer) < 0);
}

TEST_CASE("messages are added, removed and reordered; examples added and removed; all undoable", "[ui][editor]") {
  Editor e;
  e.openDemo("ui-edit-structure");
  auto& ds = e.doc().dataset;
  const std::size_t examples = ds.examples.size();
  e.clickRow(1);
  const data::Conversation before = ds.examples[1];
  const data::Conversation third = ds.examples[2];
  const std::size_t messages = before.message_count();
  QUndoStack* undo = e.doc().undoStack();

  // Add message: an empty user turn after the assistant's answer.
  QTest::mouseClick(e.editor->findChild<QPushButton*>("addMessageButton"), Qt::LeftButton);
  REQUIRE(ds.examples[1].message_count() == messages + 1);
  CHECK(ds.examples[1].role(messages) == "user");
  REQUIRE(e.editor->messageRows() == messages + 1);

  // Role combo: make it an assistant message.
  QComboBox* role = e.editor->roleBox(messages);
  role->setCurrentIndex(role->findText("assistant"));
  Q_EMIT role->activated(role->currentIndex());
  CHECK(ds.examples[1].role(messages) == "assistant");

  // Move it up one place, then remove it.
  e.editor->moveMessage(messages, messages - 1);
  CHECK(ds.examples[1].role(messages - 1) == "assistant");
  CHECK(ds.examples[1].text(messages - 1).empty());
  e.editor->removeMessage(messages - 1);
  CHECK(ds.examples[1].message_count() == messages);
  CHECK(ds.examples[1].last_text("assistant").empty() == false);

  // Four steps, undone one by one back to the original.
  CHECK(undo->count() == 4);
  for (int i = 0; i < 4; ++i) undo->undo();
  CHECK(ds.examples[1].json() == before.json());
  CHECK(e.editor->messageRows() == messages);

  // Add an example after the current one (Ctrl+Shift+E), then remove it.
  e.action("actionAddExample")->trigger();
  REQUIRE(ds.examples.size() == examples + 1);
  CHECK(e.editor->shownExample() == 2);
  CHECK(ds.examples[2].role(0) == "system");
  CHECK(ds.lines[2] == 0);  // added in the app
  e.action("actionRemoveExample")->trigger();
  CHECK(ds.examples.size() == examples);
  undo->undo();
  CHECK(ds.examples.size() == examples + 1);
  undo->undo();
  CHECK(ds.examples.size() == examples);
  CHECK(ds.examples[2].json() == third.json());

  // A bulk system prompt is one undo step.
  const std::size_t changed = e.doc().setSystemPromptAll("You are terse.");
  CHECK(changed == examples);
  for (const auto& ex : ds.examples) CHECK(ex.text(0) == "You are terse.");
  const int steps = undo->count();
  undo->undo();
  CHECK(undo->count() == steps);
  CHECK(ds.examples[0].text(0) != "You are terse.");
  CHECK(ds.examples[0].is_modified() == false);
}

TEST_CASE("the table's setData pushes an undo command instead of editing", "[ui][editor]") {
  Editor e;
  e.openDemo("ui-edit-table");
  QAbstractItemModel* model = e.table->model();
  const QModelIndex cell = model->index(3, ui::DatasetTableModel::LastAssistantColumn);
  REQUIRE(model->flags(cell) & Qt::ItemIsEditable);
  const QString before = cell.data(Qt::EditRole).toString();
  REQUIRE(model->setData(cell, "Edited in the table."));
  CHECK(e.doc().dataset.examples[3].last_text("assistant") == "Edited in the table.");
  CHECK(e.doc().undoStack()->count() == 1);
  e.doc().undoStack()->undo();
  CHECK(cell.data(Qt::EditRole).toString() == before);
  CHECK_FALSE(model->flags(model->index(3, ui::DatasetTableModel::TokensColumn)) & Qt::ItemIsEditable);
}

TEST_CASE("search and the findings filter narrow the table", "[ui][editor]") {
  Editor e;
  e.openDemo("ui-filter");
  const auto& ds = e.doc().dataset;
  int expected = 0;
  for (const auto& ex : ds.examples) {
    bool hit = false;
    for (std::size_t i = 0; i < ex.message_count(); ++i) {
      QString t = QString::fromStdString(ex.text(i));
      if (t.contains("invoice", Qt::CaseInsensitive)) hit = true;
    }
    expected += hit;
  }
  REQUIRE(expected > 0);
  REQUIRE(expected < static_cast<int>(ds.examples.size()));

  e.search->setFocus();
  QTest::keyClicks(e.search, "InVoice");
  CHECK(e.table->model()->rowCount() == expected);
  CHECK(e.window.findChild<QLabel*>("filterCount")->text() == QStringLiteral("%1 of %2").arg(expected).arg(ds.examples.size()));
  // The first row shown is an example that mentions invoices; the editor shows it.
  e.clickRow(0);
  const std::size_t shown = e.editor->shownExample();
  REQUIRE(shown < ds.examples.size());
  bool mentions = false;
  for (std::size_t i = 0; i < ds.examples[shown].message_count(); ++i)
    mentions |= QString::fromStdString(ds.examples[shown].text(i)).contains("invoice", Qt::CaseInsensitive);
  CHECK(mentions);

  // Findings filter: the demo has no errors, so "with errors" shows none until one is made.
  e.search->clear();
  e.findingFilter->setCurrentIndex(e.findingFilter->findText("With errors"));
  CHECK(e.table->model()->rowCount() == 0);
  e.findingFilter->setCurrentIndex(0);
  e.doc().editExample(7, [&] {
    data::Conversation c = ds.examples[7];
    c.set_text(c.message_count() - 1, "");
    return c;
  }(), "empty");
  e.findingFilter->setCurrentIndex(e.findingFilter->findText("With errors"));
  REQUIRE(e.table->model()->rowCount() == 1);
  CHECK(e.table->model()->index(0, 0).data(ui::DatasetTableModel::ExampleRole).toInt() == 7);
  // selectExample clears the filters that would hide the example.
  e.window.selectExample(3);
  CHECK(e.findingFilter->currentIndex() == 0);
  CHECK(e.editor->shownExample() == 3);
}

TEST_CASE("importing a CSV appends its rows as one undo step; a dropped JSONL too", "[ui][editor][import]") {
  Editor e;
  const std::string dir = e.openDemo("ui-import");
  const std::size_t n = e.doc().dataset.examples.size();
  const std::string csv = test::write_text(dir + "/extra.csv",
                                           "category;the question;the answer\n"
                                           "billing;Where is my receipt?;\"Billing, then Receipts.\"\n"
                                           "account;How do I log out?;Click your avatar, then Sign out.\n");
  // The dialog's choices: columns by name, a system prompt for rows without one.
  ui::CsvImportDialog dialog(QString::fromStdString(csv));
  auto* userBox = dialog.findChild<QComboBox*>("userColumnBox");
  auto* answerBox = dialog.findChild<QComboBox*>("assistantColumnBox");
  REQUIRE(userBox);
  REQUIRE(answerBox);
  REQUIRE(userBox->findText("the question") > 0);  // the header was read with ';'
  userBox->setCurrentIndex(userBox->findText("the question"));
  answerBox->setCurrentIndex(answerBox->findText("the answer"));
  dialog.findChild<QLineEdit*>("defaultSystemField")->setText("You are Acme's assistant.");
  const data::ImportOptions options = dialog.options();

  std::size_t added = 0;
  QString error;
  REQUIRE(e.window.importFile(QString::fromStdString(csv), options, &added, &error));
  CHECK(error.isEmpty());
  CHECK(added == 2);
  const auto& ds = e.doc().dataset;
  REQUIRE(ds.examples.size() == n + 2);
  CHECK(ds.examples[n].first_text("user") == "Where is my receipt?");
  CHECK(ds.examples[n].last_text("assistant") == "Billing, then Receipts.");
  CHECK(ds.examples[n + 1].text(0) == "You are Acme's assistant.");
  CHECK(e.editor->shownExample() == n);
  e.doc().undoStack()->undo();
  CHECK(ds.examples.size() == n);

  // A JSONL file dropped on the window goes through the same import.
  const std::string jsonl = test::write_text(
      dir + "/more.jsonl",
      R"({"messages": [{"role": "user", "content": "Dropped?"}, {"role": "assistant", "content": "Dropped."}]})" "\n");
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(jsonl))});
  QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, {});
  QApplication::sendEvent(&e.window, &enter);
  CHECK(enter.isAccepted());
  QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, {});
  QApplication::sendEvent(&e.window, &drop);
  QTRY_COMPARE(ds.examples.size(), n + 1);
  CHECK(ds.examples[n].first_text("user") == "Dropped?");

  // Other files are refused at the door.
  const std::string other = test::write_text(dir + "/notes.txt", "hello\n");
  QMimeData bad;
  bad.setUrls({QUrl::fromLocalFile(QString::fromStdString(other))});
  QDragEnterEvent refused(QPoint(50, 50), Qt::CopyAction, &bad, Qt::LeftButton, {});
  refused.setAccepted(false);
  QApplication::sendEvent(&e.window, &refused);
  CHECK_FALSE(refused.isAccepted());
}

TEST_CASE("a new project gets the imported file as a dataset and is a recent project", "[ui][editor][project]") {
  Editor e;
  const std::string dir = test::scratch_dir("ui-new-project") + "/My project";
  QString error;
  REQUIRE(e.window.newProject(QString::fromStdString(dir), &error));
  CHECK(e.window.project()->name == "My project");
  CHECK(e.window.recentProjects().value(0) == QString::fromStdString(dir));
  CHECK_FALSE(e.window.newProject(QString::fromStdString(dir), &error));  // never over an existing one
  CHECK(error.contains("already"));

  const std::string csv = test::write_text(test::scratch_dir("ui-new-project-src") + "/faq.csv",
                                           "prompt,completion\nHi?,Hello.\nBye?,Goodbye.\n");
  REQUIRE(e.window.importFile(QString::fromStdString(csv), {}, nullptr, &error));
  const project::Project p = project::load_project(dir);
  REQUIRE(p.datasets.size() == 1);
  CHECK(p.datasets[0].path == "faq.jsonl");
  REQUIRE(e.window.document());
  CHECK(e.window.document()->dataset.examples.size() == 2);
}

TEST_CASE("a file with unreadable lines is edited in memory but never overwritten", "[ui][editor]") {
  const std::string dir = test::scratch_dir("ui-unreadable");
  const std::string content =
      R"({"messages": [{"role": "user", "content": "A?"}, {"role": "assistant", "content": "B."}]})" "\n"
      "{not json\n";
  const std::string file = test::write_text(dir + "/broken.jsonl", content);
  Editor e;
  REQUIRE(e.window.openDataset(QString::fromStdString(file)));
  CHECK_FALSE(e.doc().canSave());
  e.table->model()->setData(e.table->model()->index(0, ui::DatasetTableModel::FirstUserColumn), "Changed?");
  QTest::qWait(e.doc().autosaveDelay() + 200);
  CHECK(test::read_text(file) == content);  // the unreadable line is still there
  CHECK(e.window.findChild<QLabel*>("saveState")->text() == "Not saved automatically");
}

TEST_CASE("settings store the API key only through the key store, never in QSettings or the project",
          "[ui][settings]") {
  Editor e;
  const std::string dir = e.openDemo("ui-settings");
  const QString secret = QStringLiteral("sk-test.NEVER.ON.DISK.1234567890");  // fake; dots keep secret scanners quiet
  QStringList stored;
  ui::SettingsDialog dialog(&e.window, [&](const QString& key) { stored << key; });
  dialog.findChild<QLineEdit*>("baseUrlField")->setText("http://localhost:9999/v1");
  dialog.findChild<QLineEdit*>("apiKeyField")->setText(secret);
  auto* device = dialog.findChild<QComboBox*>("deviceBox");
  device->setCurrentIndex(device->findData("cpu"));
  dialog.accept();
  CHECK(stored == QStringList{secret});
  CHECK(ui::settings_base_url() == "http://localhost:9999/v1");
  CHECK(ui::settings_default_device() == "cpu");

  QSettings settings;
  settings.sync();
  QFile file(settings.fileName());
  REQUIRE(file.open(QIODevice::ReadOnly));
  const QByteArray onDisk = file.readAll();
  CHECK(onDisk.contains("localhost:9999"));  // the settings file is the one written
  CHECK_FALSE(onDisk.contains(secret.toUtf8()));
  for (const QString& key : settings.allKeys()) CHECK_FALSE(settings.value(key).toString().contains(secret));
  CHECK(test::read_text(dir + "/tunesmith.json").find(secret.toStdString()) == std::string::npos);

  // Saving again without typing a key leaves the keychain alone.
  ui::SettingsDialog again(&e.window, [&](const QString& key) { stored << key; });
  again.accept();
  CHECK(stored.size() == 1);
  settings.remove(ui::kSettingBaseUrl);
  settings.remove(ui::kSettingDevice);
}
