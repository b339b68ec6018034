// The training half of the studio, driven through its real widgets on the offscreen
// platform: the model picker, the wizard to a CPU training of a tiny model with chart
// points arriving, cancel and resume, the run view of a finished run, exports, and the
// playground with the adapter on and off. Training stays at a few steps of a 2-layer,
// width-64 model, so the whole file runs in seconds.
// c10 (through the model headers) brings glog, whose one-argument CHECK macro would
// replace Catch's: include them first and let Catch define CHECK after.
#include "core/model/loader.h"
#include "core/model/presets.h"
#undef CHECK

#include <catch2/catch.hpp>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "core/project/project.h"
#include "core/train/training_job.h"
#include "tests/support/test_paths.h"
#include "ui/models/model_picker.h"
#include "ui/playground/playground.h"
#include "ui/training/loss_chart.h"
#include "ui/training/run_metrics.h"
#include "ui/training/run_view.h"
#include "ui/training/training_session.h"
#include "ui/training/training_wizard.h"

using namespace tunesmith;
namespace fs = std::filesystem;

namespace {

// Processes events until `done` holds or `ms` pass; returns done().
bool wait_for(const std::function<bool()>& done, int ms) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < ms) QTest::qWait(10);
  return done();
}

std::string first_lines(const std::string& path, int n) {
  std::ifstream in(path);
  std::string line, out;
  for (int i = 0; i < n && std::getline(in, line); ++i) out += line + "\n";
  return out;
}

// A project with the tiny preset (random weights, the demo tokenizer) as its model and
// 12 training / 4 validation examples of the Acme data.
project::Project tiny_project(const std::string& name) {
  const std::string dir = test::scratch_dir(name);
  project::Project p;
  p.folder = dir;
  p.name = "Tiny";
  model::InitOptions init;
  init.preset = "tiny";
  init.tokenizer_dir = test::source_path("resources/demo/model");
  init.out_dir = dir + "/models/tiny";
  init.seed = 7;
  model::init_model(init);
  p.models = {"models/tiny"};
  test::write_text(dir + "/data/train.jsonl", first_lines(test::source_path("resources/demo/acme/train.jsonl"), 12));
  // Validation: lines 13..16 of the training file (not the test split, which stays held out).
  std::ifstream in(test::source_path("resources/demo/acme/train.jsonl"));
  std::string line, val;
  for (int i = 0; std::getline(in, line) && i < 16; ++i)
    if (i >= 12) val += line + "\n";
  test::write_text(dir + "/data/val.jsonl", val);
  p.datasets = {{"Acme train", "data/train.jsonl", "train"}, {"Acme val", "data/val.jsonl", "val"}};
  project::save_project(p);
  return p;
}

// The settings of a short CPU run: a few optimizer steps over a handful of examples.
train::TrainConfig short_run(const project::Project& p, const std::string& out_dir, std::int64_t steps, double lr) {
  train::TrainConfig c;
  c.model_dir = p.resolve("models/tiny");
  c.train_files = {p.resolve("data/train.jsonl")};
  c.val_files = {p.resolve("data/val.jsonl")};
  c.out_dir = out_dir;
  c.device = "cpu";
  c.max_steps = steps;
  c.batch_size = 2;
  c.max_seq_len = 256;
  c.lr = lr;
  c.eval_steps = 2;
  c.save_steps = 2;
  return c;
}

// One finished run shared by the tests that only read it (trained once per process).
const std::string& finished_run() {
  static const std::string dir = [] {
    project::Project p = tiny_project("ui-finished-run");
    const std::string run = p.resolve("runs/finished");
    // A high rate so that 8 steps move the adapter far enough to change greedy answers.
    train::TrainingJob job(short_run(p, run, 8, 2e-2));
    job.start();
    job.wait();
    REQUIRE(job.outcome().state == jobs::JobState::Succeeded);
    p.runs = {"runs/finished"};
    project::save_project(p);
    return run;
  }();
  return dir;
}

