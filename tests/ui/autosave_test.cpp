// Nothing is lost on a crash: a child process (autosave_child) edits a dataset through
// the document's undo commands with autosave on, and is killed with SIGKILL. Reopened,
// the file holds the edit (when the autosave had happened) or a complete earlier state,
// never a truncated or mixed file.
#include <catch2/catch.hpp>

#include <QProcess>
#include <QThread>

#include <random>

#include "core/data/dataset.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;

namespace {

std::string child_path() { return test::binary_path("tests/ui/autosave_child"); }

std::string demo_train() { return test::read_text(test::source_path("resources/demo/acme/train.jsonl")); }

// Starts the child, waits for its line on stdout, kills it with SIGKILL.
void run_and_kill(const std::string& file, const char* mode, const char* expected_line, int extra_ms) {
  QProcess child;
  child.start(QString::fromStdString(child_path()), {QString::fromStdString(file), QString::fromLatin1(mode)});
  REQUIRE(child.waitForStarted(10000));
  REQUIRE(child.waitForReadyRead(20000));
  CHECK(child.readLine().trimmed() == expected_line);
  if (extra_ms > 0) QThread::msleep(static_cast<unsigned long>(extra_ms));
  child.kill();  // SIGKILL on Unix: no handler, no flush, no destructor runs
  REQUIRE(child.waitForFinished(10000));
  CHECK(child.exitStatus() == QProcess::CrashExit);
}

}  // namespace

TEST_CASE("an edit saved by autosave survives SIGKILL", "[ui][autosave]") {
  const std::string dir = test::scratch_dir("ui-autosave-once");
  const std::string file = test::write_text(dir + "/train.jsonl", demo_train());
  const auto original = data::load_jsonl(file).dataset;

  run_and_kill(file, "once", "saved", 0);

  const auto reloaded = data::load_jsonl(file);
  CHECK(reloaded.findings.empty());
  REQUIRE(reloaded.dataset.examples.size() == original.examples.size());
  CHECK(reloaded.dataset.examples[1].first_text("user") == "EDITED ONCE");
  // Everything else is byte for byte what it was.
  for (std::size_t i = 0; i < original.examples.size(); ++i)
    if (i != 1) CHECK(reloaded.dataset.examples[i].to_jsonl() == original.examples[i].to_jsonl());
  // No temporary file is left behind to be mistaken for data.
  const auto listing = test::run_command("ls -A '" + dir + "'").out;
  CHECK(listing == "train.jsonl\n");
}

TEST_CASE("SIGKILL in the middle of a storm of edits and saves leaves a complete file", "[ui][autosave]") {
  const std::string dir = test::scratch_dir("ui-autosave-storm");
  const std::string file = test::write_text(dir + "/train.jsonl", demo_train());
  const auto original = data::load_jsonl(file).dataset;
  std::mt19937 random(20251124);
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    // Killed at a random moment while edits and atomic saves follow each other.
    run_and_kill(file, "storm", "started", std::uniform_int_distribution<int>(1, 120)(random));
    const auto reloaded = data::load_jsonl(file);
    CHECK(reloaded.findings.empty());  // no torn or truncated line
    REQUIRE(reloaded.dataset.examples.size() == original.examples.size());
    std::size_t edited = 0;
    for (std::size_t i = 0; i < original.examples.size(); ++i) {
      const std::string user = reloaded.dataset.examples[i].first_text("user");
      if (user.rfind("storm ", 0) == 0) {
        ++edited;
      } else {
        CHECK(user == original.examples[i].first_text("user"));
      }
    }
    CHECK(edited > 0);  // at least the first autosave reached the disk
  }
}
