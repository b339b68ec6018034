#include "ui/playground/chat_worker.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <QThread>

#include "core/data/json.h"
#include "core/model/device.h"
#include "core/model/generate.h"
#include "core/model/loader.h"
#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"

namespace tunesmith::ui {

struct ChatWorker::State {
  std::optional<model::Model> model;
  std::optional<text::Tokenizer> tokenizer;
  std::optional<text::ChatTemplate> chat_template;
  std::optional<train::Lora> lora;
  std::string model_dir, adapter_dir, template_spec;
};

ChatWorker::ChatWorker() : state_(std::make_unique<State>()) { qRegisterMetaType<ChatSettings>(); }

ChatWorker::~ChatWorker() = default;

void ChatWorker::load(const QString& modelDir, const QString& adapterDir, const QString& chatTemplate) {
  State& s = *state_;
  // Torch's pool on this thread: every core but one, so the window keeps one.
  at::set_num_threads(std::max(1, QThread::idealThreadCount() - 1));
  try {
    const std::string dir = modelDir.toStdString();
    if (!s.model || s.model_dir != dir) {
      s.lora.reset();  // the adapter points into the old model's layers
      s.model.reset();
      s.model_dir.clear();
      s.adapter_dir.clear();
      s.model = model::load_model(dir, {"auto", std::nullopt});
      s.tokenizer = text::Tokenizer::from_dir(dir);
      s.model_dir = dir;
      s.template_spec = "\x01";  // forces the template below to load
    }
    if (s.template_spec != chatTemplate.toStdString()) {
      s.chat_template = text::ChatTemplate::load(dir, chatTemplate.toStdString());
      s.template_spec = chatTemplate.toStdString();
    }
    const std::string adapter = adapterDir.toStdString();
    if (s.adapter_dir != adapter) {
      if (s.lora) {
        s.lora->detach();  // the base is as loaded again
        s.lora.reset();
      }
      s.adapter_dir.clear();
      if (!adapter.empty()) {
        at::NoGradGuard no_grad;  // load_adapter copies into tensors that require grad
        s.lora = train::load_adapter(s.model->net, adapter);
        s.adapter_dir = adapter;
      }
    }
    Q_EMIT loaded(QStringLiteral("%1 on %2").arg(modelDir.section(QLatin1Char('/'), -1),
                                                 QString::fromStdString(model::describe(s.model->device))),
                  s.lora.has_value());
  } catch (const std::exception& e) {
    Q_EMIT loadFailed(QString::fromUtf8(e.what()));
  }
}

void ChatWorker::generate(const QString& messagesJson, const ChatSettings& settings, bool useAdapter) {
  State& s = *state_;
  stop_ = false;
  if (!s.model || !s.tokenizer || !s.chat_template) {
    Q_EMIT failed(tr("No model is loaded."));
    return;
  }
  try {
    const bool adapter = useAdapter && s.lora;
    if (s.lora) s.lora->set_enabled(adapter);
    const data::Json messages = data::Json::parse(messagesJson.toStdString());
    // As transformers' apply_chat_template: the rendered text carries BOS where the
    // template puts it, so it is encoded without special tokens.
    const std::string prompt = s.chat_template->render(messages, /*add_generation_prompt=*/true);
    const auto ids32 = s.tokenizer->encode(prompt, /*add_special_tokens=*/false).ids;
    const std::vector<std::int64_t> ids(ids32.begin(), ids32.end());

    model::GenerateOptions options;
    options.max_new_tokens = settings.max_new_tokens;
    options.sampling.temperature = settings.temperature;
    options.sampling.top_p = settings.top_p;
    options.sampling.top_k = settings.top_k;
    options.sampling.seed = settings.seed;
    options.eos_token_ids = s.model->generation.eos_token_ids;
    if (options.eos_token_ids.empty()) options.eos_token_ids = s.model->config.eos_token_ids;
    options.pad_token_id = s.model->generation.pad_token_id.value_or(0);
    options.cancel = &stop_;
    const text::Tokenizer& tok = *s.tokenizer;
    options.decode = [&tok](const std::vector<std::int64_t>& t) {
      return tok.decode(std::vector<std::int32_t>(t.begin(), t.end()), /*skip_special_tokens=*/true);
    };
    // Streaming: decode everything so far and send what is new. A byte-level token can
    // end inside a character (decoded as U+FFFD): hold that back until it completes.
    std::vector<std::int32_t> so_far;
    QString sent;
    options.on_token = [&](std::size_t, std::int64_t id) {
      so_far.push_back(static_cast<std::int32_t>(id));
      const QString text = QString::fromStdString(tok.decode(so_far, /*skip_special_tokens=*/true));
      if (text.endsWith(QChar(0xFFFD)) || !text.startsWith(sent)) return;
      Q_EMIT token(text.mid(sent.size()));
      sent = text;
    };
    const auto t0 = std::chrono::steady_clock::now();
    const model::Generation g = model::generate(s.model->net, {ids}, options)[0];
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const QString text = QString::fromStdString(g.text);
    if (text.startsWith(sent) && text.size() > sent.size()) Q_EMIT token(text.mid(sent.size()));
    Q_EMIT finished(text, QString::fromUtf8(model::finish_reason_name(g.finish).data(), static_cast<int>(model::finish_reason_name(g.finish).size())),
                    static_cast<int>(g.tokens.size()), seconds, adapter);
  } catch (const std::exception& e) {
    Q_EMIT failed(QString::fromUtf8(e.what()));
  }
}

}  // namespace tunesmith::ui