void click(QWidget* w) {
  REQUIRE(w);
  REQUIRE(w->isEnabled());
  // Check boxes and radio buttons take clicks on their indicator and label only, and a
  // layout may stretch them wider: click near the left edge.
  const bool checkable = qobject_cast<QCheckBox*>(w) || qobject_cast<QRadioButton*>(w);
  QTest::mouseClick(w, Qt::LeftButton, {}, checkable ? QPoint(6, w->height() / 2) : w->rect().center());
}

// Replaces a spin box's text by typing, as a user would.
void type_into(QAbstractSpinBox* box, const QString& text) {
  REQUIRE(box);
  box->setFocus();
  box->selectAll();
  QTest::keyClick(box, Qt::Key_Backspace);
  QTest::keyClicks(box, text);
  QTest::keyClick(box, Qt::Key_Tab);
}

QTreeWidgetItem* find_item(QTreeWidget* tree, const QString& text) {
  for (QTreeWidgetItemIterator it(tree); *it; ++it)
    if ((*it)->text(0) == text) return *it;
  return nullptr;
}

void click_item(QTreeWidget* tree, const QString& text) {
  QTreeWidgetItem* item = find_item(tree, text);
  REQUIRE(item);
  const QRect rect = tree->visualItemRect(item);
  REQUIRE(rect.isValid());
  QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, rect.center());
}

}  // namespace

TEST_CASE("metrics.jsonl: steps, evals, resumed steps replaced, cut-off lines skipped", "[ui][training]") {
  const std::string dir = test::scratch_dir("ui-metrics");
  test::write_text(dir + "/metrics.jsonl",
                   R"({"type":"started","run_dir":"x","total_steps":4})" "\n"
                   R"({"type":"step","step":1,"epoch":0.5,"loss":4.0,"lr":1e-4,"tokens_per_s":100})" "\n"
                   R"({"type":"step","step":2,"loss":3.0,"lr":2e-4})" "\n"
                   R"({"type":"eval","step":2,"val_loss":3.5})" "\n"
                   R"({"type":"step","step":3,"loss":2.5})" "\n"
                   // resumed from the step-2 checkpoint: step 3 is computed again
                   R"({"type":"step","step":3,"loss":2.4})" "\n"
                   R"({"type":"step","step":4,"lo)");
  const ui::RunMetrics m = ui::read_metrics(dir + "/metrics.jsonl");
  REQUIRE(m.steps.size() == 3);
  CHECK(m.steps[0].tokens_per_s == Approx(100));
  CHECK(m.steps[1].lr == Approx(2e-4));
  CHECK(m.steps[2].loss == Approx(2.4));
  REQUIRE(m.evals.size() == 1);
  CHECK(m.evals[0].val_loss == Approx(3.5));
  CHECK(m.skipped_lines == 1);
  CHECK(ui::read_metrics(dir + "/missing.jsonl").steps.empty());

  // Bias-corrected EMA: the first point is the value itself, then a weighted mean.
  const auto s = ui::ema({4.0, 2.0}, 0.5);
  CHECK(s[0] == Approx(4.0));
  CHECK(s[1] == Approx((0.5 * 0.5 * 4.0 + 0.5 * 2.0) / 0.75));
}

