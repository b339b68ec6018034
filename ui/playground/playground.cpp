#include "ui/playground/playground.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QThread>
#include <QVBoxLayout>

#include <exception>

#include "core/train/training_job.h"
#include "ui/models/model_catalog.h"
#include "ui/playground/chat_worker.h"

namespace tunesmith::ui {

namespace {

QString paragraphs(const QString& text) {
  return text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

}  // namespace

Playground::Playground(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("playground"));
  qRegisterMetaType<ChatSettings>();

  transcript_ = new QTextBrowser;
  transcript_->setObjectName(QStringLiteral("chatTranscript"));
  transcript_->setOpenLinks(false);
  input_ = new QPlainTextEdit;
  input_->setObjectName(QStringLiteral("chatInput"));
  input_->setPlaceholderText(tr("Ask something… (Ctrl+Return sends)"));
  input_->setMaximumHeight(input_->fontMetrics().lineSpacing() * 5);
  send_ = new QPushButton(tr("Send"));
  send_->setObjectName(QStringLiteral("sendMessage"));
  send_->setDefault(true);
  stop_ = new QPushButton(tr("Stop"));
  stop_->setObjectName(QStringLiteral("stopGeneration"));
  clear_ = new QPushButton(tr("Clear"));
  clear_->setObjectName(QStringLiteral("clearChat"));
  status_ = new QLabel;
  status_->setObjectName(QStringLiteral("playgroundStatus"));
  status_->setForegroundRole(QPalette::PlaceholderText);
  connect(send_, &QPushButton::clicked, this, &Playground::send);
  connect(stop_, &QPushButton::clicked, this, &Playground::stop);
  connect(clear_, &QPushButton::clicked, this, &Playground::clearChat);
  auto* sendShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), input_);
  sendShortcut->setContext(Qt::WidgetShortcut);
  connect(sendShortcut, &QShortcut::activated, this, &Playground::send);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(status_, 1);
  buttons->addWidget(clear_);
  buttons->addWidget(stop_);
  buttons->addWidget(send_);
  auto* chat = new QWidget;
  auto* chatLayout = new QVBoxLayout(chat);
  chatLayout->setContentsMargins(0, 0, 0, 0);
  chatLayout->addWidget(transcript_, 1);
  chatLayout->addWidget(input_);
  chatLayout->addLayout(buttons);

  model_ = new QComboBox;
  model_->setObjectName(QStringLiteral("playgroundModel"));
  model_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  model_->setMinimumContentsLength(16);
  adapter_ = new QComboBox;
  adapter_->setObjectName(QStringLiteral("playgroundAdapter"));
  adapter_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  adapter_->setMinimumContentsLength(16);
  adapterOn_ = new QCheckBox(tr("Use the adapter"));
  adapterOn_->setObjectName(QStringLiteral("adapterToggle"));
  adapterOn_->setChecked(true);
  adapterOn_->setToolTip(tr("Off: the same loaded base model answers without the adapter"));
  connect(model_, &QComboBox::activated, this, [this] { selectModel(model_->currentData().toString()); });
  connect(adapter_, &QComboBox::activated, this, [this] { selectRun(adapter_->currentData().toString()); });

  system_ = new QPlainTextEdit;
  system_->setObjectName(QStringLiteral("systemPrompt"));
  system_->setPlaceholderText(tr("System prompt (optional)"));
  system_->setMaximumHeight(system_->fontMetrics().lineSpacing() * 5);
  temperature_ = new QDoubleSpinBox;
  temperature_->setObjectName(QStringLiteral("temperature"));
  temperature_->setRange(0, 2);
  temperature_->setSingleStep(0.1);
  temperature_->setValue(0.7);
  temperature_->setSpecialValueText(tr("0 (greedy)"));
  topP_ = new QDoubleSpinBox;
  topP_->setObjectName(QStringLiteral("topP"));
  topP_->setRange(0.01, 1);
  topP_->setSingleStep(0.05);
  topP_->setValue(0.95);
  topK_ = new QSpinBox;
  topK_->setObjectName(QStringLiteral("topK"));
  topK_->setRange(0, 100000);
  topK_->setValue(50);
  topK_->setSpecialValueText(tr("off"));
  maxTokens_ = new QSpinBox;
  maxTokens_->setObjectName(QStringLiteral("maxTokens"));
  maxTokens_->setRange(1, 32768);
  maxTokens_->setValue(256);
  seed_ = new QSpinBox;
  seed_->setObjectName(QStringLiteral("seed"));
  seed_->setRange(0, 1 << 30);

  auto* modelBox = new QGroupBox(tr("Model"));
  auto* modelForm = new QFormLayout(modelBox);
  modelForm->addRow(tr("Base:"), model_);
  modelForm->addRow(tr("Adapter:"), adapter_);
  modelForm->addRow(QString(), adapterOn_);
  auto* samplingBox = new QGroupBox(tr("Sampling"));
  auto* samplingForm = new QFormLayout(samplingBox);
  samplingForm->addRow(tr("Temperature:"), temperature_);
  samplingForm->addRow(tr("Top-p:"), topP_);
  samplingForm->addRow(tr("Top-k:"), topK_);
  samplingForm->addRow(tr("Max tokens:"), maxTokens_);
  samplingForm->addRow(tr("Seed:"), seed_);
  auto* side = new QWidget;
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(modelBox);
  sideLayout->addWidget(new QLabel(tr("System prompt:")));
  sideLayout->addWidget(system_);
  sideLayout->addWidget(samplingBox);
  sideLayout->addStretch(1);

  auto* split = new QSplitter;
  split->addWidget(chat);
  split->addWidget(side);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(split);

  // The worker lives on its own thread; signals both ways are queued.
  thread_ = new QThread(this);
  thread_->setObjectName(QStringLiteral("playgroundWorker"));
  worker_ = new ChatWorker;
  worker_->moveToThread(thread_);
  connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(this, &Playground::requestLoad, worker_, &ChatWorker::load);
  connect(this, &Playground::requestGenerate, worker_, &ChatWorker::generate);
  connect(worker_, &ChatWorker::loaded, this, [this](const QString& description, bool hasAdapter) {
    loaded_ = true;
    hasAdapter_ = hasAdapter;
    status_->setText(hasAdapter ? tr("%1, adapter loaded").arg(description) : description);
    setBusy(false);
    Q_EMIT modelReady(true);
  });
  connect(worker_, &ChatWorker::loadFailed, this, [this](const QString& message) {
    loaded_ = false;
    status_->setText(tr("Cannot load: %1").arg(message));
    setBusy(false);
    Q_EMIT modelReady(false);
  });
  connect(worker_, &ChatWorker::token, this, [this](const QString& text) {
    streaming_ += text;
    render();
    Q_EMIT partialAnswer(streaming_);
  });
  connect(worker_, &ChatWorker::finished, this,
          [this](const QString& text, const QString& finish, int tokens, double seconds, bool usedAdapter) {
            messages_.push_back({{"role", "assistant"}, {"content", text.toStdString()}});
            streaming_.clear();
            render();
            status_->setText(tr("%1 tokens in %2 s (%3)%4")
                                 .arg(tokens)
                                 .arg(seconds, 0, 'f', 1)
                                 .arg(finish, usedAdapter ? tr(", with the adapter") : tr(", base model")));
            setBusy(false);
            Q_EMIT answerFinished(text, finish, usedAdapter);
          });
  connect(worker_, &ChatWorker::failed, this, [this](const QString& message) {
    streaming_.clear();
    if (!messages_.empty() && messages_.back()["role"] == "user") messages_.erase(messages_.size() - 1);
    render();
    status_->setText(tr("Failed: %1").arg(message));
    setBusy(false);
  });
  thread_->start();
  setBusy(false);
  render();
}

