// Drives the main window's real widgets with QTest on the offscreen platform.
#include <catch2/catch.hpp>

#include <QAction>
#include <QLabel>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>

#include "core/data/dataset.h"
#include "core/project/project.h"
#include "tests/support/test_paths.h"
#include "ui/dataset_document.h"
#include "ui/findings_model.h"
#include "ui/main_window.h"

using namespace tunesmith;

namespace {

struct Window {
  ui::MainWindow window;
  QTableView* table = nullptr;
  QTextBrowser* preview = nullptr;
  QTreeView* findings = nullptr;
  QTreeWidget* sidebar = nullptr;
  QLabel* counts = nullptr;

  Window() {
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    table = window.findChild<QTableView*>("datasetTable");
    preview = window.findChild<QTextBrowser*>("conversationPreview");
    findings = window.findChild<QTreeView*>("findingsView");
    sidebar = window.findChild<QTreeWidget*>("projectSidebar");
    counts = window.findChild<QLabel*>("statusCounts");
    REQUIRE(table);
    REQUIRE(preview);
    REQUIRE(findings);
    REQUIRE(sidebar);
    REQUIRE(counts);
  }

  void clickRow(int row) {
    const QRect rect = table->visualRect(table->model()->index(row, 1));
    REQUIRE(rect.isValid());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
  }
  int currentRow() const { return table->selectionModel()->currentIndex().row(); }
  bool rowSelected(int row) const { return table->selectionModel()->isRowSelected(row, {}); }
  // The findings panel row whose finding satisfies `pred`, or -1.
  template <typename Pred>
  int findingRow(Pred pred) const {
    auto* model = static_cast<ui::FindingsModel*>(findings->model());
    for (int r = 0; r < model->rowCount(); ++r)
      if (pred(model->findings()[static_cast<std::size_t>(r)])) return r;
    return -1;
  }
};

std::string line(const std::string& user, const std::string& answer) {
  std::string s = R"({"messages": [{"role": "system", "content": "You are Acme's support assistant."}, )";
  s += R"({"role": "user", "content": ")" + user + R"("})";
  if (!answer.empty()) s += R"(, {"role": "assistant", "content": ")" + answer + R"("})";
  return s + "]}\n";
}

}  // namespace

TEST_CASE("the main window opens the demo project", "[ui][window]") {
  const std::string dir = test::scratch_dir("ui-demo");
  const project::Project p = project::create_demo_project(dir, test::source_path("resources"));
  const auto train = data::load_jsonl(p.resolve(p.datasets[0].path)).dataset;
  const auto test = data::load_jsonl(p.resolve(p.datasets[1].path)).dataset;

  Window w;
  QString error;
  REQUIRE(w.window.openProject(QString::fromStdString(dir), &error));
  CHECK(error.isEmpty());
  CHECK(w.window.windowTitle().startsWith(QString::fromStdString(p.name)));

  // The sidebar: Datasets (both splits), Models, Runs, Evaluations.
  REQUIRE(w.sidebar->topLevelItemCount() == 4);
  QTreeWidgetItem* datasets = w.sidebar->topLevelItem(0);
  CHECK(datasets->text(0) == "Datasets");
  REQUIRE(datasets->childCount() == 2);
  CHECK(datasets->child(1)->text(0) == QString::fromStdString(p.datasets[1].name));
  CHECK(w.sidebar->topLevelItem(1)->text(0) == "Models");
  CHECK(w.sidebar->topLevelItem(2)->text(0) == "Runs");
  CHECK(w.sidebar->topLevelItem(3)->text(0) == "Evaluations");

  // The first dataset is shown, its first example selected and previewed.
  CHECK(w.table->model()->rowCount() == static_cast<int>(train.examples.size()));
  CHECK(w.currentRow() == 0);
  CHECK(w.preview->toPlainText().contains(QString::fromStdString(train.examples[0].first_text("user"))));
  CHECK(w.counts->text().startsWith(QStringLiteral("%1 examples").arg(train.examples.size())));

  // Clicking the test split in the sidebar shows it.
  QTest::mouseClick(w.sidebar->viewport(), Qt::LeftButton, {}, w.sidebar->visualItemRect(datasets->child(1)).center());
  CHECK(w.table->model()->rowCount() == static_cast<int>(test.examples.size()));
  CHECK(w.counts->text().startsWith(QStringLiteral("%1 examples").arg(test.examples.size())));
}