TEST_CASE("the model picker lists project and cache models and validates the selected one", "[ui][training]") {
  project::Project p = tiny_project("ui-picker");
  const std::string hub = p.folder + "/hub";
  fs::create_directories(hub + "/models--acme--tiny/snapshots/abc12345ff");
  fs::copy(p.resolve("models/tiny"), hub + "/models--acme--tiny/snapshots/abc12345ff", fs::copy_options::recursive);
  test::write_text(hub + "/models--acme--broken/snapshots/def45678aa/config.json", R"({"architectures": ["GPT2LMHeadModel"]})");

  ui::ModelPicker picker;
  picker.setHubDir(QString::fromStdString(hub));
  picker.setProject(&p, ui::save_in_place(&p));
  picker.resize(900, 400);
  picker.show();
  REQUIRE(QTest::qWaitForWindowExposed(&picker));
  auto* list = picker.findChild<QTreeWidget*>("modelList");
  auto* details = picker.findChild<QLabel*>("modelDetails");
  REQUIRE(list);
  REQUIRE(details);
  REQUIRE(find_item(list, "tiny"));
  REQUIRE(find_item(list, "acme/tiny (abc12345)"));
  REQUIRE(find_item(list, "acme/broken (def45678)"));

  click_item(list, "acme/broken (def45678)");
  CHECK_FALSE(picker.currentValid());
  CHECK(details->text().contains("Not a usable model"));
  CHECK(details->text().contains("config.json"));  // the error names the file

  QSignalSpy changed(&picker, &ui::ModelPicker::currentModelChanged);
  click_item(list, "acme/tiny (abc12345)");
  CHECK(picker.currentValid());
  REQUIRE(changed.count() == 1);
  CHECK(changed[0][1].toBool());
  CHECK(details->text().contains("LlamaForCausalLM"));
  CHECK(details->text().contains("tokenizer.json"));
  CHECK(details->text().contains("in tokenizer_config.json"));  // the ChatML template
  CHECK(picker.currentDetails()->parameters > 0);
  CHECK(picker.currentDetails()->train_memory_gib > 0);

  // A folder added by the user is stored in the project (relative inside it) and saved.
  fs::copy(p.resolve("models/tiny"), p.resolve("models/mine"), fs::copy_options::recursive);
  picker.addFolder(QString::fromStdString(p.resolve("models/mine")));
  CHECK(picker.currentPath().endsWith("models/mine"));
  const project::Project saved = project::load_project(p.folder);
  CHECK(saved.models == std::vector<std::string>{"models/tiny", "models/mine"});
}

