// The wizard's last page: what the run will cost before anything is spent (tokens,
// steps, time, memory), the warnings once more, and the suggestion to evaluate the base
// model first when the project has no evaluation to compare the fine-tuned model with.
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <optional>

#include "core/data/dataset.h"
#include "core/data/json.h"
#include "core/estimate/estimate.h"
#include "core/model/config.h"
#include "core/text/tokenizer_token_counter.h"
#include "core/train/training_job.h"
#include "ui/training/run_metrics.h"
#include "ui/training/training_session.h"
#include "ui/training/wizard_pages.h"

namespace tunesmith::ui {

namespace {

// Training FLOPs per token and parameter: forward 2, backward 2 for the activations'
// gradients (LoRA) plus 2 for the weights' (full fine-tuning), as in Kaplan et al.
double flops_per_token(const train::TrainConfig& c, std::int64_t parameters) {
  return (c.trainable == train::Trainable::Full ? 6.0 : 4.0) * static_cast<double>(parameters);
}

// What a CPU thread sustains in torch's fp32 matmuls while training, measured on the
// tiny preset (bench_model) and rounded down; a guess until a run of the model measures it.
constexpr double kCpuFlopsPerThread = 15e9;
// A mid-range CUDA GPU in bf16, well below peak (attention, optimizer and data are not matmuls).
constexpr double kGpuFlops = 40e12;

// The median tokens/s of earlier runs of the same model in the project, if any.
std::optional<double> measured_tokens_per_s(const project::Project& p, const std::string& model_dir) {
  std::vector<double> speeds;
  for (const std::string& r : p.runs) {
    const std::string dir = p.resolve(r);
    try {
      if (train::load_run_config(dir).model_dir != model_dir) continue;
      for (const auto& s : read_metrics(dir + "/metrics.jsonl").steps)
        if (s.tokens_per_s && *s.tokens_per_s > 0) speeds.push_back(*s.tokens_per_s);
    } catch (const std::exception&) {
      // A run without a readable config (never started) measured nothing.
    }
  }
  if (speeds.empty()) return std::nullopt;
  std::nth_element(speeds.begin(), speeds.begin() + static_cast<std::ptrdiff_t>(speeds.size() / 2), speeds.end());
  return speeds[speeds.size() / 2];
}

QString duration(double seconds) {
  if (seconds < 90) return EstimatePage::tr("about %1 s").arg(std::max(1.0, std::round(seconds)));
  if (seconds < 5400) return EstimatePage::tr("about %1 min").arg(std::round(seconds / 60));
  return EstimatePage::tr("about %1 h").arg(seconds / 3600, 0, 'f', 1);
}

QString number(double n) { return QLocale().toString(n, 'f', 0); }

}  // namespace

EstimatePage::EstimatePage(QWidget* parent) : WizardPage(parent) {
  setTitle(tr("Before You Start"));
  setSubTitle(tr("What this run will take. Nothing has been spent yet."));
  setCommitPage(false);
  summary_ = new QLabel;
  summary_->setObjectName(QStringLiteral("estimateSummary"));
  estimate_ = new QLabel;
  estimate_->setObjectName(QStringLiteral("estimateFigures"));
  baseline_ = new QLabel;
  baseline_->setObjectName(QStringLiteral("baselineSuggestion"));
  warnings_ = new QLabel;
  warnings_->setObjectName(QStringLiteral("estimateWarnings"));
  for (QLabel* l : {summary_, estimate_, baseline_, warnings_}) {
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  }
  baseline_->setStyleSheet(QStringLiteral("QLabel { background: palette(alternate-base); padding: 8px; }"));
  warnings_->setStyleSheet(QStringLiteral("color:#8a5300"));
  error_ = new QLabel;
  error_->setObjectName(QStringLiteral("estimateError"));
  error_->setWordWrap(true);
  error_->setStyleSheet(QStringLiteral("color:#b3261e"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_);
  layout->addWidget(estimate_);
  layout->addWidget(baseline_);
  layout->addWidget(warnings_);
  layout->addWidget(error_);
  layout->addStretch(1);
}

bool EstimatePage::validatePage() {
  try {
    train::TrainConfig probe = config();
    if (probe.out_dir.empty()) probe.out_dir = "run";  // the folder is created on accept
    probe.validate();
  } catch (const std::exception& e) {
    error_->setText(QString::fromUtf8(e.what()));
    return false;
  }
  error_->clear();
  return true;
}

void EstimatePage::initializePage() {
  const train::TrainConfig& c = config();
  const project::Project& p = *wiz()->project();
  const bool lora = c.trainable == train::Trainable::Lora;
  summary_->setText(tr("<b>%1</b> on <b>%2</b> with %3; device: %4.")
                        .arg(lora ? tr("LoRA rank %1 on %2 projections").arg(c.lora_r).arg(c.lora_targets.size())
                                  : tr("Full fine-tuning"),
                             QString::fromStdString(c.model_dir).section(QLatin1Char('/'), -1),
                             c.val_files.empty() ? tr("no validation data") : tr("validation data"),
                             QString::fromStdString(c.device)));

  QStringList rows;
  auto row = [&rows](const QString& k, const QString& v) {
    rows << QStringLiteral("<tr><td style='padding-right:16px'>%1</td><td>%2</td></tr>").arg(k, v);
  };
  try {
    const data::Dataset train = data::load_jsonl(c.train_files.at(0)).dataset;
    std::optional<text::TokenizerTokenCounter> counter;
    if (const text::Tokenizer* tok = wiz()->tokenizer()) counter.emplace(*tok);
    const data::EstimatedTokenCounter fallback;
    const data::TokenCounter& tokens = counter ? static_cast<const data::TokenCounter&>(*counter) : fallback;
    const estimate::TokenEstimate te =
        estimate::count_training_tokens(train.examples, tokens, static_cast<std::size_t>(c.max_seq_len));
    const std::int64_t n = static_cast<std::int64_t>(te.examples);
    const std::int64_t per_step = c.batch_size * c.grad_accum;
    const std::int64_t steps_per_epoch = std::max<std::int64_t>(1, (n + per_step - 1) / per_step);
    const std::int64_t steps = c.max_steps > 0 ? c.max_steps : steps_per_epoch * c.epochs;
    const double epochs = static_cast<double>(steps) / static_cast<double>(steps_per_epoch);
    const double total_tokens = static_cast<double>(te.billed_per_epoch) * epochs;
    row(tr("Examples"), tr("%1, %2 of them longer than %3 tokens").arg(n).arg(te.truncated).arg(c.max_seq_len));
    row(tr("Tokens"), tr("%1 per epoch%2").arg(number(static_cast<double>(te.billed_per_epoch)),
                                               te.is_estimate ? tr(" (estimated from bytes)") : tr(" (model's tokenizer)")));
    row(tr("Steps"), tr("%1 (%2 epochs of %3 steps)").arg(steps).arg(epochs, 0, 'g', 3).arg(steps_per_epoch));

    const data::Json config_json = data::Json::parse(
        std::ifstream(c.model_dir + "/config.json"), nullptr, /*allow_exceptions=*/true);
    const estimate::ModelShape shape = estimate::model_shape_from_config(config_json);
    const bool gpu = c.device == "cuda";
    const auto measured = measured_tokens_per_s(p, c.model_dir);
    const int threads = c.threads > 0 ? c.threads : TrainingSession::training_threads();
    const double guessed = (gpu ? kGpuFlops : kCpuFlopsPerThread * threads) / flops_per_token(c, shape.parameters());
    const double speed = measured.value_or(guessed);
    row(tr("Time"), tr("%1 at %2 tokens/s %3")
                        .arg(duration(estimate::estimate_local_seconds(static_cast<std::uint64_t>(total_tokens), speed)),
                             number(speed),
                             measured ? tr("(measured on earlier runs of this model)")
                                      : tr("(a rough guess: no run of this model was measured yet)")));

    estimate::LocalRunSetup setup;
    setup.lora_rank = lora ? static_cast<int>(c.lora_r) : 0;
    // The estimator knows two shapes: q_proj + v_proj, or every projection.
    setup.all_linear = std::any_of(c.lora_targets.begin(), c.lora_targets.end(),
                                   [](const std::string& t) { return t != "q_proj" && t != "v_proj"; });
    setup.seq_len = c.max_seq_len;
    setup.batch = c.batch_size;
    setup.quantization = gpu ? estimate::Quantization::None16 : estimate::Quantization::Float32;
    const estimate::VramEstimate v = estimate::estimate_vram(shape, setup);
    row(gpu ? tr("GPU memory") : tr("Memory"),
        tr("about %1 GiB (weights %2, adapter and optimizer %3, activations %4)")
            .arg(v.total(), 0, 'f', 2)
            .arg(v.weights, 0, 'f', 2)
            .arg(v.trainable + v.gradients + v.optimizer, 0, 'f', 2)
            .arg(v.activations + v.logits, 0, 'f', 2));
    row(tr("Trainable parameters"), number(static_cast<double>(v.trainable_parameters)));
  } catch (const std::exception& e) {
    rows << QStringLiteral("<tr><td colspan='2' style='color:#b3261e'>%1</td></tr>")
                .arg(tr("Cannot estimate: %1").arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
  }
  estimate_->setText(QStringLiteral("<table>%1</table>").arg(rows.join(QString())));

  if (!p.baseline) {
    baseline_->setText(tr("<b>Evaluate the base model first?</b> This project has no baseline evaluation yet. Scoring the "
                          "base model on the test split before training gives the fine-tuned model something to "
                          "beat, and shows whether fine-tuning is needed at all."));
    baseline_->show();
  } else {
    baseline_->hide();
  }
  warnings_->setText(warnings_html(train::training_warnings(c, wiz()->trainingExamples())));
}

}  // namespace tunesmith::ui
