#pragma once
// The playground: chat with a model, with a trained adapter switched on or off on the
// same loaded base, answers streaming in token by token, a Stop button, and the
// sampling settings. The model runs on a ChatWorker in its own QThread.
#include <QWidget>

#include "core/data/json.h"
#include "core/project/project.h"
#include "ui/playground/chat_worker.h"  // ChatSettings: moc needs it complete

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;
class QThread;

namespace tunesmith::ui {

class Playground final : public QWidget {
  Q_OBJECT

 public:
  explicit Playground(QWidget* parent = nullptr);
  ~Playground() override;  // stops a generation and ends the worker thread

  // Non-owning: the models and the runs with adapters come from the project.
  void setProject(const project::Project* project);
  // Loads `modelDir` with the adapter of `runDir` ("" = none); the adapter's own base
  // is used when a run is given.
  void selectModel(const QString& modelDir);
  void selectRun(const QString& runDir);
  void setAdapterEnabled(bool enabled);

  bool busy() const { return busy_; }
  bool modelLoaded() const { return loaded_; }
  // The conversation so far ([{"role", "content"}, ...]).
  const data::Json& messages() const { return messages_; }

 public Q_SLOTS:
  void send();
  void stop();
  void clearChat();

 Q_SIGNALS:
  void modelReady(bool ok);
  // The answer so far, after each streamed piece.
  void partialAnswer(const QString& text);
  void answerFinished(const QString& text, const QString& finishReason, bool usedAdapter);

  // To the worker (queued).
  void requestLoad(const QString& modelDir, const QString& adapterDir, const QString& chatTemplate);
  void requestGenerate(const QString& messagesJson, const tunesmith::ui::ChatSettings& settings, bool useAdapter);

 private:
  void fillChoices();
  void load();
  void render();
  void setBusy(bool busy);
  ChatSettings settings() const;

  const project::Project* project_ = nullptr;
  QThread* thread_ = nullptr;
  ChatWorker* worker_ = nullptr;
  data::Json messages_ = data::Json::array();
  QString streaming_;  // the answer being generated
  bool busy_ = false;
  bool loaded_ = false;
  bool hasAdapter_ = false;

  QComboBox* model_ = nullptr;
  QComboBox* adapter_ = nullptr;
  QCheckBox* adapterOn_ = nullptr;
  QPlainTextEdit* system_ = nullptr;
  QDoubleSpinBox* temperature_ = nullptr;
  QDoubleSpinBox* topP_ = nullptr;
  QSpinBox* topK_ = nullptr;
  QSpinBox* maxTokens_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QTextBrowser* transcript_ = nullptr;
  QPlainTextEdit* input_ = nullptr;
  QPushButton* send_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* clear_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace tunesmith::ui
