// The Dataset menu's tools on real dialogs: statistics with the histogram, split with
// the leakage check, duplicates removal and personal-data redaction as undo steps.
#include <catch2/catch.hpp>

#include <QBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QUndoStack>

#include "core/data/dataset.h"
#include "core/data/pii_scan.h"
#include "tests/support/test_paths.h"
#include "ui/dataset_document.h"
#include "ui/review_dialogs.h"
#include "ui/split_dialog.h"
#include "ui/stats_dialog.h"

using namespace tunesmith;

namespace {

std::string chat(const std::string& user, const std::string& answer) {
  return R"({"messages": [{"role": "user", "content": ")" + user + R"("}, {"role": "assistant", "content": ")" +
         answer + R"("}]})" "\n";
}

}  // namespace

TEST_CASE("statistics show a histogram of example lengths", "[ui][tools]") {
  const std::string dir = test::scratch_dir("ui-stats");
  std::string text;
  for (int i = 0; i < 20; ++i) text += chat("Question " + std::to_string(i) + "?", std::string(40 + 30 * i, 'a'));
  auto doc = ui::load_dataset_document(test::write_text(dir + "/d.jsonl", text), "d");
  ui::StatsDialog dialog(doc->dataset, nullptr, QString());
  auto* view = dialog.findChild<QChartView*>("lengthHistogram");
  REQUIRE(view);
  auto* series = qobject_cast<QBarSeries*>(view->chart()->series().value(0));
  REQUIRE(series);
  REQUIRE(series->count() == 1);
  qreal total = 0;
  for (int i = 0; i < series->barSets()[0]->count(); ++i) total += series->barSets()[0]->at(i);
  CHECK(total == 20);  // every example in some bar
  CHECK(series->barSets()[0]->count() >= 2);
  CHECK(dialog.findChild<QLabel*>("statsSummary")->text().contains("estimated"));
}

TEST_CASE("the split dialog splits with a seed and reports no leakage", "[ui][tools]") {
  const std::string dir = test::scratch_dir("ui-split");
  std::string text;
  for (int i = 0; i < 30; ++i) text += chat("Distinct question number " + std::to_string(i) + " about topic " + std::to_string(i * 7),
                                            "Answer " + std::to_string(i));
  text += chat("Distinct question number 3 about topic 21", "Answer 3");  // an exact copy of example 4
  auto doc = ui::load_dataset_document(test::write_text(dir + "/all.jsonl", text), "all");
  ui::SplitDialog dialog(doc->dataset);
  dialog.setSeed(7);
  dialog.setTestFraction(0.2);
  REQUIRE(dialog.result());
  const auto first = *dialog.result();
  CHECK(first.train.size() + first.test.size() == 31);
  CHECK(first.test_target == 6);
  // Whole groups move, so the test part may overshoot by the group's extra member.
  CHECK(first.test.size() >= 6);
  CHECK(first.test.size() <= 7);
  CHECK(first.groups == 1);
  CHECK(dialog.leaks() == 0);
  CHECK(dialog.findChild<QLabel*>("leakageResult")->text().contains("no test example appears in training"));
  dialog.setSeed(8);
  dialog.setSeed(7);
  CHECK(dialog.result()->test == first.test);  // same seed, same split
  const auto [train, test] = dialog.writeFiles();
  CHECK(data::load_jsonl(train).dataset.examples.size() == first.train.size());
  CHECK(data::load_jsonl(test).dataset.examples.size() == first.test.size());
}

TEST_CASE("duplicates are listed and removed as one undo step", "[ui][tools]") {
  const std::string dir = test::scratch_dir("ui-dupes");
  const std::string text = chat("How do I reset my password?", "Use the reset link.") + chat("Where are invoices?", "Billing.") +
                           chat("How do I reset my password?", "Use the reset link.");
  auto doc = ui::load_dataset_document(test::write_text(dir + "/d.jsonl", text), "d");
  ui::DuplicatesDialog dialog(doc.get());
  REQUIRE(dialog.list()->topLevelItemCount() == 1);
  CHECK(dialog.list()->topLevelItem(0)->text(0) == "3");
  CHECK(dialog.list()->topLevelItem(0)->text(1) == "1");
  std::size_t activated = 99;
  QObject::connect(&dialog, &ui::DuplicatesDialog::exampleActivated, [&](std::size_t e) { activated = e; });
  Q_EMIT dialog.list()->itemActivated(dialog.list()->topLevelItem(0), 0);
  CHECK(activated == 2);
  dialog.findChild<QPushButton*>("removeDuplicatesButton")->click();
  CHECK(doc->dataset.examples.size() == 2);
  CHECK(dialog.list()->topLevelItemCount() == 0);
  doc->undoStack()->undo();
  CHECK(doc->dataset.examples.size() == 3);
  CHECK(doc->dataset.lines[2] == 3);  // back with its source line
}

TEST_CASE("personal data is listed masked and redacted as one undo step", "[ui][tools]") {
  const std::string dir = test::scratch_dir("ui-pii");
  const std::string text = chat("Mail me at jane.doe@example.com please", "Sure.") + chat("Hello?", "Hi.");
  auto doc = ui::load_dataset_document(test::write_text(dir + "/d.jsonl", text), "d");
  ui::PersonalDataDialog dialog(doc.get());
  REQUIRE(dialog.list()->topLevelItemCount() == 1);
  CHECK(dialog.list()->topLevelItem(0)->text(1) == "email");
  CHECK_FALSE(dialog.list()->topLevelItem(0)->text(3).contains("jane.doe@example.com"));  // never shown in full
  dialog.findChild<QPushButton*>("redactAllButton")->click();
  CHECK(doc->dataset.examples[0].first_text("user") == "Mail me at [EMAIL] please");
  CHECK(dialog.list()->topLevelItemCount() == 0);
  doc->undoStack()->undo();
  CHECK(doc->dataset.examples[0].first_text("user") == "Mail me at jane.doe@example.com please");
}
