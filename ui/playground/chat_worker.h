#pragma once
// The playground's engine side: one base model loaded once, an optional LoRA adapter on
// it switched on and off per request (train::Lora::set_enabled, so "base" and
// "fine-tuned" answers come from the same weights in memory), and streamed generation.
// Lives on its own QThread; every slot runs there, every signal is queued to the GUI.
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace tunesmith::ui {

struct ChatSettings {
  double temperature = 0.7;  // 0 = greedy
  double top_p = 0.95;
  int top_k = 50;
  int max_new_tokens = 256;
  quint64 seed = 0;
};

class ChatWorker final : public QObject {
  Q_OBJECT

 public:
  ChatWorker();
  ~ChatWorker() override;

  // Thread-safe: stops the generation in progress before its next token.
  void requestStop() { stop_ = true; }

 public Q_SLOTS:
  // Loads the base (kept when `modelDir` is already loaded) and attaches the adapter in
  // `adapterDir` ("" = none). `chatTemplate` "" = the model's own, else a built-in name.
  void load(const QString& modelDir, const QString& adapterDir, const QString& chatTemplate);
  // messagesJson: [{"role": ..., "content": ...}, ...]; the answer streams as token().
  void generate(const QString& messagesJson, const tunesmith::ui::ChatSettings& settings, bool useAdapter);

 Q_SIGNALS:
  void loaded(const QString& description, bool hasAdapter);
  void loadFailed(const QString& message);
  // New text since the last token() (whole characters only).
  void token(const QString& text);
  void finished(const QString& text, const QString& finishReason, int tokens, double seconds, bool usedAdapter);
  void failed(const QString& message);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::atomic<bool> stop_{false};
};

}  // namespace tunesmith::ui

Q_DECLARE_METATYPE(tunesmith::ui::ChatSettings)
