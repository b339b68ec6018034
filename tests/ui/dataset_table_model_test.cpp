#include <catch2/catch.hpp>

#include <QHeaderView>
#include <QTableView>
#include <QTest>

#include <chrono>

#include "core/data/dataset.h"
#include "ui/dataset_document.h"
#include "ui/dataset_table_model.h"
#include "ui/findings_model.h"

using namespace tunesmith;
using ui::DatasetTableModel;

namespace {

data::Conversation chat(const std::string& user, const std::string& answer) {
  return data::Conversation(data::Json{{"messages",
                                        {{{"role", "system"}, {"content", "You are helpful."}},
                                         {{"role", "user"}, {"content", user}},
                                         {{"role", "assistant"}, {"content", answer}}}}});
}

data::Dataset dataset_of(std::size_t n) {
  data::Dataset ds;
  ds.examples.reserve(n);
  ds.lines.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    ds.examples.push_back(chat("How do I reset my password? #" + std::to_string(i), "Open Settings, then Security."));
    ds.lines.push_back(i + 1);
  }
  return ds;
}

QVariant cell(const DatasetTableModel& m, int row, int column, int role = Qt::DisplayRole) {
  return m.data(m.index(row, column), role);
}

}  // namespace

TEST_CASE("the table model shows one example a row", "[ui][model]") {
  data::Dataset ds;
  ds.examples.push_back(chat("Where is my\n  invoice?", "Under Billing > Invoices."));
  ds.examples.push_back(data::Conversation(data::Json{{"messages", {{{"role", "user"}, {"content", "hi"}}}}}));
  ds.lines = {1, 3};
  std::vector<data::Finding> findings = {
      {data::Severity::Warning, "w", "f", 3, 0, "a warning", 1},
      {data::Severity::Error, "e", "f", 3, 0, "an error", 1},
      {data::Severity::Error, "invalid-json", "f", 2, 5, "bad line", std::size_t(-1)},
  };
  DatasetTableModel m(&ds, findings);
  REQUIRE(m.rowCount() == 2);
  REQUIRE(m.columnCount() == DatasetTableModel::ColumnCount);
  CHECK(cell(m, 0, DatasetTableModel::IndexColumn).toInt() == 1);
  CHECK(cell(m, 0, DatasetTableModel::FirstUserColumn).toString() == "Where is my invoice?");
  CHECK(cell(m, 0, DatasetTableModel::LastAssistantColumn).toString() == "Under Billing > Invoices.");
  CHECK(cell(m, 0, DatasetTableModel::MessagesColumn).toInt() == 3);
  CHECK(cell(m, 0, DatasetTableModel::TokensColumn).toULongLong() == ui::estimated_tokens(ds.examples[0]));
  CHECK(cell(m, 0, DatasetTableModel::FindingsColumn).toString().isEmpty());
  CHECK(cell(m, 0, 0, DatasetTableModel::WorstSeverityRole).toInt() == -1);
  CHECK(cell(m, 1, DatasetTableModel::LastAssistantColumn).toString() == "(no answer)");
  CHECK(cell(m, 1, DatasetTableModel::FindingsColumn).toInt() == 2);
  CHECK(cell(m, 1, 0, DatasetTableModel::WorstSeverityRole).toInt() == int(data::Severity::Error));
  CHECK(cell(m, 1, 0, DatasetTableModel::SourceLineRole).toULongLong() == 3);
  CHECK(cell(m, 1, 0, DatasetTableModel::ExampleRole).toInt() == 1);
  CHECK_FALSE(cell(m, 1, DatasetTableModel::FindingsColumn, Qt::DecorationRole).isNull());
  CHECK(m.headerData(DatasetTableModel::FirstUserColumn, Qt::Horizontal).toString() == "First user message");
}

TEST_CASE("estimated tokens count ~4 bytes a token plus the chat overhead", "[ui][model]") {
  // 3 messages: 16 + 12 + 29 bytes -> 4 + 3 + 8 tokens; + 3*3 per message + 3.
  CHECK(ui::estimated_tokens(chat("How are you?", "Open Settings, then Security.")) == 4 + 3 + 8 + 9 + 3);
  CHECK(ui::estimated_tokens(data::Conversation()) == 3);
}

TEST_CASE("the table model over 100k examples is created at once and paints smoothly", "[ui][model][large]") {
  const data::Dataset ds = dataset_of(100000);
  std::vector<data::Finding> findings;
  for (std::size_t i = 0; i < 100000; i += 1000) findings.push_back({data::Severity::Warning, "w", "f", i + 1, 0, "w", i});

  auto t0 = std::chrono::steady_clock::now();
  DatasetTableModel model(&ds, findings);
  auto created = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(model.rowCount() == 100000);
  CHECK(created < 0.1);  // only the 100 rows with findings are looked at
  CHECK(model.data(model.index(99999, DatasetTableModel::IndexColumn)).toInt() == 100000);
  CHECK(model.data(model.index(99000, DatasetTableModel::FindingsColumn)).toInt() == 1);

  // A view over it: showing, scrolling to the end and back stays fast.
  QTableView view;
  view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view.verticalHeader()->setDefaultSectionSize(22);
  view.resize(900, 600);
  t0 = std::chrono::steady_clock::now();
  view.setModel(&model);
  view.show();
  REQUIRE(QTest::qWaitForWindowExposed(&view));
  view.scrollToBottom();
  view.grab();  // paints the visible rows
  view.scrollToTop();
  view.grab();
  auto shown = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(shown < 2.0);
  CHECK(view.rowAt(0) == 0);
}

TEST_CASE("the findings model lists severity, line, category and message", "[ui][model]") {
  ui::FindingsModel m;
  m.setFindings({{data::Severity::Error, "invalid-json", "f.jsonl", 4, 7, "invalid JSON: x", std::size_t(-1)},
                 {data::Severity::Warning, "too-few", "f.jsonl", 0, 0, "only 2 examples", std::size_t(-1)}});
  REQUIRE(m.rowCount() == 2);
  using F = ui::FindingsModel;
  CHECK(m.data(m.index(0, F::SeverityColumn)).toString() == "Error");
  CHECK(m.data(m.index(0, F::LineColumn)).toString() == "4:7");
  CHECK(m.data(m.index(0, F::CategoryColumn)).toString() == "invalid-json");
  CHECK(m.data(m.index(0, F::MessageColumn)).toString() == "invalid JSON: x");
  CHECK(m.data(m.index(1, F::LineColumn)).toString() == "file");
  CHECK(m.data(m.index(0, F::MessageColumn), Qt::ToolTipRole).toString() ==
        "f.jsonl:4:7: error: [invalid-json] invalid JSON: x");
  CHECK_FALSE(m.data(m.index(0, F::SeverityColumn), Qt::DecorationRole).isNull());
}