TEST_CASE("the wizard starts a CPU training; the run view charts it, cancels, resumes and exports",
          "[ui][training]") {
  project::Project p = tiny_project("ui-wizard");
  ui::TrainingWizard wizard(&p, ui::save_in_place(&p));
  wizard.show();
  REQUIRE(QTest::qWaitForWindowExposed(&wizard));
  QAbstractButton* next = wizard.button(QWizard::NextButton);

  // Backend: local, with what was detected.
  REQUIRE(wizard.currentId() == ui::TrainingWizard::BackendPageId);
  CHECK_FALSE(wizard.findChild<QRadioButton*>("backendOpenAI")->isEnabled());
  CHECK(wizard.findChild<QLabel*>("detectedDevice")->text().contains("cpu"));
  auto* device = wizard.findChild<QComboBox*>("deviceChoice");
  device->setCurrentIndex(device->findData("cpu"));
  click(next);

  // Model: the project's tiny model.
  REQUIRE(wizard.currentId() == ui::TrainingWizard::ModelPageId);
  auto* models = wizard.findChild<QTreeWidget*>("modelList");
  click_item(models, "tiny");
  click(next);

  // Data: the project's train and val splits, validated.
  REQUIRE(wizard.currentId() == ui::TrainingWizard::DataPageId);
  CHECK(wizard.findChild<QLabel*>("dataVerdict")->text().contains("Ready to train"));
  CHECK(wizard.findChild<QComboBox*>("valDataset")->currentText() == "Acme val (val)");
  click(next);

  // Hyperparameters: the Quick preset, then every setting on the Advanced page.
  REQUIRE(wizard.currentId() == ui::TrainingWizard::HyperparametersPageId);
  click(wizard.findChild<QRadioButton*>("presetQuick"));
  CHECK(wizard.findChild<QSpinBox*>("epochs")->value() == 1);
  CHECK(wizard.findChild<QSpinBox*>("loraRank")->value() == 8);
  // 12 examples: training_warnings says that is little.
  CHECK(wizard.findChild<QLabel*>("hyperparameterWarnings")->text().contains("12 training examples"));
  click(wizard.findChild<QCheckBox*>("showAdvanced"));
  click(next);

  REQUIRE(wizard.currentId() == ui::TrainingWizard::AdvancedPageId);
  // Enough steps that Cancel lands mid-run even when events queue up behind a busy GUI.
  type_into(wizard.findChild<QSpinBox*>("maxSteps"), "30");
  type_into(wizard.findChild<QSpinBox*>("batchSize"), "2");
  type_into(wizard.findChild<QSpinBox*>("advancedSeqLen"), "256");
  type_into(wizard.findChild<QSpinBox*>("saveSteps"), "2");
  type_into(wizard.findChild<QSpinBox*>("evalSteps"), "10");
  CHECK(wizard.config().max_steps == 30);
  CHECK(wizard.config().lora_targets == std::vector<std::string>{"q_proj", "v_proj"});
  click(next);

  // Estimate: tokens, steps, time and memory, and the baseline suggestion.
  REQUIRE(wizard.currentId() == ui::TrainingWizard::EstimatePageId);
  const QString figures = wizard.findChild<QLabel*>("estimateFigures")->text();
  CHECK(figures.contains("model's tokenizer"));
  CHECK(figures.contains("30 (5 epochs of 6 steps)"));  // 12 examples, 2 a step
  CHECK(figures.contains("GiB"));
  CHECK(wizard.findChild<QLabel*>("baselineSuggestion")->isVisible());
  click(wizard.button(QWizard::FinishButton));
  REQUIRE(wizard.result() == QDialog::Accepted);

  const train::TrainConfig config = wizard.config();
  REQUIRE(fs::is_directory(config.out_dir));
  const project::Project saved = project::load_project(p.folder);
  REQUIRE(saved.runs.size() == 1);
  CHECK(fs::equivalent(saved.resolve(saved.runs[0]), config.out_dir));

  ui::RunView view;
  view.setProject(&p);
  view.resize(1280, 800);
  view.show();
  REQUIRE(QTest::qWaitForWindowExposed(&view));

  // How late a 10 ms timer fires while training runs: the longest event-loop stall.
  qint64 worst_stall_ms = 0;
  QElapsedTimer since;
  QTimer probe;
  probe.setInterval(10);
  probe.setTimerType(Qt::PreciseTimer);
  QObject::connect(&probe, &QTimer::timeout, [&] {
    if (since.isValid()) worst_stall_ms = std::max(worst_stall_ms, since.elapsed() - 10);
    since.restart();
  });

  REQUIRE(view.startTraining(config));
  probe.start();
  ui::LossChart* chart = view.chart();
  REQUIRE(wait_for([&] { return chart->lossPointCount() >= 2; }, 120000));
  auto* cancel = view.findChild<QPushButton*>("cancelRun");
  click(cancel);
  REQUIRE(wait_for([&] { return !view.session()->running(); }, 60000));
  probe.stop();
  CHECK(view.session()->outcome().state == jobs::JobState::Cancelled);
  CHECK_FALSE(view.session()->outcome().last_checkpoint.empty());
  const int points_at_cancel = chart->lossPointCount();
  CHECK(points_at_cancel < 30);
  CHECK(view.findChild<QLabel*>("runState")->text().contains("resumed"));
  std::printf("training_test: longest event-loop stall while training: %lld ms (10 ms timer)\n",
              static_cast<long long>(worst_stall_ms));
  // Training runs on its own thread: the event loop is never blocked by a step.
  CHECK(worst_stall_ms < 1000);

  auto* resume = view.findChild<QPushButton*>("resumeRun");
  click(resume);
  REQUIRE(wait_for([&] { return !view.session()->running(); }, 120000));
  REQUIRE(view.session()->outcome().state == jobs::JobState::Succeeded);
  CHECK(chart->lossPointCount() == 30);
  CHECK(chart->evalPointCount() >= 3);
  CHECK(train::run_finished(config.out_dir));
  CHECK(view.findChild<QLabel*>("runState")->text().startsWith("Finished"));

  // A second view reads the same history back from the folder.
  ui::RunView again;
  again.setProject(&p);
  again.openRun(QString::fromStdString(config.out_dir));
  CHECK(again.chart()->lossPointCount() == 30);
  CHECK(again.findChild<QTreeWidget*>("runProvenance")->topLevelItemCount() > 0);
  CHECK_FALSE(again.findChild<QPushButton*>("resumeRun")->isEnabled());
  REQUIRE(again.addOverlay(QString::fromStdString(finished_run())));
  CHECK(again.chart()->overlayCount() >= 1);

  // Exports run off the GUI thread and report back.
  QSignalSpy exported(&again, &ui::RunView::exportFinished);
  const std::string out = test::scratch_dir("ui-export");
  again.exportAdapter(QString::fromStdString(out + "/adapter"));
  REQUIRE(exported.wait(30000));
  CHECK(exported[0][0].toBool());
  CHECK(fs::exists(out + "/adapter/adapter_model.safetensors"));
  again.exportMergedModel(QString::fromStdString(out + "/merged"));
  REQUIRE(exported.wait(60000));
  INFO(exported[1][1].toString().toStdString());
  CHECK(exported[1][0].toBool());
  CHECK_NOTHROW(model::inspect_model(out + "/merged"));
}