Playground::~Playground() {
  worker_->requestStop();
  thread_->quit();
  thread_->wait();
}

void Playground::setProject(const project::Project* project) {
  project_ = project;
  fillChoices();
}

void Playground::fillChoices() {
  const QString model = model_->currentData().toString(), run = adapter_->currentData().toString();
  model_->clear();
  for (const ModelEntry& e : list_models(project_, huggingface_hub_dir()))
    model_->addItem(QString::fromStdString(e.label), QString::fromStdString(e.path));
  adapter_->clear();
  adapter_->addItem(tr("None (base model)"), QString());
  if (project_) {
    for (const std::string& r : project_->runs) {
      const QString dir = QString::fromStdString(project_->resolve(r));
      if (QFileInfo::exists(dir + QStringLiteral("/adapter/adapter_config.json")))
        adapter_->addItem(QFileInfo(dir).fileName(), dir);
    }
  }
  model_->setCurrentIndex(std::max(0, model_->findData(model)));
  adapter_->setCurrentIndex(std::max(0, adapter_->findData(run)));
}

void Playground::selectModel(const QString& modelDir) {
  int i = model_->findData(modelDir);
  if (i < 0) {
    model_->addItem(QFileInfo(modelDir).fileName(), modelDir);
    i = model_->count() - 1;
  }
  model_->setCurrentIndex(i);
  adapter_->setCurrentIndex(0);
  load();
}

