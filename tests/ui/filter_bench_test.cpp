// Filtering 100k examples: search text and the findings filter through the table's
// proxy model, with a live view on it, as the window does. A benchmark (hidden tag):
//   test_ui "[bench]"
#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QTableView>

#include <cstdio>

#include "ui/dataset_document.h"
#include "ui/dataset_filter_model.h"
#include "ui/dataset_table_model.h"

using namespace tunesmith;

TEST_CASE("filtering 100k examples", "[.][bench][ui]") {
  constexpr std::size_t kExamples = 100000;
  ui::DatasetDocument doc;
  doc.dataset.path = "bench.jsonl";
  const char* topics[] = {"invoice", "password", "export", "workspace", "billing plan", "two-factor login"};
  int expected_text = 0;
  for (std::size_t i = 0; i < kExamples; ++i) {
    expected_text += (i % 6 == 5) || (i % 6 == 4 && i % 97 != 0);
    data::Conversation c;
    c.insert_message(0, "system", "You are Acme Software's support assistant. Answer accurately and concisely.");
    c.insert_message(1, "user", "Question " + std::to_string(i) + ": how do I change my " + topics[i % 6] + "?");
    // Every 97th answer empty: an error finding on about 1% of the rows.
    c.insert_message(2, "assistant", i % 97 == 0 ? std::string() : "Open Settings, then " + std::string(topics[(i + 1) % 6]) +
                                                                      ", and follow the steps shown there.");
    doc.dataset.examples.push_back(std::move(c));
    doc.dataset.lines.push_back(i + 1);
  }
  QElapsedTimer t;
  t.start();
  doc.revalidateAll();
  const qint64 validate_ms = t.elapsed();

  ui::DatasetTableModel model(&doc);
  ui::DatasetFilterModel filter;
  filter.setSourceModel(&model);
  QTableView view;
  view.setModel(&filter);
  view.resize(1000, 600);
  view.show();

  t.restart();
  filter.setSearchText("two-factor");
  const int text_rows = filter.rowCount();
  const qint64 text_ms = t.elapsed();
  CHECK(text_rows == expected_text);  // in the question or the answer

  t.restart();
  filter.setSearchText(QString());
  filter.setFindingFilter(ui::DatasetFilterModel::FindingFilter::WithErrors);
  const int error_rows = filter.rowCount();
  const qint64 finding_ms = t.elapsed();
  CHECK(error_rows == static_cast<int>((kExamples + 96) / 97));

  // An edit while filtered: one row re-checked, not the whole table.
  t.restart();
  data::Conversation c = doc.dataset.examples[1];
  c.set_text(2, "");
  doc.editExample(1, std::move(c), "bench");
  const qint64 edit_ms = t.elapsed();
  CHECK(filter.rowCount() == error_rows + 1);

  t.restart();
  filter.setFindingFilter(ui::DatasetFilterModel::FindingFilter::All);
  const qint64 clear_ms = t.elapsed();
  CHECK(filter.rowCount() == static_cast<int>(kExamples));

  std::printf("filter 100k: validate all %lld ms; text search %lld ms (%d rows); findings filter %lld ms (%d rows); "
              "edit while filtered %lld ms; clear %lld ms\n",
              static_cast<long long>(validate_ms), static_cast<long long>(text_ms), text_rows,
              static_cast<long long>(finding_ms), error_rows, static_cast<long long>(edit_ms),
              static_cast<long long>(clear_ms));
}