TEST_CASE("the playground streams answers with the adapter on and off, and stops", "[ui][training]") {
  const std::string run = finished_run();
  ui::Playground playground;
  playground.resize(1280, 800);
  playground.show();
  REQUIRE(QTest::qWaitForWindowExposed(&playground));
  QSignalSpy ready(&playground, &ui::Playground::modelReady);
  playground.selectRun(QString::fromStdString(run));
  REQUIRE(ready.wait(60000));
  INFO(playground.findChild<QLabel*>("playgroundStatus")->text().toStdString());
  REQUIRE(ready[0][0].toBool());

  auto* input = playground.findChild<QPlainTextEdit*>("chatInput");
  auto* send = playground.findChild<QPushButton*>("sendMessage");
  auto* toggle = playground.findChild<QCheckBox*>("adapterToggle");
  auto* temperature = playground.findChild<QDoubleSpinBox*>("temperature");
  auto* max_tokens = playground.findChild<QSpinBox*>("maxTokens");
  REQUIRE(toggle->isEnabled());
  REQUIRE(toggle->isChecked());
  type_into(temperature, "0");  // greedy: the two answers differ only by the adapter
  type_into(max_tokens, "16");

  auto ask = [&](const QString& question) {
    QSignalSpy partial(&playground, &ui::Playground::partialAnswer);
    QSignalSpy answered(&playground, &ui::Playground::answerFinished);
    input->setFocus();
    QTest::keyClicks(input, question);
    click(send);
    REQUIRE(answered.wait(60000));
    // Streamed: pieces arrive before the answer is complete.
    CHECK(partial.count() >= 1);
    return std::make_pair(answered[0][0].toString(), answered[0][2].toBool());
  };
  const auto [with_adapter, used_on] = ask("How do I reset my password?");
  CHECK(used_on);
  CHECK(playground.messages().size() == 2);
  CHECK(playground.messages()[1]["content"] == with_adapter.toStdString());

  click(toggle);
  CHECK_FALSE(toggle->isChecked());
  click(playground.findChild<QPushButton*>("clearChat"));
  const auto [base, used_off] = ask("How do I reset my password?");
  CHECK_FALSE(used_off);
  // Same weights in memory, same greedy decoding: only the adapter differs.
  CHECK(base != with_adapter);

  // Stop: a long answer is cut at once.
  type_into(max_tokens, "2000");
  QSignalSpy partial(&playground, &ui::Playground::partialAnswer);
  QSignalSpy answered(&playground, &ui::Playground::answerFinished);
  QTest::keyClicks(input, "Tell me everything.");
  click(send);
  REQUIRE(partial.wait(30000));
  CHECK(answered.count() == 0);  // the first piece came before the end
  click(playground.findChild<QPushButton*>("stopGeneration"));
  REQUIRE(wait_for([&] { return answered.count() > 0; }, 30000));
  CHECK(answered[0][1].toString() == "cancelled");
  CHECK(partial.count() < 2000);
}