TEST_CASE("clicking a row shows that conversation in the preview", "[ui][window]") {
  const std::string dir = test::scratch_dir("ui-click");
  const std::string file = test::write_text(dir + "/chats.jsonl",
                                            line("Where can I download my invoices?", "Go to Billing, then Invoices.") +
                                                line("How do I change my email address?", "Open Profile and edit it.") +
                                                line("Can I export my data as CSV?", "Yes: Settings, Export, CSV."));
  Window w;
  REQUIRE(w.window.openDataset(QString::fromStdString(file)));
  REQUIRE(w.table->model()->rowCount() == 3);
  CHECK(w.window.windowTitle().startsWith("chats.jsonl"));

  w.clickRow(2);
  CHECK(w.currentRow() == 2);
  CHECK(w.rowSelected(2));
  const QString text = w.preview->toPlainText();
  CHECK(text.contains("Example 3"));
  CHECK(text.contains("USER"));
  CHECK(text.contains("Can I export my data as CSV?"));
  CHECK(text.contains("ASSISTANT"));
  CHECK(text.contains("Yes: Settings, Export, CSV."));
  CHECK_FALSE(text.contains("invoices"));

  // The keyboard moves the selection, and the preview follows.
  w.table->setFocus();
  QTest::keyClick(w.table, Qt::Key_Up);
  CHECK(w.currentRow() == 1);
  CHECK(w.preview->toPlainText().contains("How do I change my email address?"));
}

TEST_CASE("a finding in the panel selects its example when activated", "[ui][window]") {
  const std::string dir = test::scratch_dir("ui-findings");
  const std::string file = test::write_text(dir + "/broken.jsonl",
                                            line("First question?", "First answer.") +
                                                line("Second question?", "Second answer.") +
                                                "{\"messages\": [\n" +  // line 3: not JSON
                                                line("Third question?", "Third answer.") +
                                                line("A question nobody answered?", ""));  // line 5
  Window w;
  REQUIRE(w.window.openDataset(QString::fromStdString(file)));
  const ui::DatasetDocument* doc = w.window.document();
  REQUIRE(doc);
  REQUIRE(w.table->model()->rowCount() == 4);
  CHECK(w.currentRow() == 0);

  // The unreadable line is listed with its line number; Enter on it selects the
  // example that follows it (the line itself is not in the table).
  const int invalid = w.findingRow([](const data::Finding& f) { return f.category == "invalid-json"; });
  REQUIRE(invalid >= 0);
  const QModelIndex invalidIndex = w.findings->model()->index(invalid, ui::FindingsModel::LineColumn);
  CHECK(invalidIndex.data().toString().startsWith("3"));
  w.findings->setFocus();
  w.findings->setCurrentIndex(invalidIndex);
  QTest::keyClick(w.findings, Qt::Key_Return);
  CHECK(w.currentRow() == 2);
  CHECK(w.rowSelected(2));
  CHECK(w.preview->toPlainText().contains("Third question?"));

  // A validation finding about the unanswered example: double-clicking it selects
  // exactly that row, and the preview lists the finding.
  const int unanswered = w.findingRow([](const data::Finding& f) { return f.example == 3; });
  REQUIRE(unanswered >= 0);
  const QRect rect = w.findings->visualRect(w.findings->model()->index(unanswered, ui::FindingsModel::MessageColumn));
  // A double click starts with a click (the view activates the item it pressed).
  QTest::mouseClick(w.findings->viewport(), Qt::LeftButton, {}, rect.center());
  QTest::mouseDClick(w.findings->viewport(), Qt::LeftButton, {}, rect.center());
  CHECK(w.currentRow() == 3);
  CHECK(w.rowSelected(3));
  CHECK_FALSE(w.rowSelected(2));
  CHECK(w.preview->toPlainText().contains("A question nobody answered?"));
  CHECK(w.preview->toPlainText().contains(
      QString::fromStdString(doc->findings[static_cast<std::size_t>(unanswered)].message)));

  // The status bar counts examples, errors and warnings.
  const QString expected = QStringLiteral("4 examples \u00b7 %1 error%2 \u00b7 %3 warning%4")
                               .arg(doc->counts.errors)
                               .arg(doc->counts.errors == 1 ? "" : "s")
                               .arg(doc->counts.warnings)
                               .arg(doc->counts.warnings == 1 ? "" : "s");
  CHECK(w.counts->text() == expected);
  CHECK(doc->counts.errors >= 1);
}

TEST_CASE("a folder that is not a project is refused and the window keeps its content", "[ui][window]") {
  const std::string dir = test::scratch_dir("ui-not-a-project");
  const std::string file = test::write_text(dir + "/one.jsonl", line("Hello?", "Hi."));
  Window w;
  REQUIRE(w.window.openDataset(QString::fromStdString(file)));
  QString error;
  CHECK_FALSE(w.window.openProject(QString::fromStdString(dir), &error));
  CHECK(error.contains("tunesmith.json"));
  CHECK(w.table->model()->rowCount() == 1);
  CHECK_FALSE(w.window.openDataset(QString::fromStdString(dir + "/missing.jsonl"), &error));
  CHECK(error.contains("missing.jsonl"));
}

TEST_CASE("the File menu has the open and quit shortcuts", "[ui][window]") {
  Window w;
  auto* open = w.window.findChild<QAction*>("actionOpenProject");
  auto* quit = w.window.findChild<QAction*>("actionQuit");
  REQUIRE(open);
  REQUIRE(quit);
  CHECK(open->shortcut() == QKeySequence(QKeySequence::Open));
  CHECK(quit->shortcut() == QKeySequence("Ctrl+Q"));
  CHECK(w.window.windowTitle() == "Tunesmith");
  CHECK(w.preview->toPlainText().contains("Open a project"));
}