void Playground::selectRun(const QString& runDir) {
  if (runDir.isEmpty()) {
    adapter_->setCurrentIndex(0);
    load();
    return;
  }
  int i = adapter_->findData(runDir);
  if (i < 0) {
    adapter_->addItem(QFileInfo(runDir).fileName(), runDir);
    i = adapter_->count() - 1;
  }
  adapter_->setCurrentIndex(i);
  try {
    // The adapter only makes sense on the base it was trained on.
    const QString base = QString::fromStdString(train::load_run_config(runDir.toStdString()).model_dir);
    int m = model_->findData(base);
    if (m < 0) {
      model_->addItem(QFileInfo(base).fileName(), base);
      m = model_->count() - 1;
    }
    model_->setCurrentIndex(m);
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot read the run: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  load();
}

void Playground::setAdapterEnabled(bool enabled) { adapterOn_->setChecked(enabled); }

void Playground::load() {
  const QString model = model_->currentData().toString();
  if (model.isEmpty()) return;
  const QString run = adapter_->currentData().toString();
  QString chatTemplate;
  if (!run.isEmpty()) {
    try {
      chatTemplate = QString::fromStdString(train::load_run_config(run.toStdString()).chat_template);
    } catch (const std::exception&) {
      // selectRun reported it; chat with the model's own template.
    }
  }
  loaded_ = false;
  setBusy(true);
  status_->setText(tr("Loading %1…").arg(model_->currentText()));
  Q_EMIT requestLoad(model, run.isEmpty() ? QString() : run + QStringLiteral("/adapter"), chatTemplate);
}

ChatSettings Playground::settings() const {
  ChatSettings s;
  s.temperature = temperature_->value();
  s.top_p = topP_->value();
  s.top_k = topK_->value();
  s.max_new_tokens = maxTokens_->value();
  s.seed = static_cast<quint64>(seed_->value());
  return s;
}

void Playground::send() {
  const QString text = input_->toPlainText().trimmed();
  if (busy_ || !loaded_ || text.isEmpty()) return;
  messages_.push_back({{"role", "user"}, {"content", text.toStdString()}});
  input_->clear();
  data::Json request = data::Json::array();
  if (const QString sys = system_->toPlainText().trimmed(); !sys.isEmpty())
    request.push_back({{"role", "system"}, {"content", sys.toStdString()}});
  for (const auto& m : messages_) request.push_back(m);
  streaming_.clear();
  setBusy(true);
  status_->setText(tr("Generating…"));
  render();
  Q_EMIT requestGenerate(QString::fromStdString(request.dump()), settings(), adapterOn_->isChecked());
}

void Playground::stop() { worker_->requestStop(); }

void Playground::clearChat() {
  if (busy_) return;
  messages_ = data::Json::array();
  streaming_.clear();
  render();
}

void Playground::setBusy(bool busy) {
  busy_ = busy;
  send_->setEnabled(!busy && loaded_);
  stop_->setEnabled(busy && loaded_);
  clear_->setEnabled(!busy);
  model_->setEnabled(!busy);
  adapter_->setEnabled(!busy);
  adapterOn_->setEnabled(!busy && hasAdapter_);
}

void Playground::render() {
  QString html;
  const QString you = tr("You"), model = tr("Model");
  for (const auto& m : messages_) {
    const bool user = m["role"] == "user";
    html += QStringLiteral("<p style='margin:8px 0 2px 0'><b>%1</b></p><p style='margin:0 0 6px 0'>%2</p>")
                .arg(user ? you : model, paragraphs(QString::fromStdString(m["content"].get<std::string>())));
  }
  if (busy_ && loaded_ && !messages_.empty() && messages_.back()["role"] == "user")
    html += QStringLiteral("<p style='margin:8px 0 2px 0'><b>%1</b></p><p style='margin:0'>%2▍</p>")
                .arg(model, paragraphs(streaming_));
  if (html.isEmpty()) html = tr("<p style='color:gray'>Choose a model (and a trained adapter) on the right, then ask "
                                "it something.</p>");
  transcript_->setHtml(html);
  transcript_->verticalScrollBar()->setValue(transcript_->verticalScrollBar()->maximum());
}

}  // namespace tunesmith::ui