// Not part of the default run: renders the wizard's pages, a run view (a finished run
// with a second one overlaid) and the playground to PNG files in
// $TUNESMITH_SCREENSHOT_DIR (default: a scratch folder), at the window's 1280x800;
// run it again with QT_SCALE_FACTOR=2 for the HiDPI pictures.
TEST_CASE("screenshots of the training views", "[.screenshots]") {
  const QByteArray env = qgetenv("TUNESMITH_SCREENSHOT_DIR");
  const std::string out = env.isEmpty() ? test::scratch_dir("ui-screenshots") : env.toStdString();
  fs::create_directories(out);
  const QString suffix = qEnvironmentVariableIsSet("QT_SCALE_FACTOR")
                             ? QStringLiteral("@%1x").arg(qgetenv("QT_SCALE_FACTOR").constData())
                             : QString();
  auto save = [&](QWidget& w, const QString& name) {
    QTest::qWait(200);  // the first layout and paint
    const QString file = QString::fromStdString(out) + QLatin1Char('/') + name + suffix + QStringLiteral(".png");
    REQUIRE(w.grab().save(file, "PNG"));
    std::printf("wrote %s\n", file.toLocal8Bit().constData());
  };

  project::Project p = tiny_project("ui-screenshot-project");
  // Two runs over all the Acme examples, at two learning rates, to compare.
  test::write_text(p.resolve("data/train.jsonl"), test::read_text(test::source_path("resources/demo/acme/train.jsonl")));
  for (const auto& [name, lr] : {std::pair{"runs/lr-1e-3", 1e-3}, std::pair{"runs/lr-3e-3", 3e-3}}) {
    train::TrainConfig c = short_run(p, p.resolve(name), 40, lr);
    c.batch_size = 4;
    c.eval_steps = 5;
    c.save_steps = 20;
    train::TrainingJob job(c);
    job.start();
    job.wait();
    REQUIRE(job.outcome().state == jobs::JobState::Succeeded);
    p.runs.push_back(name);
  }
  project::save_project(p);

  {
    ui::TrainingWizard wizard(&p, ui::save_in_place(&p));
    wizard.resize(1280, 800);
    wizard.show();
    REQUIRE(QTest::qWaitForWindowExposed(&wizard));
    const char* names[] = {"wizard-1-backend", "wizard-2-model", "wizard-3-data", "wizard-4-settings"};
    for (const char* name : names) {
      save(wizard, QString::fromLatin1(name));
      if (wizard.currentId() == ui::TrainingWizard::ModelPageId) click_item(wizard.findChild<QTreeWidget*>("modelList"), "tiny");
      if (wizard.currentId() == ui::TrainingWizard::HyperparametersPageId) click(wizard.findChild<QCheckBox*>("showAdvanced"));
      click(wizard.button(QWizard::NextButton));
    }
    save(wizard, QStringLiteral("wizard-5-advanced"));
    click(wizard.button(QWizard::NextButton));
    save(wizard, QStringLiteral("wizard-6-estimate"));
  }
  {
    ui::RunView view;
    view.setProject(&p);
    view.resize(1280, 800);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
    view.openRun(QString::fromStdString(p.resolve("runs/lr-3e-3")));
    REQUIRE(view.addOverlay(QString::fromStdString(p.resolve("runs/lr-1e-3"))));
    save(view, QStringLiteral("run-view"));
  }
  {
    ui::Playground playground;
    playground.setProject(&p);
    playground.resize(1280, 800);
    playground.show();
    REQUIRE(QTest::qWaitForWindowExposed(&playground));
    QSignalSpy ready(&playground, &ui::Playground::modelReady);
    playground.selectRun(QString::fromStdString(p.resolve("runs/lr-3e-3")));
    REQUIRE(ready.wait(60000));
    type_into(playground.findChild<QSpinBox*>("maxTokens"), "40");
    QSignalSpy answered(&playground, &ui::Playground::answerFinished);
    QTest::keyClicks(playground.findChild<QPlainTextEdit*>("chatInput"), "How do I reset my password?");
    click(playground.findChild<QPushButton*>("sendMessage"));
    REQUIRE(answered.wait(60000));
    save(playground, QStringLiteral("playground"));
  }
}
